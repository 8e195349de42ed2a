/**
 * `deno task start`: parse the configuration, start Headway, print its URL, shut down cleanly on
 * Ctrl-C / SIGTERM.
 */
import { ConfigError, loadConfig } from "./lib/config/config.ts";
import { startServer } from "./server.ts";

let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  console.error("See .env.example for every variable and its expected form.");
  Deno.exit(1);
}

const server = await startServer(config);
console.log(`Headway is running at ${server.url}`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("Shutting down…");
  await server.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
