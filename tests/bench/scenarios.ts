/**
 * What `deno task bench` measures: a list of scenarios, each a server entry plus a request (or a
 * weighted mix of requests) to hammer. Every scenario gets a fresh server process; `setup` runs
 * against it before the warm-up (sign a user up, seed data) and may add headers to the requests.
 *
 * To add one (e.g. a JSON API route), append an object here: `serverEntry: HEADWAY`,
 * `headway: true`, `database: true`, a `setup` that signs up with {@link signUp} and seeds what
 * the route needs (it gets the bench database's URL), a `mix` of weighted requests if the load is
 * mixed, and `targets` for the numbers it must meet. Per-scenario `connections`/`durationSeconds`
 * override the run's settings (a 1,000-connection mixed-load scenario, say).
 */
import type { RequestSpec } from "./load.ts";
import {
  dashboardRequests,
  progressRequests,
  recommendationRequests,
  seedApiUser,
} from "./seed.ts";

export const HELLO = new URL("./serve_hello.ts", import.meta.url);
export const HEADWAY = new URL("./serve_headway.ts", import.meta.url);
export const SIZED = new URL("./serve_sized.ts", import.meta.url);

// The sizes of two of Headway's answers as measured on 2026-12-01 (update them if those change
// much): the English landing page, and a warm dashboard of the bench's sample analysis.
export const LANDING_BYTES = 2_396;
export const DASHBOARD_JSON_BYTES = 2_690;

export interface SetupContext {
  /** The running server's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The bench database (only when the scenario sets `database: true`). */
  databaseUrl?: string;
}

/** What `setup` may add to every request of the scenario (e.g. a session cookie). */
export interface SetupResult {
  headers?: Record<string, string>;
  /** Replaces the scenario's requests (e.g. paths that embed ids created during setup). */
  requests?: RequestSpec[];
}

export interface Targets {
  /** Minimum req/s as a fraction of the baseline scenario's req/s in the same run. */
  minBaselineRatio?: number;
  /** Maximum peak RSS of the server process under load, in MB (1 MB = 2^20 bytes). */
  maxPeakRssMb?: number;
  maxP95Ms?: number;
  maxP99Ms?: number;
  /** Maximum socket errors + non-2xx responses. */
  maxErrors?: number;
}

export interface Scenario {
  /** Short unique key, used by `--only` and in the JSON. */
  name: string;
  /** Row label in the table. */
  title: string;
  /** The `serve_*.ts` entry run in its own process. */
  serverEntry: URL;
  /**
   * Give the server Headway's bench environment ({@link headwayEnv}: LOG_LEVEL from --log-level,
   * rate limits out of the way, an ephemeral port). Without it the server only gets PORT=0.
   */
  headway?: boolean;
  /** Extra environment for the server (on top of the run's defaults for Headway). */
  env?: Record<string, string>;
  /** Create (once per run) a fresh Postgres database and pass it as DATABASE_URL. */
  database?: boolean;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** A weighted request mix instead of `method`/`path`/`headers`/`body`. */
  mix?: RequestSpec[];
  /** Status every request must get in the pre-flight check (default 200). */
  expectStatus?: number;
  setup?: (ctx: SetupContext) => Promise<SetupResult>;
  /** The raw baseline that ratios are computed against (exactly one per run). */
  baseline?: boolean;
  connections?: number;
  durationSeconds?: number;
  targets?: Targets;
}

/**
 * The Deno flags `deno task start` runs Headway with (its `--v8-flags=…`), read from deno.json so
 * the bench measures the server as it is started in production.
 */
export async function startTaskFlags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  return (config.tasks.start as string).split(/\s+/).filter((arg) => arg.startsWith("--v8-flags="));
}

/** The settings every Headway server gets unless a scenario overrides them. */
export function headwayEnv(logLevel: string): Record<string, string> {
  return {
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: logLevel,
    // High enough that the bench is never answered 429, while the limiter still counts every
    // request it covers (it runs on /api/* and the auth routes).
    RATE_LIMIT_PER_MIN: "1000000",
    AUTH_RATE_LIMIT_PER_MIN: "1000000",
  };
}

/** Signs a fresh user up over the JSON API; returns the `Cookie` header that carries the session. */
export async function signUp(url: string): Promise<{ cookie: string; email: string }> {
  const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const res = await fetch(`${url}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({
      email,
      password: `bench-${crypto.randomUUID()}`,
      name: "Bench User",
      timezone: "Europe/Paris",
      locale: "en",
    }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`sign-up answered ${res.status}: ${text}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  if (!cookie) throw new Error("sign-up set no cookie");
  return { cookie, email };
}

const PAGE_TARGETS: Targets = { minBaselineRatio: 0.4, maxPeakRssMb: 150 };

export const scenarios: Scenario[] = [
  {
    name: "hello",
    title: "raw Deno.serve hello-world",
    serverEntry: HELLO,
    path: "/",
    baseline: true,
  },
  {
    // What any server on this runtime can do for a response the landing page's size: the ceiling
    // under the page rows' "40 % of raw" (docs/benchmarks.md).
    name: "raw-landing-size",
    title: `raw Deno.serve, ${LANDING_BYTES.toLocaleString("en")}-byte HTML (the landing's size)`,
    serverEntry: SIZED,
    env: { BENCH_BODY_BYTES: String(LANDING_BYTES), BENCH_CONTENT_TYPE: "text/html" },
    path: "/",
  },
  {
    // The same body framed as Headway frames what it serves from memory (chunked: Deno writes it
    // with its head in one syscall, lib/http/kept_response.ts) — the ceiling for the kept pages.
    name: "raw-landing-size-one-write",
    title: `raw Deno.serve, ${LANDING_BYTES.toLocaleString("en")}-byte HTML, one write (chunked)`,
    serverEntry: SIZED,
    env: {
      BENCH_BODY_BYTES: String(LANDING_BYTES),
      BENCH_CONTENT_TYPE: "text/html",
      BENCH_ONE_WRITE: "1",
    },
    path: "/",
  },
  {
    // The same for the warm dashboard's answer, with the headers Headway's API sends: the floor
    // under its p95 target.
    name: "raw-dashboard-size",
    title: `raw Deno.serve, ${DASHBOARD_JSON_BYTES.toLocaleString("en")}-byte JSON + API headers`,
    serverEntry: SIZED,
    env: {
      BENCH_BODY_BYTES: String(DASHBOARD_JSON_BYTES),
      BENCH_CONTENT_TYPE: "application/json",
      BENCH_API_HEADERS: "1",
    },
    path: "/",
  },
  {
    name: "healthz",
    title: "Headway GET /healthz",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    path: "/healthz",
    targets: { maxPeakRssMb: 150 },
  },
  {
    name: "landing",
    title: "Headway GET / (SSR landing)",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    path: "/",
    headers: { "accept-language": "en-US,en;q=0.9" },
    targets: PAGE_TARGETS,
  },
  {
    name: "dashboard",
    title: "Headway GET /dashboard (SSR, signed in)",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    path: "/dashboard",
    headers: { "accept-language": "en-US,en;q=0.9" },
    setup: async ({ url }) => ({ headers: { cookie: (await signUp(url)).cookie } }),
    targets: PAGE_TARGETS,
  },
  {
    // The cost of one JSON access-log line per request (LOG_LEVEL=info, the default), with stdout
    // drained by the bench like a log collector would. The other Headway rows run at the run's
    // --log-level (warn by default: no per-request lines).
    name: "landing-log-info",
    title: "Headway GET / with LOG_LEVEL=info",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    env: { LOG_LEVEL: "info" },
    path: "/",
    headers: { "accept-language": "en-US,en;q=0.9" },
    targets: { maxPeakRssMb: 150 },
  },
  // ---- The dashboard API (seed 001), with real Postgres and the cache as `deno task start` uses it.
  {
    name: "api-dashboard-warm",
    title: "API GET /dashboard/{id}, warm cache",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    path: "/",
    setup: async ({ url }) => {
      const user = await seedApiUser(url, 20);
      // The pre-flight request of each warms its entry; the warm-up keeps them warm.
      return { headers: user.headers, requests: dashboardRequests(user.analysisIds) };
    },
    targets: { maxP95Ms: 5, maxErrors: 0 },
  },
  {
    // Every read misses: the cache store keeps nothing (BENCH_CACHE=none), so each request
    // resolves its token and loads its dashboard from Postgres (≤ 3 round trips, proven by
    // tests/integration/opportunities/round_trips_test.ts). 1,000 analyses picked at random keep
    // single-flight from merging concurrent loads of the same key (≈ 5 % of requests share one).
    name: "api-dashboard-cold",
    title: "API GET /dashboard/{id}, cold (nothing cached)",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    env: { BENCH_CACHE: "none" },
    path: "/",
    setup: async ({ url }) => {
      const user = await seedApiUser(url, 1_000);
      return { headers: user.headers, requests: dashboardRequests(user.analysisIds) };
    },
    targets: { maxP95Ms: 25, maxErrors: 0 },
  },
  {
    name: "api-progress",
    title: "API POST /dashboard/{id}/progress",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    path: "/",
    setup: async ({ url }) => {
      const user = await seedApiUser(url, 50);
      return { headers: user.headers, requests: progressRequests(user.analysisIds) };
    },
    targets: { maxP95Ms: 30, maxErrors: 0 },
  },
  {
    // The seed's load mix: 60 % dashboard views, 20 % progress posts, 20 % recommendations,
    // spread over 100 analyses, from 1,000 concurrent keep-alive connections.
    name: "api-mixed-1000",
    title: "API seed mix 60/20/20 at 1,000 connections",
    serverEntry: HEADWAY,
    headway: true,
    database: true,
    connections: 1_000,
    path: "/",
    setup: async ({ url }) => {
      const user = await seedApiUser(url, 100);
      const ids = user.analysisIds;
      const progress = progressRequests(ids);
      return {
        headers: user.headers,
        requests: [
          ...dashboardRequests(ids, 60 / ids.length),
          ...progress.map((r) => ({ ...r, weight: 20 / progress.length })),
          ...recommendationRequests(ids, 20 / ids.length),
        ],
      };
    },
    targets: { maxErrors: 0 },
  },
];
