/** One structured log line per request: method, route, status, duration, request id, user id. */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "./context.ts";

export function accessLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const fields = {
      request_id: c.get("requestId"),
      method: c.req.method,
      // The matched pattern (`/api/v1/tokens/:id`), not the raw path: ids stay out of the logs.
      route: routePath(c, c.req.routeIndex),
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      user_id: c.get("user")?.id ?? null,
    };
    const log = c.get("deps").log;
    if (status >= 500) log.error("request", fields);
    else log.info("request", fields);
  };
}
