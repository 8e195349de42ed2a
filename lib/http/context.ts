/** The typed Hono environment shared by every route and middleware. */
import type { Cache } from "../cache/cache.ts";
import type { WindowCounter } from "../cache/window_counter.ts";
import type { Config } from "../config/config.ts";
import type { Database } from "../db/client.ts";
import type { PasswordHasher } from "../auth/password_hash.ts";
import type { User } from "../auth/users.ts";
import type { Locale } from "../i18n/i18n.ts";
import type { IslandAssets } from "../islands/build.ts";
import type { Logger } from "../log/logger.ts";
import type { SecurityHeaders } from "./security.ts";

/** Everything a request handler may need, built once at start-up (see `main.ts`). */
export interface AppDeps {
  config: Config;
  db: Database;
  cache: Cache;
  counters: WindowCounter;
  passwords: PasswordHasher;
  islands: IslandAssets;
  log: Logger;
}

export type AuthMethod = "session" | "token";

export interface AppVariables {
  deps: AppDeps;
  requestId: string;
  /** This response's CSP nonce, once a page asked for one (`cspNonce()` in security.ts). */
  cspNonce?: string;
  user: User | null;
  authMethod: AuthMethod | null;
  /** The raw session secret from the cookie, when signed in by session. */
  sessionSecret: string | null;
  locale: Locale;
  /** This app's security headers (set by the edge middleware), for responses kept as templates. */
  securityHeaders: SecurityHeaders;
}

export type AppEnv = { Variables: AppVariables };
