/** Adapts the request's dependencies to what `lib/auth/accounts.ts` needs. */
import type { Context } from "hono";
import type { AccountDeps } from "../auth/accounts.ts";
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
