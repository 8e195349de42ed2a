/**
 * Per-client fixed-window rate limits, counted in the shared cache (memory when it is down).
 * Answers 429 `RATE_LIMIT_EXCEEDED` with `Retry-After` and the `RateLimit-*` headers.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import type { AppEnv } from "./context.ts";
import { ApiError, ErrorCode } from "./errors.ts";

/** The client address: the socket peer, or the first `X-Forwarded-For` hop behind a proxy. */
export function clientIp(c: Context<AppEnv>): string {
  if (c.get("deps").config.TRUST_PROXY) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // app.request() in tests has no socket
  }
}

export interface RateLimitOptions {
  /** Bucket name, part of the counter key (e.g. "api", "auth"). */
  bucket: string;
  limit: (c: Context<AppEnv>) => number;
  windowSeconds?: number;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const windowSeconds = options.windowSeconds ?? 60;
  return async (c, next) => {
    const limit = options.limit(c);
    const { count, resetInSeconds } = await c.get("deps").counters.hit(
      `${options.bucket}:${clientIp(c)}`,
      windowSeconds,
    );
    const headers = {
      "RateLimit-Limit": String(limit),
      "RateLimit-Remaining": String(Math.max(0, limit - count)),
      "RateLimit-Reset": String(resetInSeconds),
    };
    if (count > limit) {
      throw new ApiError(
        429,
        ErrorCode.RATE_LIMIT_EXCEEDED,
        `Too many requests: the limit is ${limit} per ${windowSeconds} seconds. Retry in ${resetInSeconds} s.`,
        { headers: { ...headers, "Retry-After": String(resetInSeconds) } },
      );
    }
    await next();
    // A limiter nested inside this one (auth within api) has already described its own, stricter
    // window, possibly on its 429: overwriting it would report the wrong limit and remaining count.
    if (c.res.headers.has("RateLimit-Limit")) return;
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
