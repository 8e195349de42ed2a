/**
 * Resolves who is calling: a bearer token (API clients) or the session cookie (browsers). Also
 * settles the UI locale: the user's setting, else `Accept-Language`. Never rejects by itself;
 * routes that need a user call {@link requireUser}.
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { resolveApiToken } from "../auth/api_tokens.ts";
import { peekSession, resolveSession } from "../auth/sessions.ts";
import type { User } from "../auth/users.ts";
import { negotiateLocale } from "../i18n/i18n.ts";
import { authDeps } from "./account_deps.ts";
import type { AppEnv } from "./context.ts";
import { unauthenticated } from "./errors.ts";
import { readSessionCookie } from "./session_cookie.ts";

export function authenticate(): MiddlewareHandler<AppEnv> {
  // Not an async function: a warm session (the cache answers at once) goes straight on to
  // `next()`, without this layer's own promise to settle — each settled promise that resolves with
  // an object is a microtask and a `then` lookup, a measurable share of a cheap page
  // (docs/benchmarks.md).
  return (c, next) => {
    // Personal API tokens are for the API only: pages stay cookie-and-CSRF territory.
    const bearer = c.req.path.startsWith("/api/")
      ? /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1]
      : undefined;
    if (bearer !== undefined) return authenticateByToken(c, bearer, next);
    const secret = readSessionCookie(c, c.get("deps").config);
    if (secret === undefined) return proceedAs(c, null, next);
    const user = peekSession(authDeps(c), secret);
    if (user !== undefined) return proceedAs(c, user, next, "session", secret);
    return authenticateBySession(c, secret, next);
  };
}

async function authenticateByToken(c: Context<AppEnv>, bearer: string, next: Next) {
  const user = await resolveApiToken(authDeps(c), bearer);
  // A bad bearer token is an error, not "anonymous": the client meant to authenticate.
  if (!user) throw unauthenticated("The bearer token is not valid or has been revoked.");
  return proceedAs(c, user, next, "token");
}

async function authenticateBySession(c: Context<AppEnv>, secret: string, next: Next) {
  const { config } = c.get("deps");
  const user = await resolveSession(authDeps(c), secret, {
    idleMinutes: config.SESSION_IDLE_MINUTES,
    maxDays: config.SESSION_MAX_DAYS,
  });
  return proceedAs(c, user, next, "session", secret);
}

/** Records the caller (how they proved it; a session's secret) and the UI locale, then goes on. */
function proceedAs(
  c: Context<AppEnv>,
  user: User | null,
  next: Next,
  method?: "session" | "token",
  sessionSecret?: string,
): Promise<void> {
  c.set("user", user);
  c.set("authMethod", user ? method ?? null : null);
  c.set("sessionSecret", user ? sessionSecret ?? null : null);
  c.set("locale", user?.locale ?? negotiateLocale(c.req.header("accept-language")));
  return next();
}

/** The signed-in user, or a 401 `UNAUTHENTICATED`. */
export function requireUser(c: Context<AppEnv>): User {
  const user = c.get("user");
  if (!user) throw unauthenticated();
  return user;
}
