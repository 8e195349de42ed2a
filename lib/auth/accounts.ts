/**
 * Sign-up and log-in as used by both the JSON API and the HTML forms. Login is throttled per
 * account and per client address; failures do not reveal whether the email exists.
 */
import type { WindowCounter } from "../cache/window_counter.ts";
import type { Locale } from "../i18n/i18n.ts";
import type { AuthDeps } from "./auth_cache.ts";
import type { PasswordHasher } from "./password_hash.ts";
import { createSession, deleteSession, type SessionPolicy } from "./sessions.ts";
import { createUser, findUserForLogin, normaliseEmail, type User } from "./users.ts";

export interface AccountDeps extends AuthDeps {
  passwords: PasswordHasher;
  counters: WindowCounter;
  sessions: SessionPolicy;
}

// Failed logins allowed per 15 minutes: per account (guessing one password) and per address
// (spraying many accounts).
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const LOGIN_FAILURES_PER_ACCOUNT = 5;
export const LOGIN_FAILURES_PER_IP = 20;

// A fixed hash to verify against when the email is unknown, so timing does not reveal accounts.
let decoyHash: Promise<string> | undefined;

export interface SignupInput {
  email: string;
  password: string;
  name?: string;
  timezone?: string;
  locale?: Locale;
}

/** Creates the user and a session. Throws `EmailTakenError` for a duplicate email. */
export async function signUp(
  deps: AccountDeps,
  input: SignupInput,
): Promise<{ user: User; sessionSecret: string }> {
  const passwordHash = await deps.passwords.hash(input.password);
  const user = await createUser(deps.sql, { ...input, passwordHash });
  const sessionSecret = await createSession(deps.sql, user.id, deps.sessions);
  return { user, sessionSecret };
}

export class LoginThrottledError extends Error {
  override name = "LoginThrottledError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins. Try again in ${retryAfterSeconds} seconds.`);
  }
}

export class InvalidCredentialsError extends Error {
  override name = "InvalidCredentialsError";
  constructor() {
    super("That email and password do not match an account.");
  }
}

/**
 * Verifies credentials and opens a new session (a fresh id: the session is rotated at login, and
 * a previous session secret, if any, is ended).
 */
export async function logIn(
  deps: AccountDeps,
  input: { email: string; password: string; ip: string; previousSession?: string | null },
): Promise<{ user: User; sessionSecret: string }> {
  const accountKey = `login-account:${normaliseEmail(input.email)}`;
  const ipKey = `login-ip:${input.ip}`;
  // The account's attempt is counted (atomically) before the password is checked: peeking first
  // and counting only failures let any number of concurrent guesses pass the check. A success
  // clears the count below, so only failures accumulate.
  const [byAccount, byIp] = await Promise.all([
    deps.counters.hit(accountKey, LOGIN_WINDOW_SECONDS),
    deps.counters.peek(ipKey, LOGIN_WINDOW_SECONDS),
  ]);
  if (byAccount.count > LOGIN_FAILURES_PER_ACCOUNT) {
    throw new LoginThrottledError(byAccount.resetInSeconds);
  }
  if (byIp.count >= LOGIN_FAILURES_PER_IP) throw new LoginThrottledError(byIp.resetInSeconds);

  const found = await findUserForLogin(deps.sql, input.email);
  decoyHash ??= deps.passwords.hash("decoy password 0");
  const ok = await deps.passwords.verify(found?.passwordHash ?? await decoyHash, input.password);
  if (!found || !ok) {
    await deps.counters.hit(ipKey, LOGIN_WINDOW_SECONDS);
    throw new InvalidCredentialsError();
  }
  await deps.counters.reset(accountKey, LOGIN_WINDOW_SECONDS);
  if (input.previousSession) await deleteSession(deps, input.previousSession);
  const sessionSecret = await createSession(deps.sql, found.user.id, deps.sessions);
  return { user: found.user, sessionSecret };
}
