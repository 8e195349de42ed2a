/**
 * Headway under test: the real `startServer` (the same path as `deno task start`), configured from
 * the environment the bench gives it (DATABASE_URL, LOG_LEVEL, RATE_LIMIT_PER_MIN, PORT=0, …).
 * `BENCH_CACHE=none` swaps the cache store for one that keeps nothing (the cold-cache scenarios).
 * Prints `BENCH_LISTENING <url>` once it accepts connections; shuts down cleanly on SIGTERM.
 */
import { loadConfig } from "../../lib/config/config.ts";
import { startServer } from "../../server.ts";
import { NullStore } from "./null_store.ts";
import { announceListening, exitOnSignal } from "./serve_common.ts";

const config = loadConfig(Deno.env.toObject());
const cold = Deno.env.get("BENCH_CACHE") === "none";
const server = await startServer(config, cold ? { cacheStore: new NullStore() } : {});
announceListening(server.url);
exitOnSignal(() => server.stop());
