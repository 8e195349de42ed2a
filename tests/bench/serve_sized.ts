/**
 * A reference server: a bare `Deno.serve` answering every request with a body of
 * `BENCH_BODY_BYTES` bytes (`BENCH_CONTENT_TYPE`), and with `BENCH_API_HEADERS=1` the eleven
 * headers Headway's API responses carry (security headers, rate-limit headers, a request id), and
 * with `BENCH_ONE_WRITE=1` chunked framing, which Deno writes with the head in one syscall (as
 * Headway serves kept responses, lib/http/kept_response.ts). No
 * framework, no work: the most a server on this runtime and machine can do for a response of that
 * size, to read Headway's rows of the same size against (docs/benchmarks.md).
 */
import { COMMON_SECURITY_HEADERS, DATA_CSP } from "../../lib/http/security.ts";
import { announceListening, exitOnSignal } from "./serve_common.ts";

const bytes = Number(Deno.env.get("BENCH_BODY_BYTES") ?? 13);
const contentType = Deno.env.get("BENCH_CONTENT_TYPE") ?? "text/plain";
const apiHeaders = Deno.env.get("BENCH_API_HEADERS") === "1";
const framing: [string, string][] = Deno.env.get("BENCH_ONE_WRITE") === "1"
  ? [["transfer-encoding", "chunked"]]
  : [];
// ASCII filler, one string built once (as Headway keeps its cached answers).
const body = "x".repeat(bytes);
// Headway's own list (lib/http/security.ts), so the reference cannot drift from what it sends.
const HEADERS: (readonly [string, string])[] = [
  ["RateLimit-Limit", "1000000"],
  ["RateLimit-Remaining", "999999"],
  ["RateLimit-Reset", "30"],
  ...COMMON_SECURITY_HEADERS,
  ["Content-Security-Policy", DATA_CSP],
];

const server = Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT") ?? 0), onListen: () => {} },
  () => {
    const response = new Response(body, {
      headers: [["content-type", contentType], ...framing],
    });
    if (apiHeaders) {
      for (const [name, value] of HEADERS) response.headers.set(name, value);
      response.headers.set("X-Request-Id", crypto.randomUUID());
    }
    return response;
  },
);
announceListening(`http://127.0.0.1:${server.addr.port}`);
exitOnSignal(() => server.shutdown());
