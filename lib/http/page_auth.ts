/** Page-side access control: anonymous visitors of a private page are sent to the login form. */
import type { Context } from "hono";
import type { User } from "../auth/users.ts";
import type { AppEnv } from "./context.ts";

/** Thrown to redirect to `/login?next=…`; the app's error handler turns it into a 303. */
export class LoginRequired extends Error {
  override name = "LoginRequired";
  constructor(readonly next: string) {
    super("login required");
  }
}

export function requirePageUser(c: Context<AppEnv>): User {
  const user = c.get("user");
  if (!user) {
    const url = new URL(c.req.url);
    throw new LoginRequired(url.pathname + url.search);
  }
  return user;
}
