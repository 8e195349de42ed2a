/**
 * The one place Headway reads its environment. Parsed once at start-up with zod; a bad value stops
 * the process with a message naming the variable and the expected form.
 *
 * @example
 * ```ts
 * const config = loadConfig(Deno.env.toObject());
 * ```
 */
import { z } from "zod";

const optionalInt = (min: number, max: number) => {
  const form = { error: `an integer from ${min} to ${max}` };
  // Decimal digits only: Number() would read " " as 0 (PORT=" " → a random port) and "0x50" as 80.
  return z.string().trim().regex(/^\d+$/, form)
    .transform(Number)
    .pipe(z.number().int(form).min(min, form).max(max, form));
};
const int = (min: number, max: number, fallback: number) => optionalInt(min, max).default(fallback);

/** Unset, the request deadline is this much above the statement timeout. */
const REQUEST_TIMEOUT_MARGIN_MS = 5_000;

const bool = (fallback: boolean) =>
  z.enum(["true", "false", "1", "0"], { error: "true or false" })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

const optionalUrl = (protocols: string[], form: string) =>
  z.string()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, { error: form })
    .optional();

const envSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(0, 65535, 8000),
  APP_URL: optionalUrl(
    ["http:", "https:"],
    "an absolute http(s) URL, e.g. https://headway.example",
  ),
  DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: optionalUrl(
    ["postgres:", "postgresql:"],
    "a postgres:// connection URL, e.g. postgres://user:pass@localhost:5432/headway",
  ),
  DB_POOL_MAX: int(1, 100, 10),
  DB_STATEMENT_TIMEOUT_MS: int(100, 600_000, 5_000),
  DB_CONNECT_TIMEOUT_S: int(1, 60, 3),
  REQUEST_TIMEOUT_MS: optionalInt(1_000, 900_000).optional(),
  REDIS_URL: optionalUrl(["redis:", "rediss:"], "a redis:// URL, e.g. redis://127.0.0.1:6379"),
  UPSTASH_REDIS_REST_URL: optionalUrl(["http:", "https:"], "the https URL of an Upstash database"),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  CACHE_TIMEOUT_MS: int(1, 5_000, 50),
  RATE_LIMIT_PER_MIN: int(1, 1_000_000, 100),
  AUTH_RATE_LIMIT_PER_MIN: int(1, 1_000_000, 10),
  BODY_LIMIT_BYTES: int(1_024, 100 * 1024 * 1024, 1024 * 1024),
  SESSION_IDLE_MINUTES: int(5, 60 * 24 * 90, 60 * 24 * 7),
  SESSION_MAX_DAYS: int(1, 365, 30),
  PASSWORD_MEMORY_KIB: int(8_192, 1_048_576, 19_456),
  TRUST_PROXY: bool(false),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"], {
    error: "one of debug, info, warn, error, silent",
  }).default("info"),
}).superRefine((env, ctx) => {
  if (
    env.REQUEST_TIMEOUT_MS !== undefined && env.REQUEST_TIMEOUT_MS <= env.DB_STATEMENT_TIMEOUT_MS
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["REQUEST_TIMEOUT_MS"],
      message: `milliseconds above DB_STATEMENT_TIMEOUT_MS (${env.DB_STATEMENT_TIMEOUT_MS}), ` +
        "so a slow statement is stopped by Postgres before the request gives up",
    });
  }
  if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
    ctx.addIssue({
      code: "custom",
      path: [env.UPSTASH_REDIS_REST_URL ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL"],
      message:
        "set together with its partner (UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN)",
    });
  }
});

type Env = z.output<typeof envSchema>;

/** Typed, validated configuration. Field names are the environment variables' own. */
export type Config = Omit<Env, "REQUEST_TIMEOUT_MS"> & {
  /** Default: DB_STATEMENT_TIMEOUT_MS + 5 s. */
  readonly REQUEST_TIMEOUT_MS: number;
  /** True when the public origin is plain-HTTP localhost: no `Secure` cookies, no HSTS. */
  readonly isLocal: boolean;
};

/** Raised for a bad environment; `message` lists every offending variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses an environment (e.g. `Deno.env.toObject()`); throws {@link ConfigError}. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty string means "unset": shells and .env files often leave `NAME=` behind.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      // Connection strings and tokens may hold secrets: never echo them back.
      const got = /URL|TOKEN|KEY|SECRET/.test(name) ? undefined : cleaned[name];
      return `  ${name}: expected ${issue.message}${got === undefined ? "" : `, got "${got}"`}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const value = parsed.data;
  const origin = value.APP_URL ? new URL(value.APP_URL) : null;
  const isLocal = origin === null ||
    (origin.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(origin.hostname));
  const requestTimeout = value.REQUEST_TIMEOUT_MS ??
    value.DB_STATEMENT_TIMEOUT_MS + REQUEST_TIMEOUT_MARGIN_MS;
  return { ...value, REQUEST_TIMEOUT_MS: requestTimeout, isLocal };
}
