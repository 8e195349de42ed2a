/**
 * A deadline for every page and API request, so no answer waits forever on a database that stopped answering
 * mid-conversation (a network partition: no reset, no error, just silence). Postgres' own
 * `statement_timeout` cannot help there — its reply never arrives — and TCP would take many
 * minutes to notice. Past `REQUEST_TIMEOUT_MS` (above the statement timeout, so a merely slow
 * query still gets Postgres' own error first) the request is answered 503 `DATABASE_UNAVAILABLE`
 * with `Retry-After` through the one error handler. The stalled query is left to finish or fail
 * when the network heals; the pool then recovers by itself.
 */
import type { MiddlewareHandler } from "hono";
import { DatabaseUnavailableError } from "../db/client.ts";
import { Deadlines } from "../time/deadlines.ts";
import type { AppEnv } from "./context.ts";

// How often expired requests are looked for: deadlines are kept to within this.
const TICK_MS = 100;

/**
 * Runs `middleware` — and through its `next()`, everything after it — within the deadline, as one
 * middleware layer: each layer is a measurable share of a cheap request (docs/benchmarks.md).
 * Registered around authentication (app.tsx): resolving the caller is a request's first wait on
 * the database, and the checks before it (rate limit, CSRF, body size) never wait on it.
 *
 * Not hono/timeout: it only throws HTTPExceptions, and this must reach the error handler as the
 * database outage it is (503 + Retry-After, logged as a warning), like any other.
 */
export function withinRequestDeadline(
  ms: number,
  middleware: MiddlewareHandler<AppEnv>,
): MiddlewareHandler<AppEnv> {
  const deadlines = new Deadlines(TICK_MS);
  const silent = () => new DatabaseUnavailableError(`no answer within ${ms} ms: database silent`);
  return (c, next) => deadlines.within(middleware(c, next), ms, silent);
}
