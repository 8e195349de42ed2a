/** Random secrets and their digests (sessions and API tokens are stored hashed). */
import { createHash, randomBytes } from "node:crypto";

/** A random URL-safe secret of `bytes` bytes (default 32 = 256 bits). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Hex SHA-256 of a secret: what the database keeps. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** How many credential digests {@link credentialDigest} remembers. */
export const CREDENTIAL_DIGESTS_KEPT = 10_000;
/** Longer strings are digested but not remembered (ours are 43–46 characters). */
export const CREDENTIAL_MAX_REMEMBERED_LENGTH = 128;

// Every signed-in request digests its session cookie or bearer token to find it. Deno's
// node:crypto hasher is a native object that only a full GC frees, and the V8 heap does not count
// it: at ~25k signed-in requests/s the process grew by ~100 MB in ten seconds while its JS heap
// stayed at ~35 MB (docs/benchmarks.md). The digest of a credential never changes, so the ones in
// use are remembered instead: bounded, oldest first out. Holding them costs no secrecy the
// process does not already have (it sees each secret on every request that carries it), and a
// flood of made-up credentials only evicts entries.
const digests = new Map<string, string>();

/** {@link sha256Hex} of a session secret or API token, remembered for the credentials in use. */
export function credentialDigest(secret: string): string {
  const known = digests.get(secret);
  if (known !== undefined) return known;
  const digest = sha256Hex(secret);
  // Callers already refuse implausible credentials; this bound keeps the memory under ~3 MB whatever
  // a future caller passes.
  if (secret.length > CREDENTIAL_MAX_REMEMBERED_LENGTH) return digest;
  if (digests.size >= CREDENTIAL_DIGESTS_KEPT) digests.delete(digests.keys().next().value!);
  digests.set(secret, digest);
  return digest;
}

/** Drops a credential that has just ended (logout) from {@link credentialDigest}'s memory. */
export function forgetCredential(secret: string): void {
  digests.delete(secret);
}

/** How many digests {@link credentialDigest} holds now (never above the bound). */
export function credentialDigestsHeld(): number {
  return digests.size;
}
