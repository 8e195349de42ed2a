/** Gives every request an id (`X-Request-Id`), accepting a sane inbound one from a proxy. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";

const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const inbound = c.req.header("x-request-id");
    const id = inbound && SANE_ID.test(inbound) ? inbound : crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
    // Responses built outside the context (static files, errors) still carry the id.
    c.res.headers.set("X-Request-Id", id);
  };
}
