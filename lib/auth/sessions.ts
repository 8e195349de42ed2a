/**
 * Server-side sessions. The cookie holds a random 256-bit secret; the database holds its SHA-256.
 * A session ends at logout, after `idleMinutes` without use, or `maxDays` after login.
 */
import type { Sql } from "../db/client.ts";
import { randomSecret, sha256Hex } from "./secrets.ts";
import { type User, userColumnsOf, userFromRow, type UserRow } from "./users.ts";

export interface SessionPolicy {
  idleMinutes: number;
  maxDays: number;
}

// Refresh `last_seen_at` at most this often: a write per request would cost a round trip.
const TOUCH_EVERY_MS = 60_000;

/** Creates a session and returns the cookie secret (shown once, never stored). */
export async function createSession(
  sql: Sql,
  userId: string,
  policy: SessionPolicy,
): Promise<string> {
  const secret = randomSecret();
  await sql`
    insert into sessions (id_hash, user_id, expires_at)
    values (${sha256Hex(secret)}, ${userId}, now() + make_interval(days => ${policy.maxDays}))`;
  return secret;
}

/** The user of a live session, refreshing its idle clock; null if unknown, idle or expired. */
export async function resolveSession(
  sql: Sql,
  secret: string,
  policy: SessionPolicy,
): Promise<User | null> {
  const idHash = sha256Hex(secret);
  const [row] = await sql<
    (UserRow & { last_seen_at: Date; stale: boolean })[]
  >`
    select ${sql.unsafe(userColumnsOf("u"))},
           s.last_seen_at,
           (s.expires_at <= now()
             or s.last_seen_at <= now() - make_interval(mins => ${policy.idleMinutes})) as stale
    from sessions s join users u on u.id = s.user_id
    where s.id_hash = ${idHash}`;
  if (!row) return null;
  if (row.stale) {
    await sql`delete from sessions where id_hash = ${idHash}`;
    return null;
  }
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await sql`update sessions set last_seen_at = now() where id_hash = ${idHash}`;
  }
  return userFromRow(row);
}

export async function deleteSession(sql: Sql, secret: string): Promise<void> {
  await sql`delete from sessions where id_hash = ${sha256Hex(secret)}`;
}

/** Ends every session of a user except, optionally, the one in use (after a password change). */
export async function deleteOtherSessions(sql: Sql, userId: string, keepSecret?: string) {
  await sql`delete from sessions where user_id = ${userId}
            and id_hash <> ${keepSecret ? sha256Hex(keepSecret) : ""}`;
}
