/**
 * Builds the real app against real Postgres (and optionally real Redis) for `app.request()` tests,
 * plus a cookie-keeping client that behaves like a same-origin browser.
 *
 * @example
 * ```ts
 * const h = await startHarness();
 * const alice = await h.signup();
 * const res = await alice.get("/api/v1/me");
 * await h.close();
 * ```
 */
import type { Hono } from "hono";
import { createApp } from "../../app.tsx";
import { createPasswordHasher } from "../../lib/auth/password_hash.ts";
import type { AuthDeps } from "../../lib/auth/auth_cache.ts";
import { Cache } from "../../lib/cache/cache.ts";
import { createCache } from "../../lib/cache/create_cache.ts";
import type { CacheStore } from "../../lib/cache/store.ts";
import { WindowCounter } from "../../lib/cache/window_counter.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { connectDatabase, type Database } from "../../lib/db/client.ts";
import { migrateUp } from "../../lib/db/migrate.ts";
import type { AppDeps, AppEnv } from "../../lib/http/context.ts";
import { buildIslands, type IslandAssets } from "../../lib/islands/build.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { loadStaticAssets } from "../../lib/render/static_assets.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export const ORIGIN = "http://localhost";

let islandsOnce: Promise<IslandAssets> | undefined;
let staticOnce: Promise<void> | undefined;

export interface HarnessOptions {
  /** Extra environment for `loadConfig` (e.g. `{ RATE_LIMIT_PER_MIN: "5" }`). */
  env?: Record<string, string>;
  /** Use this cache store instead of the configured one (e.g. a failing store). */
  cacheStore?: CacheStore;
  /** Connect to this database URL instead of the run's test database. */
  databaseUrl?: string;
  /** Captures log lines. */
  logLines?: string[];
  /** Receives every SQL statement the app sends (to count round trips). */
  onQuery?: (query: string) => void;
}

export interface Harness {
  app: Hono<AppEnv>;
  deps: AppDeps;
  db: Database;
  /** The app's database and cache, for lib calls that invalidate what they change. */
  auth: AuthDeps;
  /** A client with no cookies yet. */
  client(): TestClient;
  /** Signs up a fresh user over the JSON API and returns their signed-in client. */
  signup(
    input?: {
      email?: string;
      password?: string;
      name?: string;
      timezone?: string;
      locale?: string;
    },
  ): Promise<TestClient & { email: string; password: string; userId: string }>;
  close(): Promise<void>;
}

let ownDatabase: Promise<TestDatabase> | undefined;
/** The run's database (TEST_DATABASE_URL) or, when a file runs alone, one made for this process. */
export async function testDatabaseUrl(): Promise<string> {
  const fromRun = Deno.env.get("TEST_DATABASE_URL");
  if (fromRun) return fromRun;
  // Left behind when the file exits; `deno task test` sweeps stale `headway_test_*` databases.
  ownDatabase ??= createTestDatabase();
  return (await ownDatabase).url;
}

const migrated = new Set<string>();

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const url = options.databaseUrl ?? await testDatabaseUrl();
  const config = loadConfig({
    DATABASE_URL: url,
    LOG_LEVEL: options.logLines ? "info" : "silent",
    RATE_LIMIT_PER_MIN: "100000",
    AUTH_RATE_LIMIT_PER_MIN: "100000",
    PASSWORD_MEMORY_KIB: "8192",
    ...options.env,
  });
  const db = connectDatabase(url, {
    poolMax: 5,
    statementTimeoutMs: 5_000,
    connectTimeoutS: Number(options.env?.DB_CONNECT_TIMEOUT_S ?? 2),
    onQuery: options.onQuery,
  });
  if (!migrated.has(url)) {
    await migrateUp(db.sql);
    migrated.add(url);
  }
  islandsOnce ??= buildIslands();
  staticOnce ??= loadStaticAssets();
  const [islands] = await Promise.all([islandsOnce, staticOnce]);
  const cache = options.cacheStore
    ? new Cache(options.cacheStore, { timeoutMs: config.CACHE_TIMEOUT_MS })
    : createCache(config);
  const deps: AppDeps = {
    config,
    db,
    cache,
    counters: new WindowCounter(cache),
    passwords: createPasswordHasher(config.PASSWORD_MEMORY_KIB),
    islands,
    log: createLogger({
      level: options.logLines ? "info" : "silent",
      write: options.logLines ? (line) => options.logLines!.push(line) : undefined,
    }),
  };
  const app = createApp(deps);
  const harness: Harness = {
    app,
    deps,
    db,
    auth: { sql: db.sql, cache },
    client: () => new TestClient(app),
    async signup(input = {}) {
      const client = new TestClient(app);
      const email = input.email ?? `user-${crypto.randomUUID()}@example.com`;
      const password = input.password ?? "correct horse 42";
      const res = await client.post("/api/v1/auth/signup", { ...input, email, password });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
      const body = await res.json();
      return Object.assign(client, { email, password, userId: body.user.id as string });
    },
    async close() {
      await deps.counters.close();
      await cache.close();
      await db.close();
    },
  };
  return harness;
}

/** A same-origin browser stand-in: keeps cookies, sends `Origin` on unsafe requests. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly app: Hono<AppEnv>) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const method = (init.method ?? "GET").toUpperCase();
    if (this.cookies.size > 0 && !headers.has("cookie")) headers.set("cookie", this.cookieHeader);
    if (!["GET", "HEAD"].includes(method) && !headers.has("origin")) headers.set("origin", ORIGIN);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const res = await this.app.request(`${ORIGIN}${path}`, { ...init, method, headers, body });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, init: RequestInit = {}) {
    return this.request(path, { ...init, method: "GET" });
  }

  post(path: string, json?: unknown, init: RequestInit = {}) {
    return this.request(path, { ...init, method: "POST", json });
  }

  /** Submits an HTML form (urlencoded), as a browser would. */
  form(path: string, fields: Record<string, string>, init: RequestInit = {}) {
    return this.request(path, {
      ...init,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...init.headers },
      body: new URLSearchParams(fields).toString(),
    });
  }
}
