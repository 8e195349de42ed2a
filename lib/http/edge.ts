/**
 * The first and last thing every request passes through. On the way in: a request id and the
 * context every handler relies on (deps, default locale, no user yet). On the way out, on the
 * final response whoever built it (route, error handler, 404): the security headers, the
 * `X-Request-Id` header, and the access-log line.
 *
 * One middleware rather than four: each async layer and each header pass is a measurable share of
 * a cheap response (docs/benchmarks.md), and these always run together, in this order.
 */
import type { MiddlewareHandler } from "hono";
import { logRequest } from "./access_log.ts";
import type { AppDeps, AppEnv } from "./context.ts";
import { requestIdFor } from "./request_id.ts";
import { SecurityHeaders } from "./security.ts";

export function edge(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const securityHeaders = new SecurityHeaders({ hsts: !deps.config.isLocal });
  // Decided once: with the access log off (LOG_LEVEL warn and above) no line is even assembled.
  const logging = deps.log.enabled("info");
  return async (c, next) => {
    const started = performance.now();
    const id = requestIdFor(c.req.header("x-request-id"));
    c.set("requestId", id);
    c.set("deps", deps);
    c.set("locale", "en");
    c.set("user", null);
    c.set("securityHeaders", securityHeaders);
    await next();
    const response = c.res;
    securityHeaders.stamp(c, response);
    response.headers.set("X-Request-Id", id);
    if (logging || c.res.status >= 500) logRequest(c, started);
  };
}
