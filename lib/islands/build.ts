/**
 * Builds the browser bundles ahead of time: one entry per island module plus the boot script,
 * minified ES modules split into shared chunks (one Preact copy for the whole page), named by
 * content hash so they can be cached forever. Also imports every island module on the server and
 * registers its components (see `registry.ts`).
 */
import * as esbuild from "esbuild";
import { registerIslandModule } from "./registry.ts";

export const ISLANDS_DIR = new URL("../../islands/", import.meta.url);
const BOOT_ENTRY = new URL("./boot.ts", import.meta.url);
/** URL prefix the bundles are served under. */
export const ISLANDS_PREFIX = "/_islands/";

export interface IslandAssets {
  /** Built files by name (e.g. `boot-3F2A1B.js`). */
  readonly files: Map<string, Uint8Array>;
  /** Public URL of the boot bundle. */
  readonly bootUrl: string;
  /** Public URL of each island module's bundle, by file stem. */
  readonly moduleUrls: Map<string, string>;
  /** Every chunk a stem's bundle imports (for `modulepreload`), by file stem, boot included. */
  readonly preloads: Map<string, string[]>;
}

/** Island source files by stem; an island may be `.tsx` or (JSX-free) `.ts`. */
async function islandFiles(dir: URL): Promise<Map<string, URL>> {
  const files: [string, URL][] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = /^([a-z0-9_]+)\.tsx?$/.exec(entry.name);
      if (entry.isFile && match) files.push([match[1], new URL(entry.name, dir)]);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return new Map(files.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}

export interface BuildOptions {
  /** Island source folder; the project's `islands/` by default (tests pass fixtures). */
  dir?: URL;
  minify?: boolean;
}

/** Builds (in memory) and registers islands. Takes ~100–300 ms; called once at start. */
export async function buildIslands(options: BuildOptions = {}): Promise<IslandAssets> {
  const dir = options.dir ?? ISLANDS_DIR;
  const sources = await islandFiles(dir);
  for (const [stem, file] of sources) registerIslandModule(stem, await import(file.href));
  const entryPoints: Record<string, string> = { boot: BOOT_ENTRY.pathname };
  for (const [stem, file] of sources) entryPoints[stem] = file.pathname;

  const result = await esbuild.build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: options.minify ?? true,
    jsx: "automatic",
    jsxImportSource: "preact",
    outdir: "/islands-out",
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    metafile: true,
    write: false,
    absWorkingDir: new URL("../../", import.meta.url).pathname,
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
  });

  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) files.set(file.path.split("/").pop()!, file.contents);

  const moduleUrls = new Map<string, string>();
  const preloads = new Map<string, string[]>();
  let bootUrl = "";
  const outputs = result.metafile.outputs;
  const closure = (output: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(output)) return seen;
    seen.add(output);
    for (const dep of outputs[output].imports) {
      if (dep.kind === "import-statement") closure(dep.path, seen);
    }
    return seen;
  };
  for (const [outPath, meta] of Object.entries(outputs)) {
    if (!meta.entryPoint) continue;
    const url = ISLANDS_PREFIX + outPath.split("/").pop();
    const urls = [...closure(outPath)].map((p) => ISLANDS_PREFIX + p.split("/").pop());
    if (meta.entryPoint.endsWith("lib/islands/boot.ts")) {
      bootUrl = url;
      preloads.set("boot", urls);
    } else {
      const stem = meta.entryPoint.split("/").pop()!.replace(/\.tsx?$/, "");
      moduleUrls.set(stem, url);
      preloads.set(stem, urls);
    }
  }
  await esbuild.stop();
  return { files, bootUrl, moduleUrls, preloads };
}
