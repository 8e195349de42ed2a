/**
 * `GET /healthz`: the process is up. `GET /readyz`: the database (and the cache, when a remote one
 * is configured) answers; 503 otherwise, recovering by itself when they return.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/context.ts";

export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/readyz", async (c) => {
    const { db, cache } = c.get("deps");
    const [database, cacheUp] = await Promise.all([
      db.ping(1_000).then(() => true, () => false),
      cache.store.kind === "memory" ? Promise.resolve(true) : cache.ping(),
    ]);
    const ready = database && cacheUp;
    c.header("Cache-Control", "no-store");
    if (!ready) c.header("Retry-After", "5");
    return c.json({
      status: ready ? "ready" : "unavailable",
      checks: {
        database: database ? "up" : "down",
        cache: { kind: cache.store.kind, status: cacheUp ? "up" : "down" },
      },
    }, ready ? 200 : 503);
  });
