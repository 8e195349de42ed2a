/**
 * Turns scenario results into what people read: ratios to the baseline, target verdicts and
 * Markdown tables.
 */
import type { LoadResult } from "./load.ts";
import type { Targets } from "./scenarios.ts";

export const MB = 1024 * 1024;

export interface ScenarioResult {
  name: string;
  title: string;
  baseline: boolean;
  connections: number;
  durationSeconds: number;
  load: LoadResult;
  memory: {
    /** VmRSS once the server was up and set up, before any load. */
    idleBytes: number;
    /** VmHWM read after the scenario. */
    peakBytes: number;
    /** "load": VmHWM was reset before the warm-up, so this is the peak under load; "process": since start. */
    peakScope: "load" | "process";
    sampledMaxBytes: number;
    sampledMeanBytes: number;
    samples: number;
  };
  /** Average cores busy during the measured run, by who used them. */
  cpu: { server: number; generator: number; postgres: number; other: number; steal: number };
  /**
   * Server CPU time per request (µs): what a request costs the server whatever else the machine
   * is doing, so it is steadier than req/s on a shared box.
   */
  serverCpuMicrosPerRequest: number;
  /** Bytes the server wrote to stdout during the measured run (its logs). */
  logBytes: number;
  /** req/s of every round, when the scenario ran more than once (the row shows the median round). */
  roundsRequestsPerSecond: number[];
  targets?: Targets;
}

export interface TargetCheck {
  scenario: string;
  target: string;
  actual: string;
  pass: boolean;
}

export function baselineOf(results: ScenarioResult[]): ScenarioResult | undefined {
  return results.find((r) => r.baseline);
}

export function ratioToBaseline(result: ScenarioResult, baseline?: ScenarioResult): number | null {
  if (!baseline || baseline.load.requestsPerSecond === 0) return null;
  return result.load.requestsPerSecond / baseline.load.requestsPerSecond;
}

/** Baseline CPU per request ÷ this scenario's: the throughput ratio if both had one whole core. */
export function cpuCostRatio(result: ScenarioResult, baseline?: ScenarioResult): number | null {
  if (!baseline || !(result.serverCpuMicrosPerRequest > 0)) return null;
  return baseline.serverCpuMicrosPerRequest / result.serverCpuMicrosPerRequest;
}

/** Errors a client would see: socket errors, timeouts and non-2xx (or ≥ 400 when not tallied). */
export function errorCount(load: LoadResult): number {
  return load.socketErrors + (load.non2xx ?? load.errors.status);
}

export function checkTargets(results: ScenarioResult[]): TargetCheck[] {
  const baseline = baselineOf(results);
  const checks: TargetCheck[] = [];
  for (const r of results) {
    const t = r.targets;
    if (!t) continue;
    if (t.minBaselineRatio !== undefined) {
      const ratio = ratioToBaseline(r, baseline);
      const byCpu = cpuCostRatio(r, baseline);
      checks.push({
        scenario: r.name,
        target: `req/s ≥ ${pct(t.minBaselineRatio)} of raw hello-world`,
        actual: ratio === null
          ? "no baseline in this run"
          : `${pct(ratio)} (by CPU/req: ${byCpu === null ? "–" : pct(byCpu)})`,
        pass: ratio !== null && ratio >= t.minBaselineRatio,
      });
    }
    if (t.maxPeakRssMb !== undefined) {
      const peak = r.memory.peakBytes / MB;
      checks.push({
        scenario: r.name,
        target: `peak RSS under load ≤ ${t.maxPeakRssMb} MB`,
        actual: `${peak.toFixed(1)} MB`,
        pass: peak <= t.maxPeakRssMb,
      });
    }
    if (t.maxP95Ms !== undefined) {
      checks.push({
        scenario: r.name,
        target: `p95 ≤ ${t.maxP95Ms} ms`,
        actual: `${r.load.latencyMs.p95} ms`,
        pass: r.load.latencyMs.p95 <= t.maxP95Ms,
      });
    }
    if (t.maxP99Ms !== undefined) {
      checks.push({
        scenario: r.name,
        target: `p99 ≤ ${t.maxP99Ms} ms`,
        actual: `${r.load.latencyMs.p99} ms`,
        pass: r.load.latencyMs.p99 <= t.maxP99Ms,
      });
    }
    if (t.maxErrors !== undefined) {
      const errors = errorCount(r.load);
      checks.push({
        scenario: r.name,
        target: `errors ≤ ${t.maxErrors}`,
        actual: String(errors),
        pass: errors <= t.maxErrors,
      });
    }
  }
  return checks;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function num(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return "–";
  return x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function markdownTable(header: string[], rows: string[][], rightAlignFrom = 1): string {
  const align = header.map((_, i) => (i >= rightAlignFrom ? "---:" : "---"));
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

export function resultsTable(results: ScenarioResult[]): string {
  const baseline = baselineOf(results);
  const rows = results.map((r) => {
    const ratio = ratioToBaseline(r, baseline);
    const cpuRatio = cpuCostRatio(r, baseline);
    const non2xx = r.load.non2xx === null ? `${r.load.errors.status} (≥400)` : num(r.load.non2xx);
    return [
      r.title,
      num(r.load.requestsPerSecond),
      r.baseline ? "baseline" : ratio === null ? "–" : pct(ratio),
      num(r.load.latencyMs.p50, 2),
      num(r.load.latencyMs.p95, 2),
      num(r.load.latencyMs.p99, 2),
      num(r.load.socketErrors),
      non2xx,
      num(r.memory.peakBytes / MB, 1),
      num(r.memory.sampledMaxBytes / MB, 1),
      num(r.serverCpuMicrosPerRequest, 1),
      r.baseline ? "baseline" : cpuRatio === null ? "–" : pct(cpuRatio),
      `${r.cpu.server.toFixed(2)} / ${r.cpu.generator.toFixed(2)} / ${
        r.cpu.postgres.toFixed(2)
      } / ${r.cpu.other.toFixed(2)}`,
    ];
  });
  return markdownTable(
    [
      "Scenario",
      "req/s",
      "vs raw",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "socket errors",
      "non-2xx",
      "peak RSS MB",
      "sampled max RSS MB",
      "server CPU µs/req",
      "vs raw by CPU/req",
      "CPU cores: server / wrk+bench / postgres / other",
    ],
    rows,
  );
}

export function targetsTable(checks: TargetCheck[]): string {
  return markdownTable(
    ["Scenario", "Target", "Measured", "Verdict"],
    checks.map((c) => [c.scenario, c.target, c.actual, c.pass ? "PASS" : "FAIL"]),
    4,
  );
}
