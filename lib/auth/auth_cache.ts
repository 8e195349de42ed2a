/**
 * A short-lived cache of "credential → user", so a signed-in request costs a cache read instead
 * of a Postgres round trip (the benchmarks in docs/benchmarks.md measured that round trip as most
 * of a signed-in page's cost).
 *
 * The database stays the authority: every write that changes what a credential resolves to —
 * logout, log-in rotation, password change, profile settings, role, token revocation — goes
 * through this module's invalidation, which uses {@link Cache.delete} and therefore also stops a
 * load already in flight (in this process or another sharing the store) from storing the old user.
 * A change made behind the application's back (SQL by hand) shows within
 * {@link AUTH_CACHE_TTL_SECONDS}; so does a revocation whose invalidation could not reach a dead
 * Redis.
 */
import type { Cache } from "../cache/cache.ts";
import type { Sql } from "../db/client.ts";
import type { User } from "./users.ts";

/** What resolving or revoking a credential needs. */
export interface AuthDeps {
  sql: Sql;
  cache: Cache;
}

export const AUTH_CACHE_TTL_SECONDS = 30;

export const sessionCacheKey = (idHash: string) => `auth:session:${idHash}`;
export const tokenCacheKey = (tokenHash: string) => `auth:token:${tokenHash}`;

/** A {@link User} as JSON (the cache stores JSON). */
export type CachedUser = Omit<User, "createdAt"> & { createdAt: string };

export function toCachedUser(user: User): CachedUser {
  return { ...user, createdAt: user.createdAt.toISOString() };
}

// One User per shared cached entry (see `Cache.get`): a signed-in request reuses it instead of
// building a user and a Date each time. Frozen, as it is shared.
const usersOfEntries = new WeakMap<CachedUser, User>();

export function fromCachedUser(cached: CachedUser): User {
  const known = usersOfEntries.get(cached);
  if (known) return known;
  const user = Object.freeze({ ...cached, createdAt: new Date(cached.createdAt) });
  if (Object.isFrozen(cached)) usersOfEntries.set(cached, user);
  return user;
}

/** Forgets every cached credential of a user: call after anything about the user changes. */
export async function invalidateUserAuth(deps: AuthDeps, userId: string): Promise<void> {
  const rows = await deps.sql<{ key: string }[]>`
    select 'auth:session:' || id_hash as key from sessions where user_id = ${userId}
    union all
    select 'auth:token:' || token_hash from api_tokens
    where user_id = ${userId} and revoked_at is null`;
  await deps.cache.delete(...rows.map((row) => row.key));
}
