/**
 * Personal API tokens: `hw_` + 256 random bits, shown once at creation, stored as SHA-256,
 * listed by name and revocable. Accepted as `Authorization: Bearer …` on `/api/v1/*`.
 */
import type { Sql } from "../db/client.ts";
import {
  AUTH_CACHE_TTL_SECONDS,
  type AuthDeps,
  type CachedUser,
  fromCachedUser,
  toCachedUser,
  tokenCacheKey,
} from "./auth_cache.ts";
import { credentialDigest, randomSecret, sha256Hex } from "./secrets.ts";
import { type User, userColumnsOf, userFromRow, type UserRow } from "./users.ts";

export interface ApiToken {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export const TOKEN_PREFIX = "hw_";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function apiTokenJson(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    created_at: token.createdAt.toISOString(),
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
  };
}

export async function createApiToken(
  sql: Sql,
  userId: string,
  name: string,
): Promise<{ token: ApiToken; secret: string }> {
  const secret = TOKEN_PREFIX + randomSecret();
  const [row] = await sql<{ id: string; name: string; created_at: Date }[]>`
    insert into api_tokens (user_id, name, token_hash)
    values (${userId}, ${name}, ${sha256Hex(secret)})
    returning id, name, created_at`;
  return {
    token: { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: null },
    secret,
  };
}

export async function listApiTokens(sql: Sql, userId: string): Promise<ApiToken[]> {
  const rows = await sql<
    { id: string; name: string; created_at: Date; last_used_at: Date | null }[]
  >`
    select id, name, created_at, last_used_at from api_tokens
    where user_id = ${userId} and revoked_at is null
    order by created_at desc`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes one of the user's tokens; false if it is not theirs, unknown or already revoked. */
export async function revokeApiToken(
  deps: AuthDeps,
  userId: string,
  tokenId: string,
): Promise<boolean> {
  // The exact UUID shape: a looser check (e.g. 36 dashes) lets Postgres reject the cast with a 500.
  if (!UUID.test(tokenId)) return false;
  const rows = await deps.sql<{ token_hash: string }[]>`
    update api_tokens set revoked_at = now()
    where id = ${tokenId} and user_id = ${userId} and revoked_at is null
    returning token_hash`;
  await deps.cache.delete(...rows.map((row) => tokenCacheKey(row.token_hash)));
  return rows.length === 1;
}

// Record a token's use at most this often (a write per request would cost a round trip).
const RECORD_USE_EVERY_MS = 60_000;

interface TokenEntry {
  user: CachedUser;
  lastUsedAt: number;
}

/**
 * The owner of a live token, or null. Goes through the auth cache; the database is asked again
 * (and the use recorded) at least once a minute per token in use.
 */
export async function resolveApiToken(deps: AuthDeps, secret: string): Promise<User | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
  const hash = credentialDigest(secret);
  const key = tokenCacheKey(hash);
  const load = () => loadToken(deps.sql, hash);
  let entry = await deps.cache.getOrLoad(key, AUTH_CACHE_TTL_SECONDS, load);
  if (entry && Date.now() - entry.lastUsedAt > RECORD_USE_EVERY_MS) {
    await deps.cache.delete(key);
    entry = await deps.cache.getOrLoad(key, AUTH_CACHE_TTL_SECONDS, load);
  }
  return entry ? fromCachedUser(entry.user) : null;
}

async function loadToken(sql: Sql, hash: string): Promise<TokenEntry | null> {
  const [row] = await sql<(UserRow & { token_id: string; last_used_at: Date | null })[]>`
    select ${sql.unsafe(userColumnsOf("u"))}, t.id as token_id, t.last_used_at
    from api_tokens t join users u on u.id = t.user_id
    where t.token_hash = ${hash} and t.revoked_at is null`;
  if (!row) return null;
  let lastUsedAt = row.last_used_at;
  if (!lastUsedAt || Date.now() - lastUsedAt.getTime() > RECORD_USE_EVERY_MS) {
    const [used] = await sql<{ last_used_at: Date }[]>`
      update api_tokens set last_used_at = now()
      where id = ${row.token_id} and revoked_at is null
      returning last_used_at`;
    // Revoked between the two statements.
    if (!used) return null;
    lastUsedAt = used.last_used_at;
  }
  return { user: toCachedUser(userFromRow(row)), lastUsedAt: lastUsedAt.getTime() };
}
