/** The access log: one structured line per request (method, route, status, duration, ids). */
import type { Context } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "./context.ts";

/** Writes the line for a finished request that started at `startedMs` (`performance.now()`). */
export function logRequest(c: Context<AppEnv>, startedMs: number): void {
  const status = c.res.status;
  const fields = {
    request_id: c.get("requestId"),
    method: c.req.method,
    // The matched pattern (`/api/v1/tokens/:id`), not the raw path: ids stay out of the logs.
    route: routePath(c, c.req.routeIndex),
    path: c.req.path,
    status,
    duration_ms: Math.round((performance.now() - startedMs) * 100) / 100,
    user_id: c.get("user")?.id ?? null,
  };
  const log = c.get("deps").log;
  if (status >= 500) log.error("request", fields);
  else log.info("request", fields);
}
