/** Adapts the request's dependencies to what each domain module needs. */
import type { Context } from "hono";
import type { AccountDeps } from "../auth/accounts.ts";
import type { ServiceDeps } from "../opportunities/service.ts";
import type { AppEnv } from "./context.ts";

export function accountDeps(c: Context<AppEnv>): AccountDeps {
  const { db, passwords, counters, config } = c.get("deps");
  return {
    sql: db.sql,
    passwords,
    counters,
    sessions: { idleMinutes: config.SESSION_IDLE_MINUTES, maxDays: config.SESSION_MAX_DAYS },
  };
}

/** What the opportunities service needs from the request's dependencies. */
export function serviceDeps(c: Context<AppEnv>): ServiceDeps {
  const { db, cache } = c.get("deps");
  return { sql: db.sql, cache };
}
