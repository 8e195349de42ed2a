/**
 * Runs a server under test in its own `deno run -A` process, so its RSS and CPU are its own and
 * not the load generator's. Waits for the `BENCH_LISTENING <url>` line, keeps draining stdout
 * afterwards (a log line per request must never block on a full pipe; the byte count is kept, as
 * a log collector would receive it) and stops the process with SIGTERM, then SIGKILL.
 */
import { LISTENING_PREFIX } from "./serve_common.ts";

export interface ServerProcess {
  url: string;
  pid: number;
  /** Bytes the server has written to stdout since it started listening (its log volume). */
  stdoutBytes(): number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** The entry script (a path or file: URL). */
  entry: string | URL;
  /** The server's whole environment beyond PATH/HOME and Deno's own cache settings. */
  env: Record<string, string>;
  /** Deno flags before the entry, e.g. the start task's `--v8-flags=…`. */
  denoFlags?: string[];
  startTimeoutMs?: number;
}

// The server gets a clean environment, so a stray REDIS_URL or LOG_LEVEL in the caller's shell
// cannot change what is measured; only what Deno needs to find its caches is passed through.
const PASSED_THROUGH = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "LANG"];

export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const entry = options.entry instanceof URL ? options.entry.pathname : options.entry;
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of PASSED_THROUGH) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.env);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", ...(options.denoFlags ?? []), entry],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let stderrTail = "";
  const stderrDone = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderrTail = (stderrTail + decoder.decode(chunk, { stream: true })).slice(-4000);
    }
  })();

  let bytes = 0;
  let buffered = "";
  const { promise: urlPromise, resolve: resolveUrl, reject: rejectUrl } = Promise.withResolvers<
    string
  >();
  let listening = false;
  const stdoutDone = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      if (listening) {
        bytes += chunk.byteLength;
        continue;
      }
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith(LISTENING_PREFIX)) {
          listening = true;
          resolveUrl(line.slice(LISTENING_PREFIX.length).trim());
        }
      }
      if (listening) bytes += new TextEncoder().encode(buffered).byteLength;
    }
  })();

  const status = child.status;
  status.then((s) => {
    if (!listening) {
      rejectUrl(new Error(`${entry} exited with code ${s.code} before listening:\n${stderrTail}`));
    }
  });

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`${entry} did not print its URL within ${timeoutMs} ms:\n${stderrTail}`)),
      timeoutMs,
    );
  });
  let url: string;
  try {
    url = await Promise.race([urlPromise, timeout]);
  } catch (error) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await Promise.allSettled([status, stdoutDone, stderrDone]);
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    url,
    pid: child.pid,
    stdoutBytes: () => bytes,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        return; // already exited
      }
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const forced = new Promise<void>((resolve) => {
        killTimer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* exited meanwhile */ }
          resolve();
        }, 10_000);
      });
      await Promise.race([status.then(() => {}), forced]);
      clearTimeout(killTimer);
      await Promise.allSettled([status, stdoutDone, stderrDone]);
    },
  };
}
