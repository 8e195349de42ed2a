/**
 * Static files and island bundles. Fingerprinted URLs (`?v=HASH` matching the file, and the
 * content-hashed island bundles) are cached for a year as immutable; everything carries an ETag
 * and Last-Modified for cheap revalidation.
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/http/context.ts";
import { getStaticAsset } from "../lib/render/static_assets.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";
const startedAt = new Date().toUTCString();

function notModified(headers: Headers, etag: string, lastModified: string): boolean {
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    return ifNoneMatch.split(",").some((tag) =>
      tag.trim().replace(/^W\//, "") === etag || tag.trim() === "*"
    );
  }
  const since = headers.get("if-modified-since");
  return since !== null && Date.parse(since) >= Date.parse(lastModified);
}

function respond(
  request: Request,
  file: { body: Uint8Array; contentType: string; etag: string; lastModified: string },
  cacheControl: string,
): Response {
  const headers = new Headers({
    "Content-Type": file.contentType,
    "Cache-Control": cacheControl,
    ETag: file.etag,
    "Last-Modified": file.lastModified,
    "X-Content-Type-Options": "nosniff",
  });
  if (notModified(request.headers, file.etag, file.lastModified)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Length", String(file.body.byteLength));
  return new Response(request.method === "HEAD" ? null : file.body as BodyInit, { headers });
}

export const assetRoutes = new Hono<AppEnv>()
  .on(["GET", "HEAD"], "/static/*", (c) => {
    let name: string;
    try {
      name = decodeURIComponent(c.req.path.slice("/static/".length));
    } catch {
      return c.notFound(); // malformed percent-encoding (URIError) names no file: 404, not 500
    }
    const asset = name.includes("..") ? undefined : getStaticAsset(name);
    if (!asset) return c.notFound();
    const fingerprinted = c.req.query("v") === asset.hash;
    return respond(
      c.req.raw,
      asset,
      fingerprinted ? IMMUTABLE : "public, max-age=0, must-revalidate",
    );
  })
  .on(["GET", "HEAD"], "/_islands/:file", (c) => {
    const file = c.req.param("file");
    const body = c.get("deps").islands.files.get(file);
    if (!body) return c.notFound();
    // The file name carries the content hash, so the name is a strong validator.
    return respond(c.req.raw, {
      body,
      contentType: "text/javascript; charset=utf-8",
      etag: `"${file}"`,
      lastModified: startedAt,
    }, IMMUTABLE);
  });
