/** Adapts the request's dependencies to what each domain module needs. */
import type { Context } from "hono";
import type { AccountDeps } from "../auth/accounts.ts";
import type { AuthDeps } from "../auth/auth_cache.ts";
import type { ServiceDeps } from "../opportunities/service.ts";
import type { AppEnv } from "./context.ts";

export function accountDeps(c: Context<AppEnv>): AccountDeps {
  const { db, cache, passwords, counters, config } = c.get("deps");
  return {
    sql: db.sql,
    cache,
    passwords,
    counters,
    sessions: { idleMinutes: config.SESSION_IDLE_MINUTES, maxDays: config.SESSION_MAX_DAYS },
  };
}

/** What resolving, ending or changing credentials needs (see `lib/auth/auth_cache.ts`). */
export function authDeps(c: Context<AppEnv>): AuthDeps {
  const { db, cache } = c.get("deps");
  return { sql: db.sql, cache };
}

/** What the opportunities service needs from the request's dependencies. */
export function serviceDeps(c: Context<AppEnv>): ServiceDeps {
  const { db, cache } = c.get("deps");
  return { sql: db.sql, cache };
}
