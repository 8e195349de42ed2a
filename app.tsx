/**
 * The composition root: one Hono app serving pages, the JSON API, assets and health checks, with
 * the shared middleware and the one error handler. Built from already-connected dependencies so
 * tests can call `app.request()` with no port.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { type ErrorKind, ErrorPage } from "./components/error_page.tsx";
import { isConnectionError } from "./lib/db/client.ts";
import { createApi } from "./lib/http/api.ts";
import { authenticate } from "./lib/http/authenticate.ts";
import { edge } from "./lib/http/edge.ts";
import { jsonBodyGuard } from "./lib/http/json_body_guard.ts";
import type { AppDeps, AppEnv } from "./lib/http/context.ts";
import { toApiError } from "./lib/http/domain_errors.ts";
import { ApiError, ErrorCode, errorResponse } from "./lib/http/errors.ts";
import { LoginRequired } from "./lib/http/page_auth.ts";
import { rateLimit } from "./lib/http/rate_limit.ts";
import { withinRequestDeadline } from "./lib/http/request_deadline.ts";
import { csrfProtection, UNSAFE_METHODS } from "./lib/http/security.ts";
import { sessionCookieName } from "./lib/http/session_cookie.ts";
import { renderPage } from "./lib/render/page.tsx";
import { analysesApi } from "./routes/api/analyses.ts";
import { authApi } from "./routes/api/auth.ts";
import { cacheStatsApi } from "./routes/api/cache_stats.ts";
import { dashboardApi } from "./routes/api/dashboard.ts";
import { docsRoutes } from "./routes/api/docs.tsx";
import { meApi } from "./routes/api/me.ts";
import { tokensApi } from "./routes/api/tokens.ts";
import { assetRoutes } from "./routes/assets.ts";
import { healthRoutes } from "./routes/health.ts";
import { analysesPages } from "./routes/pages/analyses.tsx";
import { analysisDashboardPages } from "./routes/pages/analysis_dashboard.tsx";
import { authPages } from "./routes/pages/auth.tsx";
import { dashboardPages } from "./routes/pages/dashboard.tsx";
import { landingRoutes } from "./routes/pages/landing.tsx";
import { settingsPages } from "./routes/pages/settings.tsx";

const RETRY_AFTER_SECONDS = "5";

function isApi(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

function errorPage(
  c: Parameters<typeof renderPage>[0],
  kind: ErrorKind,
  status: 403 | 404 | 429 | 500 | 503,
) {
  return renderPage(c, <ErrorPage kind={kind} />, {
    title: c.get("locale") === "fr" ? "Erreur" : "Error",
    robots: "noindex",
  }, status);
}

/**
 * The `/api/v1` surface; every resource registers its routes and schemas here. `cookieName` is
 * the session cookie as this deployment names it (`__Host-` prefixed off localhost).
 */
export function createApiV1(cookieName: string) {
  const api = createApi();
  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A personal API token (`hw_…`) created in Settings or with POST /tokens.",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "cookieAuth", {
    type: "apiKey",
    in: "cookie",
    name: cookieName,
  });
  return api
    .route("/", authApi)
    .route("/", meApi)
    .route("/", tokensApi)
    .route("/", analysesApi)
    .route("/", dashboardApi)
    .route("/", cacheStatsApi);
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config } = deps;
  // RegExpRouter: one precompiled match per request, static paths answered from a table (the
  // default SmartRouter fell back to the TrieRouter, ~1 µs and a split path per request slower;
  // docs/benchmarks.md). It refuses a static path beside a parameter at the same level (e.g.
  // `/analyses/new` next to `/analyses/:id`): such a route fails every test at its first request.
  const app = new Hono<AppEnv>({ router: new RegExpRouter() });
  const apiV1 = createApiV1(sessionCookieName(config));

  app.use(edge(deps));

  app.route("/", assetRoutes);
  app.route("/", healthRoutes);

  // API plumbing: per-address limit, body size, JSON only.
  app.use("/api/*", rateLimit({ bucket: "api", limit: () => config.RATE_LIMIT_PER_MIN }));
  app.use(
    "/api/v1/auth/*",
    rateLimit({ bucket: "auth", limit: () => config.AUTH_RATE_LIMIT_PER_MIN }),
  );
  app.on(
    "POST",
    ["/login", "/signup"],
    rateLimit({ bucket: "auth", limit: () => config.AUTH_RATE_LIMIT_PER_MIN }),
  );
  // The body and CSRF checks only concern requests that can carry a body or change something:
  // registered for those methods, a GET does not even pass through them (each middleware layer is
  // a measurable share of a cheap request; docs/benchmarks.md). Every route in the app uses GET,
  // HEAD (answered by GET routes) or one of these.
  app.on(UNSAFE_METHODS, "/api/*", jsonBodyGuard(config.BODY_LIMIT_BYTES));
  app.on(
    UNSAFE_METHODS,
    "*",
    csrfProtection({
      allowedOrigin: config.APP_URL ? new URL(config.APP_URL).origin : undefined,
      sessionCookie: sessionCookieName(config),
    }),
  );
  // Resolving the caller is the first wait on the database: from there on, the request runs within
  // its deadline (assets, health checks and the checks above never wait on the database; /readyz
  // bounds its own ping).
  app.use(withinRequestDeadline(config.REQUEST_TIMEOUT_MS, authenticate()));

  app.route("/api/v1", apiV1);
  app.route("/", docsRoutes(apiV1));
  app.route("/", landingRoutes);
  app.route("/", authPages);
  app.route("/", dashboardPages);
  app.route("/", analysesPages);
  app.route("/", analysisDashboardPages);
  app.route("/", settingsPages);

  app.notFound((c) => {
    if (isApi(c.req.path)) {
      return errorResponse(
        c,
        404,
        ErrorCode.NOT_FOUND,
        `No route for ${c.req.method} ${c.req.path}.`,
      );
    }
    return errorPage(c, "not_found", 404);
  });

  app.onError((thrown, c) => {
    const api = isApi(c.req.path);
    const error = toApiError(thrown) ?? thrown;
    if (error instanceof LoginRequired) {
      return c.redirect(`/login?next=${encodeURIComponent(error.next)}`, 303);
    }
    if (error instanceof ApiError) {
      if (!api && error.status === 404) return errorPage(c, "not_found", 404);
      if (!api && error.status === 403) return errorPage(c, "forbidden", 403);
      if (!api && error.status === 429) {
        for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
        return errorPage(c, "rate_limited", 429);
      }
      return errorResponse(c, error.status, error.code, error.message, error.headers);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 413
        ? ErrorCode.PAYLOAD_TOO_LARGE
        : status === 415
        ? ErrorCode.UNSUPPORTED_MEDIA_TYPE
        : status === 401
        ? ErrorCode.UNAUTHENTICATED
        : status === 404
        ? ErrorCode.NOT_FOUND
        : status < 500
        ? ErrorCode.INVALID_INPUT
        : ErrorCode.INTERNAL_SERVER_ERROR;
      const detail = status < 500
        ? (error.message || "The request could not be read.")
        : "Unexpected error.";
      if (api || status < 500) return errorResponse(c, status < 500 ? status : 500, code, detail);
    }
    if (isConnectionError(error) || (error as { code?: string }).code === "57014") {
      deps.log.warn("database unavailable", {
        request_id: c.get("requestId"),
        error: String(error),
      });
      c.header("Retry-After", RETRY_AFTER_SECONDS);
      if (api) {
        return errorResponse(
          c,
          503,
          ErrorCode.DATABASE_UNAVAILABLE,
          "The database is unavailable. Retry shortly.",
        );
      }
      return errorPage(c, "unavailable", 503);
    }
    deps.log.error("unhandled error", { request_id: c.get("requestId"), error });
    if (api) {
      return errorResponse(
        c,
        500,
        ErrorCode.INTERNAL_SERVER_ERROR,
        "Unexpected error. Quote the request id if you report it.",
      );
    }
    try {
      return errorPage(c, "server", 500);
    } catch {
      return c.text(`Internal Server Error (request ${c.get("requestId")})`, 500);
    }
  });

  return app;
}
