/**
 * Password hashing with argon2id (`@node-rs/argon2`, a maintained native binding that runs off
 * the main thread). Work factor: OWASP's argon2id baseline — 19 MiB memory, 2 passes, 1 lane —
 * about 35 ms per hash on our 2-core machines. `PASSWORD_MEMORY_KIB` raises it.
 */
import { hash, verify } from "@node-rs/argon2";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export function createPasswordHasher(memoryKib = 19_456): PasswordHasher {
  const params = { memoryCost: memoryKib, timeCost: 2, parallelism: 1 };
  return {
    hash: (password) => hash(password, params),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
      } catch {
        return false; // malformed stored hash: never a match, never a crash
      }
    },
  };
}
