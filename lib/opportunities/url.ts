/**
 * URL identity for duplicate imports (seed FR-6): two spellings of the same site map to one key.
 * Normalises case, a leading `www.`, default ports, the fragment, a trailing slash and the scheme
 * (http and https name the same business site); the query is kept.
 */
import { sha256Hex } from "../auth/secrets.ts";

export class InvalidUrlError extends Error {
  override name = "InvalidUrlError";
}

export function normalizeUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new InvalidUrlError("url: an absolute http(s) URL such as https://example.com");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidUrlError("url: only http and https URLs can be analysed");
  }
  if (url.username || url.password) throw new InvalidUrlError("url: must not contain credentials");
  const host = url.hostname.toLowerCase().replace(/^www\./, "").replace(/\.$/, "");
  // URL() already drops the scheme's default port; any other port stays.
  const port = url.port ? `:${url.port}` : "";
  let path = url.pathname;
  try {
    path = decodeURI(path);
  } catch {
    // malformed %-escapes: compare the raw spelling
  }
  path = path.toLowerCase().replace(/\/+$/, "");
  return `${host}${port}${path}${url.search}`;
}

/** `analysis:cache:{sha256}` key material: per user, so one person's imports never leak to another. */
export function urlHash(userId: string, normalizedUrl: string): string {
  return sha256Hex(`${userId}\n${normalizedUrl}`);
}
