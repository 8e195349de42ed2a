/**
 * The baseline server: the smallest possible `Deno.serve` hello-world, run in its own process by
 * the bench. Prints `BENCH_LISTENING <url>` once it accepts connections; exits on SIGTERM.
 */
import { announceListening, exitOnSignal } from "./serve_common.ts";

const server = Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT") ?? 0), onListen: () => {} },
  () => new Response("Hello, world!"),
);
announceListening(`http://127.0.0.1:${server.addr.port}`);
exitOnSignal(() => server.shutdown());
