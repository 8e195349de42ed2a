/**
 * Files from `static/`, read once at start-up and kept in memory with a content hash. Pages link
 * them as `/static/name?v=HASH` so a fingerprinted URL can be cached forever, while the plain URL
 * revalidates cheaply with ETag / Last-Modified.
 */
import { createHash } from "node:crypto";
import { getMimeType } from "hono/utils/mime";

export interface StaticAsset {
  body: Uint8Array;
  contentType: string;
  etag: string;
  hash: string;
  lastModified: string;
}

export const STATIC_DIR = new URL("../../static/", import.meta.url);
const assets = new Map<string, StaticAsset>();

async function walk(dir: URL, prefix = ""): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".")) continue;
    const name = prefix + entry.name;
    if (entry.isDirectory) {
      await walk(new URL(`${entry.name}/`, dir), `${name}/`);
    } else if (entry.isFile) {
      const url = new URL(entry.name, dir);
      const [body, stat] = await Promise.all([Deno.readFile(url), Deno.stat(url)]);
      const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
      const type = getMimeType(entry.name) ?? "application/octet-stream";
      assets.set(name, {
        body,
        contentType: /^text\/|javascript|json|svg/.test(type) && !type.includes("charset")
          ? `${type}; charset=utf-8`
          : type,
        etag: `"${hash}"`,
        hash,
        lastModified: (stat.mtime ?? new Date(0)).toUTCString(),
      });
    }
  }
}

/** Loads (or reloads) every file under `static/`. */
export async function loadStaticAssets(dir: URL = STATIC_DIR): Promise<void> {
  assets.clear();
  await walk(dir);
}

export function getStaticAsset(name: string): StaticAsset | undefined {
  return assets.get(name);
}

/** The fingerprinted URL of a static file (`/static/styles.css?v=…`). */
export function assetUrl(name: string): string {
  const asset = assets.get(name);
  return asset ? `/static/${name}?v=${asset.hash}` : `/static/${name}`;
}
