/**
 * Security headers on every response and CSRF protection for unsafe browser requests.
 *
 * Headers: on pages a CSP whose script policy is `'self'` plus, when the page has inline scripts
 * (islands), a nonce made for that response — never `unsafe-inline`; on JSON and health responses
 * a static deny-all CSP; both with `frame-ancestors 'none'` (frame protection); nosniff; referrer
 * policy; COOP/CORP; HSTS outside localhost. The header list is computed once per app, not per
 * request, and applied by the edge middleware (`edge.ts`) in the same pass that stamps the request
 * id — or, for a page served from memory, copied with it from a template made once
 * (`kept_response.ts`).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";
import { ApiError, ErrorCode } from "./errors.ts";

// JSON and health responses: nothing in them may load or run anything, so the strictest static
// policy.
const DATA_PATHS = /^\/(?:api\/v1\/|api\/openapi\.json$|healthz$|readyz$)/;
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The page policy; `scriptSources` goes after `script-src 'self'`. */
const pageCsp = (scriptSources: string) =>
  "default-src 'self'; " +
  `script-src 'self'${scriptSources}; ` +
  "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const PAGE_CSP = pageCsp("");

/** The CSP a response on `path` gets; `nonce` when the page has inline scripts. */
function cspFor(path: string, nonce?: string): string {
  return DATA_PATHS.test(path) ? DATA_CSP : nonce ? pageCsp(` 'nonce-${nonce}'`) : PAGE_CSP;
}

/** What every response gets besides its CSP (and HSTS off localhost). */
export const COMMON_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["X-Content-Type-Options", "nosniff"],
];

// Marks a copy made by fromTemplate with the instance whose headers it carries. A property, not a
// WeakSet: adding to a WeakSet was ~3 % of the landing page's CPU in a V8 profile (ephemeron
// bookkeeping; docs/benchmarks.md).
const PRESTAMPED = Symbol("stamped by");
type Prestamped = Response & { [PRESTAMPED]?: SecurityHeaders };

export interface SecurityHeaderOptions {
  /** Send Strict-Transport-Security (everywhere but plain-HTTP localhost). */
  hsts: boolean;
}

/**
 * The security headers of one app, set on every finished response by the edge middleware.
 * Headers that add nothing in a browser Headway supports are left out, as each header is a real
 * share of a cheap response's cost (docs/benchmarks.md): X-Frame-Options (the CSP's
 * `frame-ancestors 'none'` obsoletes it), Origin-Agent-Cluster (it only turns off
 * `document.domain`, which no page uses, and hints at per-origin isolation), and those for
 * browsers and plug-ins long gone (IE8's download prompt, Flash/Acrobat policy files,
 * X-XSS-Protection).
 *
 * A response served from memory can carry its headers already: {@link template} builds one with
 * them once (see `kept_response.ts`), {@link fromTemplate} copies it per request, and
 * {@link stamp} leaves such a copy alone. `Response.clone()` copies a header list that was
 * validated once, where setting the same headers anew checks every name and value again,
 * character by character (on the bench machine that was ~6 µs of a cached page's ~40;
 * docs/benchmarks.md).
 */
export class SecurityHeaders {
  readonly #common: [string, string][];

  constructor(options: SecurityHeaderOptions) {
    this.#common = COMMON_SECURITY_HEADERS.map(([name, value]) => [name, value]);
    if (options.hsts) {
      this.#common.push(["Strict-Transport-Security", "max-age=63072000; includeSubDomains"]);
    }
  }

  /** Sets the security headers on a finished response, unless it came from a template. */
  stamp(c: Context<AppEnv>, response: Response): void {
    if ((response as Prestamped)[PRESTAMPED] === this) return;
    const headers = response.headers;
    for (const [name, value] of this.#common) headers.set(name, value);
    headers.set("Content-Security-Policy", cspFor(c.req.path, c.get("cspNonce")));
  }

  /**
   * A 200 response with `body`, the `headers` given (its Content-Type…) and the ones
   * {@link stamp} would give it on this request's path. Only for responses without inline
   * scripts (a nonce is per response). Keep it and serve it with {@link fromTemplate}; never
   * serve it itself.
   */
  template(
    c: Context<AppEnv>,
    body: Uint8Array<ArrayBuffer>,
    headers: readonly [string, string][],
  ): Response {
    if (c.get("cspNonce")) throw new Error("a response with inline scripts cannot be a template");
    return new Response(body, {
      headers: [...headers, ...this.#common, ["Content-Security-Policy", cspFor(c.req.path)]],
    });
  }

  /**
   * A response for one request, copied from a {@link template} of this instance. Like any
   * Response a handler returns itself, it ignores headers set earlier with `c.header()`.
   */
  fromTemplate(template: Response): Response {
    const response = template.clone() as Prestamped;
    response[PRESTAMPED] = this;
    return response;
  }
}

/**
 * This response's CSP nonce (128 random bits, base64), made on first use: a page that renders
 * inline scripts asks for it, and only then does its CSP carry `'nonce-…'`.
 */
export function cspNonce(c: Context<AppEnv>): string {
  let nonce = c.get("cspNonce");
  if (!nonce) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    nonce = btoa(String.fromCharCode(...bytes));
    c.set("cspNonce", nonce);
  }
  return nonce;
}

/** The methods whose requests can change state (and carry a body): what CSRF checks apply to. */
export const UNSAFE_METHODS = ["POST", "PUT", "PATCH", "DELETE"];
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)/i;

/**
 * Rejects cross-site unsafe requests. A request is accepted when its `Origin` is ours (or, lacking
 * `Origin`, `Sec-Fetch-Site` says same-origin). Requests with neither header are refused when
 * they are form submissions or carry our session cookie; a cookieless JSON call from a script
 * (curl, a server) is not a CSRF vector and may proceed. Bearer-token API requests are exempt: a
 * browser never attaches that header by itself.
 */
export function csrfProtection(
  options: { allowedOrigin?: string; sessionCookie: string },
): MiddlewareHandler<AppEnv> {
  // Registered for UNSAFE_METHODS only (app.tsx): safe methods never reach it.
  return (c, next) => {
    if (c.req.path.startsWith("/api/") && /^Bearer\s/i.test(c.req.header("authorization") ?? "")) {
      return next();
    }
    const expected = options.allowedOrigin ?? new URL(c.req.url).origin;
    const origin = c.req.header("origin");
    const fetchSite = c.req.header("sec-fetch-site");
    let allowed: boolean;
    if (origin !== undefined) {
      allowed = origin === expected;
    } else if (fetchSite !== undefined) {
      allowed = fetchSite === "same-origin" || fetchSite === "none";
    } else {
      const isForm = FORM_TYPES.test(c.req.header("content-type") ?? "");
      const hasSession = (c.req.header("cookie") ?? "").includes(`${options.sessionCookie}=`);
      allowed = !isForm && !hasSession;
    }
    if (!allowed) {
      throw new ApiError(
        403,
        ErrorCode.FORBIDDEN,
        "Cross-site request refused: send it from a Headway page (same Origin) or use a bearer token.",
      );
    }
    return next();
  };
}
