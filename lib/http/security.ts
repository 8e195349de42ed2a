/**
 * Security headers on every response (on pages, a CSP with a per-request nonce, no inline scripts
 * without it; on JSON and health responses a static deny-all CSP; nosniff; referrer policy; frame
 * protection; HSTS outside localhost) and CSRF protection for unsafe browser requests.
 */
import type { MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./context.ts";
import { ApiError, ErrorCode } from "./errors.ts";

/** What every response gets besides its CSP. */
function commonHeaders(hsts: boolean) {
  return {
    xFrameOptions: "DENY",
    referrerPolicy: "strict-origin-when-cross-origin",
    strictTransportSecurity: hsts ? "max-age=63072000; includeSubDomains" : false,
    crossOriginEmbedderPolicy: false,
    xXssProtection: false,
    // Headers for browsers and plug-ins long gone (IE8's download prompt, Flash/Acrobat policy
    // files) or of no security value; each header costs ~1 µs on every response.
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xDnsPrefetchControl: false,
  } as const;
}

// JSON and health responses: nothing in them may load or run anything, so the strictest static
// policy; no per-request nonce to generate.
const DATA_PATHS = /^\/(?:api\/v1\/|api\/openapi\.json$|healthz$|readyz$)/;

export function securityHeaders(options: { hsts: boolean }): MiddlewareHandler<AppEnv> {
  const forPages = secureHeaders({
    ...commonHeaders(options.hsts),
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
  const forData = secureHeaders({
    ...commonHeaders(options.hsts),
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  });
  return (c, next) => DATA_PATHS.test(c.req.path) ? forData(c, next) : forPages(c, next);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
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
  return (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
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
