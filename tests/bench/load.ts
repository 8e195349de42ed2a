/**
 * The load generator: Debian's `wrk` (C, epoll, one thread per core it is given), driven as a
 * subprocess with a generated Lua script that fixes the request (or a weighted mix of requests),
 * optionally tallies response statuses, and prints one JSON line with throughput and latency
 * percentiles (wrk records every latency at microsecond resolution).
 */

export interface RequestSpec {
  method?: string;
  /** Path and query, e.g. `/dashboard`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Relative share in a mix; ignored for a single request. */
  weight?: number;
}

export interface LoadOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: RequestSpec[];
  connections: number;
  durationSeconds: number;
  threads: number;
  timeoutSeconds: number;
  /** Tally every response's status (a Lua call per response in the generator). */
  countStatuses: boolean;
  /** Called with the wrk process id once it runs (to account for its CPU). */
  onStart?: (pid: number) => void;
}

export interface LoadResult {
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyMs: {
    min: number;
    mean: number;
    max: number;
    stdev: number;
    p50: number;
    p90: number;
    p95: number;
    p99: number;
    p999: number;
  };
  /** Responses by status code; empty when statuses were not counted. */
  statuses: Record<string, number>;
  /** Responses outside 2xx (null when statuses were not counted: then only wrk's ≥ 400 tally). */
  non2xx: number | null;
  /** Socket errors and timeouts (not HTTP statuses). */
  socketErrors: number;
}

const WRK = "wrk";

async function wrkInstalled(): Promise<boolean> {
  try {
    const out = await new Deno.Command(WRK, { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    // wrk --version prints its usage and exits 1; what matters is that it ran at all.
    return out.code === 0 || out.code === 1;
  } catch {
    return false;
  }
}

/** Makes sure `wrk` is on PATH, installing Debian's package when running as root. */
export async function ensureWrk(): Promise<void> {
  if (await wrkInstalled()) return;
  const isRoot = Deno.uid?.() === 0;
  const hasApt = await Deno.stat("/usr/bin/apt-get").then(() => true, () => false);
  if (isRoot && hasApt) {
    console.error("wrk not found: installing it with apt-get (Debian package `wrk`)…");
    for (const args of [["update", "-qq"], ["install", "-y", "-qq", "wrk"]]) {
      const out = await new Deno.Command("apt-get", {
        args,
        env: { DEBIAN_FRONTEND: "noninteractive" },
        stdout: "null",
        stderr: "piped",
      }).output();
      if (out.code !== 0) {
        throw new Error(
          `apt-get ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr).slice(-2000)}`,
        );
      }
    }
    if (await wrkInstalled()) return;
  }
  throw new Error(
    "The load generator `wrk` is not installed. Install it with `sudo apt-get install wrk` " +
      "(Debian/Ubuntu), `brew install wrk` (macOS) or from https://github.com/wg/wrk, then re-run.",
  );
}

/** A Lua string literal for any text: printable ASCII as is, every other byte as `\ddd`. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c) {
      out += String.fromCharCode(byte);
    } else out += `\\${byte.toString().padStart(3, "0")}`;
  }
  return `${out}"`;
}

function luaPrelude(requests: RequestSpec[], countStatuses: boolean): string {
  const entries = requests.map((r) => {
    const headers = Object.entries(r.headers ?? {})
      .map(([name, value]) => `[${luaString(name)}] = ${luaString(value)}`)
      .join(", ");
    return `  { weight = ${r.weight ?? 1}, method = ${luaString(r.method ?? "GET")}, ` +
      `path = ${luaString(r.path)}, headers = { ${headers} }, ` +
      `body = ${r.body === undefined ? "nil" : luaString(r.body)} },`;
  });
  return `bench_requests = {\n${entries.join("\n")}\n}\nbench_count_statuses = ${countStatuses}\n`;
}

const REPORT_LUA = new URL("./wrk_report.lua", import.meta.url);

/** Runs wrk once against `options.url` and returns its measurements. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.requests.length === 0) throw new Error("runLoad needs at least one request");
  const script = await Deno.makeTempFile({ prefix: "headway-bench-", suffix: ".lua" });
  try {
    await Deno.writeTextFile(
      script,
      luaPrelude(options.requests, options.countStatuses) + await Deno.readTextFile(REPORT_LUA),
    );
    const child = new Deno.Command(WRK, {
      args: [
        `--threads=${options.threads}`,
        `--connections=${options.connections}`,
        `--duration=${options.durationSeconds}s`,
        `--timeout=${options.timeoutSeconds}s`,
        `--script=${script}`,
        options.url,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    options.onStart?.(child.pid);
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    if (out.code !== 0 || !line) {
      throw new Error(
        `wrk failed (exit ${out.code}):\n${stdout}\n${new TextDecoder().decode(out.stderr)}`,
      );
    }
    const raw = JSON.parse(line.slice("BENCH_RESULT ".length));
    const ms = (us: number) => Math.round(us) / 1000;
    const statuses: Record<string, number> = raw.statuses;
    const non2xx = options.countStatuses
      ? Object.entries(statuses).filter(([s]) => Number(s) < 200 || Number(s) > 299)
        .reduce((sum, [, n]) => sum + n, 0)
      : null;
    const e = raw.errors;
    const durationSeconds = raw.duration_us / 1e6;
    return {
      durationSeconds,
      requests: raw.requests,
      requestsPerSecond: raw.requests / durationSeconds,
      bytes: raw.bytes,
      errors: e,
      latencyMs: Object.fromEntries(
        Object.entries(raw.latency_us as Record<string, number>).map(([k, v]) => [k, ms(v)]),
      ) as LoadResult["latencyMs"],
      statuses,
      non2xx,
      socketErrors: e.connect + e.read + e.write + e.timeout,
    };
  } finally {
    await Deno.remove(script).catch(() => {});
  }
}
