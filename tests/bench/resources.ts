/**
 * Memory and CPU of a process, from Linux /proc: VmRSS (now), VmHWM (peak resident set, which
 * can be reset to "now" by writing 5 to /proc/<pid>/clear_refs), the process's CPU time, and the
 * whole machine's CPU time, so a scenario can tell how much of the box something else was using.
 */

export interface MemoryStatus {
  rssBytes: number;
  peakBytes: number;
}

export async function readMemory(pid: number): Promise<MemoryStatus> {
  const text = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
  return { rssBytes: kb("VmRSS") * 1024, peakBytes: kb("VmHWM") * 1024 };
}

/**
 * Resets the process's VmHWM to its current RSS, so the next reading is the peak since now
 * (needs root or the same user; Linux ≥ 4.0). Returns false when the kernel refused.
 */
export async function resetPeakMemory(pid: number): Promise<boolean> {
  try {
    await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

let clockTicks: number | undefined;
async function ticksPerSecond(): Promise<number> {
  if (clockTicks !== undefined) return clockTicks;
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stderr: "null" }).output();
    clockTicks = Number(new TextDecoder().decode(out.stdout).trim()) || 100;
  } catch {
    clockTicks = 100;
  }
  return clockTicks;
}

/** CPU seconds (user + system) the process has used so far; NaN once it is gone. */
export async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const text = await Deno.readTextFile(`/proc/${pid}/stat`);
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / await ticksPerSecond();
  } catch {
    return NaN;
  }
}

export interface MachineCpu {
  /** CPU seconds spent busy, summed over all cores. */
  busy: number;
  /** CPU seconds the hypervisor gave to someone else. */
  steal: number;
}

export async function machineCpuSeconds(): Promise<MachineCpu> {
  const line = (await Deno.readTextFile("/proc/stat")).split("\n")[0];
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(
    1,
  )
    .map(Number);
  const hz = await ticksPerSecond();
  return { busy: (user + nice + system + irq + softirq) / hz, steal: (steal ?? 0) / hz };
}

export interface Sampler {
  stop(): Promise<{ rssMaxBytes: number; rssMeanBytes: number; samples: number }>;
}

/** Samples VmRSS of `pid` every `intervalMs` until stopped; `onTick` runs on every tick too. */
export function sampleRss(pid: number, intervalMs = 100, onTick?: () => Promise<void>): Sampler {
  const values: number[] = [];
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = busy.then(async () => {
      try {
        values.push((await readMemory(pid)).rssBytes);
        await onTick?.();
      } catch { /* process gone */ }
    });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      const sum = values.reduce((a, b) => a + b, 0);
      return {
        rssMaxBytes: values.length ? Math.max(...values) : NaN,
        rssMeanBytes: values.length ? sum / values.length : NaN,
        samples: values.length,
      };
    },
  };
}

/** CPU seconds used so far by every process whose command name is `comm` (e.g. "postgres"). */
export async function cpuSecondsByCommand(comm: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const name = (await Deno.readTextFile(`/proc/${entry.name}/comm`)).trim();
      if (name !== comm) continue;
      const seconds = await processCpuSeconds(Number(entry.name));
      if (Number.isFinite(seconds)) total += seconds;
    } catch { /* exited meanwhile */ }
  }
  return total;
}
