import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, loadConfig } from "../../lib/config/config.ts";

/** Runs `loadConfig` and returns the ConfigError message it must throw. */
function configError(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

/** The message line about one variable. */
function lineFor(message: string, name: string): string {
  const line = message.split("\n").find((l) => l.trim().startsWith(`${name}:`));
  assert.ok(line, `no line names ${name} in:\n${message}`);
  return line;
}

Deno.test("config: an empty environment gives the documented defaults", () => {
  const config = loadConfig({});
  assert.equal(config.HOST, "127.0.0.1");
  assert.equal(config.PORT, 8000);
  assert.equal(config.DATA_DIR, ".data");
  assert.equal(config.DATABASE_URL, undefined);
  assert.equal(config.APP_URL, undefined);
  assert.equal(config.REDIS_URL, undefined);
  assert.equal(config.UPSTASH_REDIS_REST_URL, undefined);
  assert.equal(config.DB_POOL_MAX, 10);
  assert.equal(config.DB_STATEMENT_TIMEOUT_MS, 5_000);
  assert.equal(config.DB_CONNECT_TIMEOUT_S, 3);
  assert.equal(config.CACHE_TIMEOUT_MS, 50);
  assert.equal(config.RATE_LIMIT_PER_MIN, 100);
  assert.equal(config.AUTH_RATE_LIMIT_PER_MIN, 10);
  assert.equal(config.BODY_LIMIT_BYTES, 1024 * 1024);
  assert.equal(config.SESSION_IDLE_MINUTES, 60 * 24 * 7);
  assert.equal(config.SESSION_MAX_DAYS, 30);
  assert.equal(config.PASSWORD_MEMORY_KIB, 19_456);
  assert.equal(config.TRUST_PROXY, false);
  assert.equal(config.LOG_LEVEL, "info");
  assert.equal(config.isLocal, true);
});

Deno.test("config: valid values are parsed into typed fields", () => {
  const config = loadConfig({
    HOST: "0.0.0.0",
    PORT: "0",
    APP_URL: "https://headway.example",
    DATABASE_URL: "postgresql://u:p@db:5432/headway",
    DB_POOL_MAX: "3",
    REDIS_URL: "rediss://cache:6380",
    TRUST_PROXY: "1",
    LOG_LEVEL: "warn",
    UPSTASH_REDIS_REST_URL: "https://eu1.upstash.example",
    UPSTASH_REDIS_REST_TOKEN: "tok",
  });
  assert.equal(config.HOST, "0.0.0.0");
  assert.equal(config.PORT, 0);
  assert.equal(config.DB_POOL_MAX, 3);
  assert.equal(config.TRUST_PROXY, true);
  assert.equal(config.LOG_LEVEL, "warn");
  assert.equal(config.isLocal, false, "an https APP_URL is not local");
  assert.equal(loadConfig({ TRUST_PROXY: "false" }).TRUST_PROXY, false);
  assert.equal(loadConfig({ APP_URL: "http://localhost:8000" }).isLocal, true);
  assert.equal(loadConfig({ APP_URL: "http://127.0.0.1:8000" }).isLocal, true);
  assert.equal(loadConfig({ APP_URL: "http://headway.example" }).isLocal, false);
  assert.equal(loadConfig({ APP_URL: "https://localhost" }).isLocal, false);
});

Deno.test("config: an empty string means unset (the default applies)", () => {
  const config = loadConfig({
    PORT: "",
    DATABASE_URL: "",
    APP_URL: "",
    LOG_LEVEL: "",
    TRUST_PROXY: "",
    UPSTASH_REDIS_REST_URL: "",
    UPSTASH_REDIS_REST_TOKEN: "",
    HOST: undefined,
  });
  assert.equal(config.PORT, 8000);
  assert.equal(config.DATABASE_URL, undefined);
  assert.equal(config.APP_URL, undefined);
  assert.equal(config.LOG_LEVEL, "info");
  assert.equal(config.TRUST_PROXY, false);
  assert.equal(config.HOST, "127.0.0.1");
});

const INTEGERS: Record<string, [number, number]> = {
  PORT: [0, 65535],
  DB_POOL_MAX: [1, 100],
  DB_STATEMENT_TIMEOUT_MS: [100, 600_000],
  DB_CONNECT_TIMEOUT_S: [1, 60],
  CACHE_TIMEOUT_MS: [1, 5_000],
  RATE_LIMIT_PER_MIN: [1, 1_000_000],
  AUTH_RATE_LIMIT_PER_MIN: [1, 1_000_000],
  BODY_LIMIT_BYTES: [1_024, 100 * 1024 * 1024],
  SESSION_IDLE_MINUTES: [5, 60 * 24 * 90],
  SESSION_MAX_DAYS: [1, 365],
  PASSWORD_MEMORY_KIB: [8_192, 1_048_576],
};

Deno.test("config: every integer variable names itself and its range when bad", () => {
  for (const [name, [min, max]] of Object.entries(INTEGERS)) {
    for (const bad of ["abc", String(min - 1), String(max + 1), "1.5", "12abc"]) {
      const line = lineFor(configError({ [name]: bad }), name);
      assert.match(line, new RegExp(`expected an integer from ${min} to ${max}`), line);
      assert.ok(line.includes(`"${bad}"`), `the offending value is echoed: ${line}`);
    }
    // The bounds themselves are accepted.
    assert.equal(loadConfig({ [name]: String(min) })[name as "PORT"], min);
    assert.equal(loadConfig({ [name]: String(max) })[name as "PORT"], max);
  }
});

Deno.test("config: REQUEST_TIMEOUT_MS defaults to the statement timeout + 5 s and must exceed it", () => {
  assert.equal(loadConfig({}).REQUEST_TIMEOUT_MS, 10_000);
  assert.equal(loadConfig({ DB_STATEMENT_TIMEOUT_MS: "600000" }).REQUEST_TIMEOUT_MS, 605_000);
  assert.equal(loadConfig({ REQUEST_TIMEOUT_MS: "8000" }).REQUEST_TIMEOUT_MS, 8_000);
  const line = lineFor(configError({ REQUEST_TIMEOUT_MS: "5000" }), "REQUEST_TIMEOUT_MS");
  assert.match(line, /above DB_STATEMENT_TIMEOUT_MS \(5000\)/);
  assert.match(
    lineFor(configError({ REQUEST_TIMEOUT_MS: "999" }), "REQUEST_TIMEOUT_MS"),
    /an integer from 1000 to 900000/,
  );
});

Deno.test("config: integers must be written as decimal digits", () => {
  // Number() would read these as 0, 80, 1000 and 8: a stray space must not mean "any port".
  for (const bad of [" ", "\t", "0x50", "1e3", "0b1000"]) {
    const line = lineFor(configError({ PORT: bad }), "PORT");
    assert.match(line, /an integer from 0 to 65535/);
  }
  assert.equal(loadConfig({ PORT: "08080" }).PORT, 8080);
});

Deno.test("config: property — PORT accepts exactly the decimal integers 0..65535", () => {
  fc.assert(fc.property(fc.integer({ min: -100_000, max: 200_000 }), (port) => {
    if (port >= 0 && port <= 65535) {
      assert.equal(loadConfig({ PORT: String(port) }).PORT, port);
    } else {
      assert.match(
        configError({ PORT: String(port) }),
        /PORT: expected an integer from 0 to 65535/,
      );
    }
  }));
  fc.assert(fc.property(fc.string({ minLength: 1 }), (text) => {
    // Surrounding whitespace is forgiven (`PORT=8000 ` in an env file); nothing else is.
    const decimal = /^\s*\d+\s*$/.test(text) && Number(text.trim()) <= 65535;
    if (decimal) return;
    assert.match(configError({ PORT: text }), /PORT: expected an integer/);
  }));
});

Deno.test("config: enums and booleans name the accepted words", () => {
  assert.match(
    lineFor(configError({ LOG_LEVEL: "verbose" }), "LOG_LEVEL"),
    /expected one of debug, info, warn, error, silent, got "verbose"/,
  );
  assert.match(
    lineFor(configError({ TRUST_PROXY: "yes" }), "TRUST_PROXY"),
    /expected true or false, got "yes"/,
  );
});

Deno.test("config: URLs must use the right scheme and show an example", () => {
  assert.match(
    lineFor(configError({ DATABASE_URL: "mysql://localhost/db" }), "DATABASE_URL"),
    /expected a postgres:\/\/ connection URL, e\.g\. postgres:\/\//,
  );
  assert.match(
    lineFor(configError({ DATABASE_URL: "not a url" }), "DATABASE_URL"),
    /postgres:\/\//,
  );
  assert.match(lineFor(configError({ REDIS_URL: "http://cache" }), "REDIS_URL"), /redis:\/\//);
  assert.match(lineFor(configError({ APP_URL: "headway.example" }), "APP_URL"), /http\(s\) URL/);
  assert.match(
    lineFor(configError({ APP_URL: "ftp://headway.example" }), "APP_URL"),
    /http\(s\) URL/,
  );
});

Deno.test("config: secrets in connection strings and tokens are never echoed", () => {
  const secret = "hunter2-s3cr3t";
  const message = configError({
    DATABASE_URL: `mysql://admin:${secret}@db/headway`,
    REDIS_URL: `memcache://:${secret}@cache`,
    UPSTASH_REDIS_REST_URL: `ftp://x:${secret}@upstash`,
    UPSTASH_REDIS_REST_TOKEN: secret,
    PORT: "abc",
  });
  assert.ok(!message.includes(secret), message);
  for (const name of ["DATABASE_URL", "REDIS_URL", "UPSTASH_REDIS_REST_URL"]) {
    lineFor(message, name);
  }
  // Non-secret values are still shown, so the mistake is easy to spot.
  assert.match(lineFor(message, "PORT"), /got "abc"/);
});

Deno.test("config: every offending variable is listed at once", () => {
  const message = configError({ PORT: "x", LOG_LEVEL: "loud", DB_POOL_MAX: "0", HOST: "ok" });
  assert.match(message, /^Invalid configuration:/);
  for (const name of ["PORT", "LOG_LEVEL", "DB_POOL_MAX"]) lineFor(message, name);
  assert.ok(!/HOST:/.test(message));
});

Deno.test("config: the Upstash URL and token must be set together", () => {
  assert.match(
    lineFor(
      configError({ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" }),
      "UPSTASH_REDIS_REST_TOKEN",
    ),
    /set together with its partner/,
  );
  const onlyToken = configError({ UPSTASH_REDIS_REST_TOKEN: "sekrit-token" });
  assert.match(lineFor(onlyToken, "UPSTASH_REDIS_REST_URL"), /set together/);
  assert.ok(!onlyToken.includes("sekrit-token"));
  // An empty partner is the same as a missing one.
  configError({ UPSTASH_REDIS_REST_URL: "https://x.upstash.io", UPSTASH_REDIS_REST_TOKEN: "" });
  const both = loadConfig({
    UPSTASH_REDIS_REST_URL: "https://x.upstash.io",
    UPSTASH_REDIS_REST_TOKEN: "t",
  });
  assert.equal(both.UPSTASH_REDIS_REST_TOKEN, "t");
  const neither = loadConfig({ UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" });
  assert.equal(neither.UPSTASH_REDIS_REST_URL, undefined);
});

Deno.test("config: unknown variables are ignored", () => {
  assert.equal(loadConfig({ PATH: "/usr/bin", HOME: "/root", SOMETHING: "x" }).PORT, 8000);
});
