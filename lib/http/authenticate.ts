/**
 * Resolves who is calling: a bearer token (API clients) or the session cookie (browsers). Also
 * settles the UI locale: the user's setting, else `Accept-Language`. Never rejects by itself;
 * routes that need a user call {@link requireUser}.
 */
import type { Context, MiddlewareHandler } from "hono";
import { resolveApiToken } from "../auth/api_tokens.ts";
import { peekSession, resolveSession } from "../auth/sessions.ts";
import type { User } from "../auth/users.ts";
import { negotiateLocale } from "../i18n/i18n.ts";
import { authDeps } from "./account_deps.ts";
import type { AppEnv } from "./context.ts";
import { unauthenticated } from "./errors.ts";
import { readSessionCookie } from "./session_cookie.ts";

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { config } = c.get("deps");
    const auth = authDeps(c);
    c.set("user", null);
    c.set("authMethod", null);
    c.set("sessionSecret", null);
    // Personal API tokens are for the API only: pages stay cookie-and-CSRF territory.
    const bearer = c.req.path.startsWith("/api/")
      ? /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1]
      : undefined;
    if (bearer !== undefined) {
      const user = await resolveApiToken(auth, bearer);
      // A bad bearer token is an error, not "anonymous": the client meant to authenticate.
      if (!user) throw unauthenticated("The bearer token is not valid or has been revoked.");
      c.set("user", user);
      c.set("authMethod", "token");
    } else {
      const secret = readSessionCookie(c, config);
      if (secret) {
        const user = peekSession(auth, secret) ?? await resolveSession(auth, secret, {
          idleMinutes: config.SESSION_IDLE_MINUTES,
          maxDays: config.SESSION_MAX_DAYS,
        });
        if (user) {
          c.set("user", user);
          c.set("authMethod", "session");
          c.set("sessionSecret", secret);
        }
      }
    }
    c.set("locale", c.get("user")?.locale ?? negotiateLocale(c.req.header("accept-language")));
    await next();
  };
}

/** The signed-in user, or a 401 `UNAUTHENTICATED`. */
export function requireUser(c: Context<AppEnv>): User {
  const user = c.get("user");
  if (!user) throw unauthenticated();
  return user;
}
