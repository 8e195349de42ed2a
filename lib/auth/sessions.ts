/**
 * Server-side sessions. The cookie holds a random 256-bit secret; the database holds its SHA-256.
 * A session ends at logout, after `idleMinutes` without use, or `maxDays` after login. Resolving a
 * session goes through the auth cache (see `auth_cache.ts`); the database is asked again at least
 * once a minute per active session, when the idle clock is refreshed.
 */
import type { Sql } from "../db/client.ts";
import {
  AUTH_CACHE_TTL_SECONDS,
  type AuthDeps,
  type CachedUser,
  fromCachedUser,
  sessionCacheKey,
  toCachedUser,
} from "./auth_cache.ts";
import { credentialDigest, forgetCredential, randomSecret, sha256Hex } from "./secrets.ts";
import { type User, userColumnsOf, userFromRow, type UserRow } from "./users.ts";

export interface SessionPolicy {
  idleMinutes: number;
  maxDays: number;
}

// Refresh `last_seen_at` at most this often: a write per request would cost a round trip. The
// idle timeout is at least 5 minutes (config), so a session seen within this window is live.
const TOUCH_EVERY_MS = 60_000;

/** What the cache holds per session: enough to answer without the database until a touch is due. */
interface SessionEntry {
  user: CachedUser;
  lastSeenAt: number;
  expiresAt: number;
}

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
  deps: AuthDeps,
  secret: string,
  policy: SessionPolicy,
): Promise<User | null> {
  const idHash = credentialDigest(secret);
  const key = sessionCacheKey(idHash);
  const load = () => loadSession(deps.sql, idHash, policy);
  let entry = await deps.cache.getOrLoad(key, AUTH_CACHE_TTL_SECONDS, load);
  if (entry && !usableAsCached(entry, Date.now())) {
    // Past its end or due for the idle-clock refresh: the database decides, and re-caches.
    await deps.cache.delete(key);
    entry = await deps.cache.getOrLoad(key, AUTH_CACHE_TTL_SECONDS, load);
  }
  return entry ? fromCachedUser(entry.user) : null;
}

/**
 * The user of a live session when the cache can answer at once, without the database or a promise;
 * undefined when {@link resolveSession} must decide (not cached, past its end, or due for the
 * idle-clock refresh).
 */
export function peekSession(deps: AuthDeps, secret: string): User | undefined {
  const entry = deps.cache.peek<SessionEntry>(sessionCacheKey(credentialDigest(secret)));
  return entry && usableAsCached(entry, Date.now()) ? fromCachedUser(entry.user) : undefined;
}

/** Whether a cached session may be used as is: not past its end, not due for the touch. */
function usableAsCached(entry: SessionEntry, now: number): boolean {
  return entry.expiresAt > now && now - entry.lastSeenAt <= TOUCH_EVERY_MS;
}

async function loadSession(
  sql: Sql,
  idHash: string,
  policy: SessionPolicy,
): Promise<SessionEntry | null> {
  const [row] = await sql<
    (UserRow & { last_seen_at: Date; expires_at: Date; stale: boolean })[]
  >`
    select ${sql.unsafe(userColumnsOf("u"))},
           s.last_seen_at,
           s.expires_at,
           (s.expires_at <= now()
             or s.last_seen_at <= now() - make_interval(mins => ${policy.idleMinutes})) as stale
    from sessions s join users u on u.id = s.user_id
    where s.id_hash = ${idHash}`;
  if (!row) return null;
  if (row.stale) {
    await sql`delete from sessions where id_hash = ${idHash}`;
    return null;
  }
  let lastSeenAt = row.last_seen_at;
  if (Date.now() - lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    const [touched] = await sql<{ last_seen_at: Date }[]>`
      update sessions set last_seen_at = now() where id_hash = ${idHash}
      returning last_seen_at`;
    // Ended between the two statements (a logout): not a session any more.
    if (!touched) return null;
    lastSeenAt = touched.last_seen_at;
  }
  return {
    user: toCachedUser(userFromRow(row)),
    lastSeenAt: lastSeenAt.getTime(),
    expiresAt: row.expires_at.getTime(),
  };
}

/** Ends a session (logout, or the old one at log-in). */
export async function deleteSession(deps: AuthDeps, secret: string): Promise<void> {
  const idHash = credentialDigest(secret);
  forgetCredential(secret);
  await deps.sql`delete from sessions where id_hash = ${idHash}`;
  await deps.cache.delete(sessionCacheKey(idHash));
}

/** Ends every session of a user except, optionally, the one in use (after a password change). */
export async function deleteOtherSessions(deps: AuthDeps, userId: string, keepSecret?: string) {
  const ended = await deps.sql<{ id_hash: string }[]>`
    delete from sessions where user_id = ${userId}
      and id_hash <> ${keepSecret ? sha256Hex(keepSecret) : ""}
    returning id_hash`;
  await deps.cache.delete(...ended.map((row) => sessionCacheKey(row.id_hash)));
}
