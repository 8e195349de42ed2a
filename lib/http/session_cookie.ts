/**
 * The session cookie: `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` and the `__Host-` prefix
 * whenever the app is not served from plain-HTTP localhost.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config/config.ts";

export function sessionCookieName(config: Pick<Config, "isLocal">): string {
  return config.isLocal ? "hw_session" : "__Host-hw_session";
}

export function readSessionCookie(c: Context, config: Config): string | undefined {
  const value = getCookie(c, sessionCookieName(config));
  return value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

// The name already carries `__Host-` when needed; hono's `prefix: "host"` option would prepend it
// a second time (`__Host-__Host-hw_session`), a cookie that is then never read back. `Secure`,
// `Path=/` and no `Domain` are what the prefix requires, and are set explicitly.
export function writeSessionCookie(c: Context, config: Config, secret: string): void {
  setCookie(c, sessionCookieName(config), secret, {
    httpOnly: true,
    secure: !config.isLocal,
    sameSite: "Lax",
    path: "/",
    maxAge: config.SESSION_MAX_DAYS * 24 * 60 * 60,
  });
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, sessionCookieName(config), {
    path: "/",
    secure: !config.isLocal,
  });
}
