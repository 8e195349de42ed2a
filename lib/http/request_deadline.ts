/**
 * A deadline for every request, so no answer waits forever on a database that stopped answering
 * mid-conversation (a network partition: no reset, no error, just silence). Postgres' own
 * `statement_timeout` cannot help there — its reply never arrives — and TCP would take many
 * minutes to notice. Past `REQUEST_TIMEOUT_MS` (above the statement timeout, so a merely slow
 * query still gets Postgres' own error first) the request is answered 503 `DATABASE_UNAVAILABLE`
 * with `Retry-After` through the one error handler. The stalled query is left to finish or fail
 * when the network heals; the pool then recovers by itself.
 */
import type { MiddlewareHandler } from "hono";
import { DatabaseUnavailableError } from "../db/client.ts";
import type { AppEnv } from "./context.ts";

// How often expired requests are looked for: deadlines are kept to within this.
const TICK_MS = 100;

interface Pending {
  deadline: number;
  reject: (error: Error) => void;
}

// Not hono/timeout: it only throws HTTPExceptions, and this must reach the error handler as the
// database outage it is (503 + Retry-After, logged as a warning), like any other. And one shared
// ticker instead of a timer per request: Deno's timers are Node-style objects, and one per request
// was ~10 % of a cached page's CPU (measured, docs/benchmarks.md).
export function requestDeadline(ms: number): MiddlewareHandler<AppEnv> {
  const pending = new Set<Pending>();
  let ticker: ReturnType<typeof setInterval> | undefined;
  const stopTicker = () => {
    clearInterval(ticker);
    ticker = undefined;
  };
  const tick = () => {
    const now = performance.now();
    for (const entry of pending) {
      if (entry.deadline > now) continue;
      pending.delete(entry);
      entry.reject(new DatabaseUnavailableError(`no answer within ${ms} ms: database silent`));
    }
    if (pending.size === 0) stopTicker();
  };
  // One promise per request, settled by whichever comes first: the downstream answer, or the
  // ticker finding the deadline passed (cheaper than an async wrapper around Promise.race, which
  // is measurable on every request; docs/benchmarks.md).
  return (_c, next) =>
    new Promise<void>((resolve, reject) => {
      const entry: Pending = { deadline: performance.now() + ms, reject };
      pending.add(entry);
      // Started on demand; the first tick that finds nothing pending stops it, so an idle server
      // holds no timer. (Stopping it as soon as nothing is pending would restart it for almost
      // every request: a synchronous handler finishes before the next one starts.)
      ticker ??= setInterval(tick, TICK_MS);
      next().then(() => {
        pending.delete(entry);
        resolve();
      }, (error) => {
        pending.delete(entry);
        reject(error);
      });
    });
}
