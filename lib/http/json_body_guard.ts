/**
 * What `/api/*` accepts as a request body: JSON only (415 `UNSUPPORTED_MEDIA_TYPE` otherwise) and
 * at most `BODY_LIMIT_BYTES` (413 `PAYLOAD_TOO_LARGE`, also for chunked bodies that only turn out
 * too large while streaming). Registered for the methods that carry bodies (app.tsx); a request
 * without one passes straight through.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./context.ts";
import { ApiError, ErrorCode } from "./errors.ts";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;

export function jsonBodyGuard(maxBytes: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        `The request body is larger than ${maxBytes} bytes.`,
      );
    },
  });
  return (c, next) => {
    if (c.req.raw.body === null) return next();
    const length = c.req.header("content-length");
    const declaresBody = (length !== undefined && length !== "0") ||
      c.req.header("transfer-encoding") !== undefined;
    if (declaresBody && !JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      throw new ApiError(
        415,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Send the body as JSON with Content-Type: application/json.",
      );
    }
    return limit(c, next);
  };
}
