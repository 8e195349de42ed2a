/**
 * Headway under test: the real `startServer` (the same path as `deno task start`), configured from
 * the environment the bench gives it (DATABASE_URL, LOG_LEVEL, RATE_LIMIT_PER_MIN, PORT=0, …).
 * Prints `BENCH_LISTENING <url>` once it accepts connections; shuts down cleanly on SIGTERM.
 */
import { loadConfig } from "../../lib/config/config.ts";
import { startServer } from "../../server.ts";
import { announceListening, exitOnSignal } from "./serve_common.ts";

const config = loadConfig(Deno.env.toObject());
const server = await startServer(config);
announceListening(server.url);
exitOnSignal(() => server.stop());
