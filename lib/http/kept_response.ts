/**
 * Responses whose body is made once and served many times — a page rendered from memory, a cached
 * dashboard's JSON. Each is served as a copy of a template response built the first time, which
 * already carries the Content-Type and every security header (`SecurityHeaders.template`): for a
 * body served from memory, setting those headers per response was its largest cost
 * (docs/benchmarks.md). Middleware can still add headers to a copy (the rate limiter's, the
 * request id).
 *
 * The template is framed chunked, which Deno's HTTP/1.1 server writes together with the head in
 * one syscall, where it writes a Content-Length response of more than ~500 bytes as two (head,
 * then body): on loopback under load the second send was ~5 µs of a ~22 µs response; for a client
 * it is one TCP segment instead of two. HEAD requests and HTTP/1.0 clients still get a
 * Content-Length or close-delimited answer from Deno itself, and HTTP/2 drops the header.
 */
import type { Context } from "hono";
import type { AppEnv } from "./context.ts";
import type { SecurityHeaders } from "./security.ts";

const ONE_WRITE_FRAMING: [string, string] = ["Transfer-Encoding", "chunked"];

interface Template {
  response: Response;
  /** The security headers it was made with: two apps in one process (tests) may differ. */
  of: SecurityHeaders;
}

// Keyed by the body itself: a template lives exactly as long as the bytes it serves.
const templates = new WeakMap<Uint8Array, Template>();

/**
 * A 200 response with `body`, which the caller keeps and passes again for every request that
 * gets the same answer, always on the same kind of path (a page's, or the API's: its CSP follows
 * the path the template was made for). Like any Response a handler returns itself, it ignores
 * headers set earlier with `c.header()`.
 */
export function keptResponse(
  c: Context<AppEnv>,
  body: Uint8Array<ArrayBuffer>,
  contentType: string,
): Response {
  const security = c.get("securityHeaders");
  let template = templates.get(body);
  if (template === undefined || template.of !== security) {
    template = {
      response: security.template(c, body, [["Content-Type", contentType], ONE_WRITE_FRAMING]),
      of: security,
    };
    templates.set(body, template);
  }
  return security.fromTemplate(template.response);
}
