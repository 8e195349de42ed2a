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
