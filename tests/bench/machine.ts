/** What the numbers were measured on: cores, CPU model, memory, kernel, Deno and wrk versions. */

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryTotalMb: number;
  kernel: string;
  deno: string;
  v8: string;
  wrk: string;
  loadAverageAtStart: number[];
}

async function commandOutput(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    return new TextDecoder().decode(out.stdout).trim() ||
      new TextDecoder().decode(out.stderr).trim();
  } catch {
    return "unknown";
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const wrk = await commandOutput("wrk", ["--version"]);
  return {
    cores: navigator.hardwareConcurrency,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    memoryTotalMb: Math.round(Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0) / 1024),
    kernel: await commandOutput("uname", ["-r"]),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    wrk: wrk.split("\n")[0].replace(/\s*Copyright.*$/, ""),
    loadAverageAtStart: Deno.loadavg(),
  };
}
