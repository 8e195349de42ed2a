/**
 * `deno task bench`: every scenario in tests/bench/scenarios.ts, in one run, with the same
 * settings. Each scenario gets its own server process (spawned with `deno run -A`), a warm-up,
 * then a measured wrk run; the bench records throughput, latency percentiles, errors, the
 * server's memory (VmHWM and sampled VmRSS) and who used the CPU. Prints Markdown tables, checks
 * the targets (PASS/FAIL; the exit code stays 0 unless the bench itself failed) and writes JSON to
 * tests/.artifacts/bench.json.
 *
 * Options (flags win over environment variables):
 *   --duration=S      measured seconds per scenario     BENCH_DURATION     (10)
 *   --warmup=S        warm-up seconds, not measured     BENCH_WARMUP       (3)
 *   --connections=N   concurrent connections            BENCH_CONNECTIONS  (50)
 *   --threads=N       wrk threads                       BENCH_THREADS      (1)
 *   --timeout=S       wrk per-request timeout           BENCH_TIMEOUT      (5)
 *   --rounds=N        run the list N times, keep each scenario's median round  BENCH_ROUNDS (1)
 *   --only=a,b        only these scenarios (the baseline is always included)   BENCH_ONLY
 *   --log-level=L     Headway's LOG_LEVEL               BENCH_LOG_LEVEL    (warn)
 *   --json=PATH       where to write the JSON           BENCH_JSON         (tests/.artifacts/bench.json)
 *
 * e.g. a CI-light run: `deno task bench --duration=2 --warmup=1 --connections=10`.
 */
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { ensureWrk, type RequestSpec, runLoad } from "./load.ts";
import { machineInfo } from "./machine.ts";
import {
  checkTargets,
  errorCount,
  MB,
  resultsTable,
  type ScenarioResult,
  targetsTable,
} from "./report.ts";
import {
  cpuSecondsByCommand,
  machineCpuSeconds,
  processCpuSeconds,
  readMemory,
  resetPeakMemory,
  sampleRss,
} from "./resources.ts";
import { headwayEnv, type Scenario, scenarios, startTaskFlags } from "./scenarios.ts";
import { type ServerProcess, spawnServer } from "./server_process.ts";

interface Settings {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  threads: number;
  timeoutSeconds: number;
  rounds: number;
  only: string[];
  logLevel: string;
  jsonPath: string;
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

function parseSettings(args: string[]): Settings {
  const flags = new Map<string, string>();
  for (const arg of args) {
    if (arg === "--help" || arg === "-h") {
      console.log(
        "Usage: deno task bench [--duration=S] [--warmup=S] [--connections=N] [--threads=N]\n" +
          "       [--timeout=S] [--rounds=N] [--only=a,b] [--log-level=L] [--json=PATH]\n" +
          `Scenarios: ${scenarios.map((s) => s.name).join(", ")}`,
      );
      Deno.exit(0);
    }
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match) throw new Error(`Unknown argument ${arg} (try --help)`);
    flags.set(match[1], match[2]);
  }
  const get = (flag: string, fallback: string) =>
    flags.get(flag) ?? Deno.env.get(`BENCH_${flag.toUpperCase().replaceAll("-", "_")}`) ?? fallback;
  const positive = (flag: string, fallback: number, min = 1) => {
    const value = Number(get(flag, String(fallback)));
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${flag} must be an integer ≥ ${min}, got ${get(flag, "")}`);
    }
    return value;
  };
  const logLevel = get("log-level", "warn");
  if (!["debug", "info", "warn", "error", "silent"].includes(logLevel)) {
    throw new Error(`--log-level must be one of debug, info, warn, error, silent`);
  }
  const only = get("only", "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length) throw new Error(`Unknown scenario(s): ${unknown.join(", ")}`);
  return {
    durationSeconds: positive("duration", 10),
    warmupSeconds: positive("warmup", 3, 0),
    connections: positive("connections", 50),
    threads: positive("threads", 1),
    timeoutSeconds: positive("timeout", 5),
    rounds: positive("rounds", 1),
    only,
    logLevel,
    jsonPath: absolute(get("json", new URL("../.artifacts/bench.json", import.meta.url).pathname)),
  };
}

/** One request of each kind must get the expected status before any load is applied. */
async function preflight(url: string, requests: RequestSpec[], expectStatus: number, name: string) {
  for (const r of requests) {
    const res = await fetch(new URL(r.path, url), {
      method: r.method ?? "GET",
      headers: r.headers,
      body: r.body,
      redirect: "manual",
    });
    const body = await res.text();
    if (res.status !== expectStatus) {
      throw new Error(
        `${name}: pre-flight ${
          r.method ?? "GET"
        } ${r.path} answered ${res.status}, expected ${expectStatus}:\n` +
          body.slice(0, 500),
      );
    }
  }
}

function requestsOf(scenario: Scenario, extraHeaders: Record<string, string>): RequestSpec[] {
  const base: RequestSpec[] = scenario.mix ?? [{
    method: scenario.method,
    path: scenario.path,
    headers: scenario.headers,
    body: scenario.body,
  }];
  return base.map((r) => ({ ...r, headers: { ...r.headers, ...extraHeaders } }));
}

/**
 * The soft open-files limit wrk and the server inherit: each connection is a descriptor on both
 * sides, so a 1,000-connection scenario under the common default of 1,024 would fail on accept.
 */
async function assertDescriptorsFor(connections: number, name: string) {
  const limits = await Deno.readTextFile("/proc/self/limits").catch(() => "");
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Infinity);
  if (soft < connections + 256) {
    throw new Error(
      `${name}: ${connections} connections need an open-files limit of at least ${
        connections + 256
      }, this shell allows ${soft}. Raise it (ulimit -n ${connections * 4}) and run again.`,
    );
  }
}

let database: TestDatabase | undefined;
let currentServer: ServerProcess | undefined;

async function runScenario(scenario: Scenario, settings: Settings): Promise<ScenarioResult> {
  const connections = scenario.connections ?? settings.connections;
  const durationSeconds = scenario.durationSeconds ?? settings.durationSeconds;
  await assertDescriptorsFor(connections, scenario.name);
  if (scenario.database && !database) database = await createTestDatabase();
  const env = {
    ...(scenario.headway ? headwayEnv(settings.logLevel) : { PORT: "0" }),
    ...(scenario.database ? { DATABASE_URL: database!.url } : {}),
    ...scenario.env,
  };
  const server = await spawnServer({
    entry: scenario.serverEntry,
    env,
    denoFlags: scenario.headway ? await startTaskFlags() : [],
  });
  currentServer = server;
  try {
    const setup = await scenario.setup?.({ url: server.url, databaseUrl: database?.url }) ?? {};
    const requests = setup.requests ??
      requestsOf(scenario, setup.headers ?? {});
    if (setup.requests && setup.headers) {
      for (const r of requests) r.headers = { ...r.headers, ...setup.headers };
    }
    await preflight(server.url, requests, scenario.expectStatus ?? 200, scenario.name);

    const idle = await readMemory(server.pid);
    const peakScope = await resetPeakMemory(server.pid) ? "load" : "process";
    const load = {
      url: server.url,
      requests,
      connections,
      threads: settings.threads,
      timeoutSeconds: settings.timeoutSeconds,
      countStatuses: true,
    };
    if (settings.warmupSeconds > 0) {
      await runLoad({ ...load, durationSeconds: settings.warmupSeconds });
    }

    let wrkPid = 0;
    let wrkCpu = 0;
    const before = {
      machine: await machineCpuSeconds(),
      server: await processCpuSeconds(server.pid),
      runner: await processCpuSeconds(Deno.pid),
      postgres: await cpuSecondsByCommand("postgres"),
      logBytes: server.stdoutBytes(),
    };
    const sampler = sampleRss(server.pid, 100, async () => {
      if (!wrkPid) return;
      const seconds = await processCpuSeconds(wrkPid);
      if (Number.isFinite(seconds)) wrkCpu = seconds;
    });
    const result = await runLoad({ ...load, durationSeconds, onStart: (pid) => (wrkPid = pid) });
    const sampled = await sampler.stop();
    const after = {
      machine: await machineCpuSeconds(),
      server: await processCpuSeconds(server.pid),
      runner: await processCpuSeconds(Deno.pid),
      postgres: await cpuSecondsByCommand("postgres"),
      logBytes: server.stdoutBytes(),
    };
    const memory = await readMemory(server.pid);
    const seconds = result.durationSeconds;
    const serverCpu = after.server - before.server;
    const generatorCpu = wrkCpu + (after.runner - before.runner);
    const postgresCpu = Math.max(0, after.postgres - before.postgres);
    const busy = after.machine.busy - before.machine.busy;
    return {
      name: scenario.name,
      title: scenario.title,
      baseline: scenario.baseline ?? false,
      connections,
      durationSeconds,
      load: result,
      memory: {
        idleBytes: idle.rssBytes,
        peakBytes: memory.peakBytes,
        peakScope,
        sampledMaxBytes: sampled.rssMaxBytes,
        sampledMeanBytes: sampled.rssMeanBytes,
        samples: sampled.samples,
      },
      cpu: {
        server: serverCpu / seconds,
        generator: generatorCpu / seconds,
        postgres: postgresCpu / seconds,
        other: Math.max(0, busy - serverCpu - generatorCpu - postgresCpu) / seconds,
        steal: (after.machine.steal - before.machine.steal) / seconds,
      },
      serverCpuMicrosPerRequest: result.requests > 0 ? (serverCpu * 1e6) / result.requests : NaN,
      logBytes: after.logBytes - before.logBytes,
      roundsRequestsPerSecond: [result.requestsPerSecond],
      targets: scenario.targets,
    };
  } finally {
    await server.stop();
    currentServer = undefined;
  }
}

/** Of several rounds, the one with the median req/s; memory peaks are the worst of all rounds. */
function medianRound(rounds: ScenarioResult[]): ScenarioResult {
  const sorted = [...rounds].sort((a, b) => a.load.requestsPerSecond - b.load.requestsPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    ...median,
    memory: {
      ...median.memory,
      peakBytes: Math.max(...rounds.map((r) => r.memory.peakBytes)),
      sampledMaxBytes: Math.max(...rounds.map((r) => r.memory.sampledMaxBytes)),
    },
    roundsRequestsPerSecond: rounds.map((r) => r.load.requestsPerSecond),
  };
}

async function cleanUp() {
  await currentServer?.stop().catch(() => {});
  await database?.drop().catch((error) =>
    console.error(`Could not drop ${database?.name}: ${error}`)
  );
  database = undefined;
}

async function main() {
  const settings = parseSettings(Deno.args);
  await ensureWrk();
  const selected = scenarios.filter((s) =>
    s.baseline || settings.only.length === 0 || settings.only.includes(s.name)
  );
  if (selected.filter((s) => s.baseline).length !== 1) {
    throw new Error("exactly one scenario must be the baseline");
  }
  const machine = await machineInfo();
  const started = new Date();
  console.log(
    `Headway bench: ${selected.length} scenarios × ${settings.rounds} round(s), ` +
      `${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured, ` +
      `${settings.connections} connections, wrk ${settings.threads} thread(s), ` +
      `LOG_LEVEL=${settings.logLevel}; ${machine.cores} cores (${machine.cpuModel}), ` +
      `load average ${machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(" ")}`,
  );

  const byScenario = new Map<string, ScenarioResult[]>();
  for (let round = 1; round <= settings.rounds; round++) {
    for (const scenario of selected) {
      const label = settings.rounds > 1 ? ` (round ${round}/${settings.rounds})` : "";
      const r = await runScenario(scenario, settings);
      console.log(
        `  ${scenario.name}${label}: ${Math.round(r.load.requestsPerSecond)} req/s, ` +
          `p50 ${r.load.latencyMs.p50} ms, p99 ${r.load.latencyMs.p99} ms, ` +
          `peak RSS ${(r.memory.peakBytes / MB).toFixed(1)} MB, errors ${errorCount(r.load)}`,
      );
      byScenario.set(scenario.name, [...(byScenario.get(scenario.name) ?? []), r]);
    }
  }
  await cleanUp();

  const results = selected.map((s) => medianRound(byScenario.get(s.name)!));
  const checks = checkTargets(results);
  const loadAverageAtEnd = Deno.loadavg();

  console.log(`\n${resultsTable(results)}\n`);
  console.log(`${targetsTable(checks)}\n`);
  const withErrors = results.filter((r) => errorCount(r.load) > 0);
  for (const r of withErrors) {
    console.log(
      `warning: ${r.name} had errors: ${
        JSON.stringify({ ...r.load.errors, statuses: r.load.statuses })
      }`,
    );
  }
  const noisy = results.filter((r) => r.cpu.other > 0.25 || r.cpu.steal > 0.1);
  if (noisy.length) {
    console.log(
      `warning: other processes used the CPU during ${noisy.map((r) => r.name).join(", ")} ` +
        '(see the "other" column); ratios from a busy machine are less trustworthy.',
    );
  }
  if (results.some((r) => r.memory.peakScope === "process")) {
    console.log("note: VmHWM could not be reset, so peak RSS includes start-up.");
  }
  console.log(
    `${checks.filter((c) => c.pass).length} targets passed, ${
      checks.filter((c) => !c.pass).length
    } failed`,
  );

  const dir = settings.jsonPath.slice(0, settings.jsonPath.lastIndexOf("/"));
  if (dir) await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    settings.jsonPath,
    JSON.stringify(
      {
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: { ...machine, loadAverageAtEnd },
        settings: {
          ...settings,
          tool: "wrk",
          processLayout: "server and wrk in separate processes",
        },
        results,
        targets: checks,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`JSON written to ${settings.jsonPath}`);
}

let interrupted = false;
Deno.addSignalListener("SIGINT", async () => {
  if (interrupted) Deno.exit(130);
  interrupted = true;
  console.error("\nInterrupted: stopping the server and dropping the bench database…");
  await cleanUp();
  Deno.exit(130);
});

try {
  await main();
  Deno.exit(0);
} catch (error) {
  await cleanUp();
  console.error(error instanceof Error ? error.message : error);
  Deno.exit(1);
}
