/**
 * Starts Headway: opens the database (embedded by default), applies migrations, builds the island
 * bundles, connects the cache and listens. Returns a handle whose `stop()` shuts everything down
 * in order. Used by `main.ts`, the smoke test and the benchmarks.
 */
import { createApp } from "./app.tsx";
import { createPasswordHasher } from "./lib/auth/password_hash.ts";
import { Cache } from "./lib/cache/cache.ts";
import { createCache } from "./lib/cache/create_cache.ts";
import type { CacheStore } from "./lib/cache/store.ts";
import { WindowCounter } from "./lib/cache/window_counter.ts";
import type { Config } from "./lib/config/config.ts";
import { migrateUp } from "./lib/db/migrate.ts";
import { openDatabase } from "./lib/db/open.ts";
import type { AppDeps } from "./lib/http/context.ts";
import { buildIslands } from "./lib/islands/build.ts";
import { createLogger, type Logger } from "./lib/log/logger.ts";
import { loadStaticAssets } from "./lib/render/static_assets.ts";

export interface RunningServer {
  url: string;
  deps: AppDeps;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Use this cache store instead of the configured one (benchmarks measure a cold cache). */
  cacheStore?: CacheStore;
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL });
  const database = await openDatabase(config);
  const applied = await migrateUp(database.db.sql);
  if (applied.length > 0) {
    log.info("migrations applied", { versions: applied.map((m) => `${m.version}_${m.name}`) });
  }
  const [islands] = await Promise.all([buildIslands(), loadStaticAssets()]);
  const cache = options.cacheStore
    ? new Cache(options.cacheStore, { timeoutMs: config.CACHE_TIMEOUT_MS })
    : createCache(config);
  const deps: AppDeps = {
    config,
    db: database.db,
    cache,
    counters: new WindowCounter(cache),
    passwords: createPasswordHasher(config.PASSWORD_MEMORY_KIB),
    islands,
    log,
  };
  const app = createApp(deps);
  const server = Deno.serve(
    { hostname: config.HOST, port: config.PORT, onListen: () => {} },
    app.fetch,
  );
  const host = config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${server.addr.port}`;
  log.info("listening", { url, database: database.kind, cache: cache.store.kind });
  return {
    url,
    deps,
    async stop() {
      await server.shutdown();
      await deps.counters.close();
      await cache.close();
      await database.close();
    },
  };
}
