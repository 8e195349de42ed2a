/**
 * Rate limits: per-client on `/api/*`, stricter on auth routes, shared through Redis between
 * instances, still enforced from memory when the cache is down or hangs; and the per-account /
 * per-address login throttle.
 */
import assert from "node:assert/strict";
import type { CacheStore } from "../../../lib/cache/store.ts";
import { REDIS_URL } from "../../support/database.ts";
import { type Harness, startHarness } from "../../support/harness.ts";
import { assertEnvelope, awayFromWindowEdge, freshEmail, raw } from "../api/helpers.ts";

/** A cache whose every call fails at once. */
class DownStore implements CacheStore {
  readonly kind = "redis";
  calls = 0;
  #fail = () => {
    this.calls++;
    return Promise.reject(new Error("ECONNREFUSED"));
  };
  get = this.#fail;
  set = this.#fail;
  delete = this.#fail;
  invalidate = this.#fail;
  generation = this.#fail;
  setIfGeneration = this.#fail;
  increment = this.#fail;
  ping = this.#fail;
  close = () => Promise.resolve();
}

/** A cache whose every call hangs forever (a black-holed connection). */
class HangingStore implements CacheStore {
  readonly kind = "redis";
  calls = 0;
  #hang = () => {
    this.calls++;
    return new Promise<never>(() => {});
  };
  get = this.#hang;
  set = this.#hang;
  delete = this.#hang;
  invalidate = this.#hang;
  generation = this.#hang;
  setIfGeneration = this.#hang;
  increment = this.#hang;
  ping = this.#hang;
  close = () => Promise.resolve();
}

function assertRetryAfter(res: Response, maxSeconds: number): number {
  const value = res.headers.get("retry-after");
  assert.match(value ?? "", /^\d+$/, `Retry-After is a number of seconds, got ${value}`);
  const seconds = Number(value);
  assert.ok(seconds >= 1 && seconds <= maxSeconds, `Retry-After ${seconds} within 1–${maxSeconds}`);
  return seconds;
}

/** Sends `count` requests that must all pass the limiter, then one that must be limited. */
async function exhaust(
  count: number,
  send: () => Promise<Response>,
): Promise<Response> {
  for (let i = 1; i <= count; i++) {
    const res = await send();
    assert.notEqual(res.status, 429, `request ${i} of ${count} is allowed`);
    await res.body?.cancel();
  }
  return send();
}

Deno.test("rate limit: the 6th /api request in a minute with RATE_LIMIT_PER_MIN=5 is 429", async () => {
  await awayFromWindowEdge();
  const h = await startHarness({ env: { RATE_LIMIT_PER_MIN: "5" } });
  try {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await raw(h, "/api/v1/me");
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("ratelimit-limit"), "5");
      remaining.push(res.headers.get("ratelimit-remaining")!);
      await res.body?.cancel();
    }
    assert.deepEqual(remaining, ["4", "3", "2", "1", "0"]);

    const limited = await raw(h, "/api/v1/me");
    const body = await assertEnvelope(limited, 429, "RATE_LIMIT_EXCEEDED");
    assert.match(body.detail, /5 per 60 seconds/);
    assertRetryAfter(limited, 60);
    assert.equal(limited.headers.get("ratelimit-remaining"), "0");

    // Every method and route under /api shares the bucket, unknown routes included.
    await assertEnvelope(await raw(h, "/api/v1/nope"), 429, "RATE_LIMIT_EXCEEDED");
    await assertEnvelope(
      await raw(h, "/api/v1/auth/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: freshEmail(), password: "correct horse 42" }),
      }),
      429,
      "RATE_LIMIT_EXCEEDED",
    );
    // Pages and health checks are not API calls.
    const page = await raw(h, "/login");
    assert.equal(page.status, 200);
    await page.body?.cancel();
    assert.equal((await raw(h, "/healthz")).status, 200);
  } finally {
    await h.close();
  }
});

Deno.test("rate limit: AUTH_RATE_LIMIT_PER_MIN applies to /api/v1/auth/* and the auth forms", async () => {
  await awayFromWindowEdge();
  const h = await startHarness({
    env: { RATE_LIMIT_PER_MIN: "1000", AUTH_RATE_LIMIT_PER_MIN: "3" },
  });
  try {
    const alice = await h.signup(); // 1 auth request
    const login = () =>
      h.client().post("/api/v1/auth/login", { email: alice.email, password: alice.password });
    const first = await login();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("ratelimit-limit"), "3", "auth routes show the auth limit");
    assert.equal(first.headers.get("ratelimit-remaining"), "1");
    const limited = await exhaust(1, login);
    const body = await assertEnvelope(limited, 429, "RATE_LIMIT_EXCEEDED");
    assert.match(body.detail, /3 per 60 seconds/);
    assertRetryAfter(limited, 60);
    // The 429 describes the limit that was hit, not the looser general one around it.
    assert.equal(limited.headers.get("ratelimit-limit"), "3");
    assert.equal(limited.headers.get("ratelimit-remaining"), "0");

    await assertEnvelope(await alice.post("/api/v1/auth/logout"), 429, "RATE_LIMIT_EXCEEDED");
    // The HTML forms share the auth bucket.
    const form = await h.client().form("/login", { email: alice.email, password: alice.password });
    assert.equal(form.status, 429);
    assertRetryAfter(form, 60);
    assert.equal(form.headers.getSetCookie().length, 0, "no session for a limited login");
    await form.body?.cancel();
    const signup = await h.client().form("/signup", {
      email: freshEmail(),
      password: "correct horse 42",
    });
    assert.equal(signup.status, 429);
    await signup.body?.cancel();

    // Other API routes are only under the general limit.
    assert.equal((await alice.get("/api/v1/me")).status, 200);
    assert.equal((await alice.post("/api/v1/tokens", { name: "still fine" })).status, 201);
  } finally {
    await h.close();
  }
});

for (
  const [label, makeStore, timeoutMs] of [
    ["fails", () => new DownStore(), "50"],
    ["hangs", () => new HangingStore(), "30"],
  ] as const
) {
  Deno.test(`rate limit: still enforced from memory when the cache ${label}`, async () => {
    await awayFromWindowEdge();
    const store = makeStore();
    const h = await startHarness({
      cacheStore: store,
      env: { RATE_LIMIT_PER_MIN: "5", AUTH_RATE_LIMIT_PER_MIN: "5", CACHE_TIMEOUT_MS: timeoutMs },
    });
    try {
      const started = performance.now();
      const limited = await exhaust(5, () => raw(h, "/api/v1/me"));
      await assertEnvelope(limited, 429, "RATE_LIMIT_EXCEEDED");
      assertRetryAfter(limited, 60);
      assert.ok(store.calls > 0, "the cache was tried");
      assert.ok(performance.now() - started < 3_000, "a dead cache costs little time");
      // The readiness check reports the cache as down, the app still serves.
      const ready = await raw(h, "/readyz");
      assert.equal(ready.status, 503);
      assert.equal((await ready.json()).checks.cache.status, "down");
      assert.equal((await raw(h, "/healthz")).status, 200);
    } finally {
      await h.close();
    }
  });
}

Deno.test("rate limit: a failing cache does not disable the auth limit or the login throttle", async () => {
  await awayFromWindowEdge(4, 900);
  const h = await startHarness({
    cacheStore: new DownStore(),
    env: { RATE_LIMIT_PER_MIN: "1000" },
  });
  try {
    const alice = await h.signup();
    const wrong = () =>
      h.client().post("/api/v1/auth/login", { email: alice.email, password: "wrong password 1" });
    for (let i = 0; i < 5; i++) await assertEnvelope(await wrong(), 401, "UNAUTHENTICATED");
    const res = await h.client().post("/api/v1/auth/login", {
      email: alice.email,
      password: alice.password,
    });
    await assertEnvelope(res, 429, "RATE_LIMIT_EXCEEDED");
    assertRetryAfter(res, 900);
  } finally {
    await h.close();
  }
});

Deno.test("rate limit: with Redis, instances share one count per client", async () => {
  await awayFromWindowEdge();
  // Behind a proxy each test gets its own client address, so parallel runs cannot collide.
  const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID()}`;
  const env = { REDIS_URL, TRUST_PROXY: "true", RATE_LIMIT_PER_MIN: "5" };
  const a = await startHarness({ env });
  const b = await startHarness({ env });
  try {
    for (const h of [a, b]) {
      const deadline = Date.now() + 3_000;
      while (!await h.deps.cache.ping()) {
        assert.ok(Date.now() < deadline, `Redis is reachable at ${REDIS_URL}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(h.deps.cache.store.kind, "redis");
    }
    const get = (h: Harness) =>
      raw(h, "/api/v1/me", { headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } });
    for (const h of [a, b, a, b, a]) {
      const res = await get(h);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    await assertEnvelope(await get(b), 429, "RATE_LIMIT_EXCEEDED");
    await assertEnvelope(await get(a), 429, "RATE_LIMIT_EXCEEDED");
    // Another client address is not affected.
    const other = await raw(a, "/api/v1/me", { headers: { "x-forwarded-for": `${ip}-other` } });
    assert.equal(other.status, 401);
    await other.body?.cancel();
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("rate limit: X-Forwarded-For is ignored unless TRUST_PROXY is set", async () => {
  await awayFromWindowEdge();
  const h = await startHarness({ env: { RATE_LIMIT_PER_MIN: "5" } });
  try {
    let n = 0;
    const limited = await exhaust(
      5,
      () => raw(h, "/api/v1/me", { headers: { "x-forwarded-for": `203.0.113.${++n}` } }),
    );
    await assertEnvelope(limited, 429, "RATE_LIMIT_EXCEEDED");
  } finally {
    await h.close();
  }
  const trusted = await startHarness({ env: { RATE_LIMIT_PER_MIN: "5", TRUST_PROXY: "true" } });
  try {
    for (let i = 0; i < 10; i++) {
      const res = await raw(trusted, "/api/v1/me", {
        headers: { "x-forwarded-for": `203.0.113.${i}` },
      });
      assert.equal(res.status, 401, "each forwarded client has its own bucket");
      await res.body?.cancel();
    }
  } finally {
    await trusted.close();
  }
});

Deno.test("login throttle: after 5 wrong passwords the 6th attempt is 429, even with the right one", async () => {
  await awayFromWindowEdge(4, 900);
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const bob = await h.signup();
    // Case and spacing variants count against the same account.
    const variants = [
      alice.email,
      alice.email.toUpperCase(),
      ` ${alice.email}`,
      alice.email,
      alice.email,
    ];
    for (const email of variants) {
      await assertEnvelope(
        await h.client().post("/api/v1/auth/login", { email, password: "wrong password 1" }),
        401,
        "UNAUTHENTICATED",
      );
    }
    const res = await h.client().post("/api/v1/auth/login", {
      email: alice.email,
      password: alice.password,
    });
    const body = await assertEnvelope(res, 429, "RATE_LIMIT_EXCEEDED");
    const seconds = assertRetryAfter(res, 900);
    assert.ok(body.detail.includes(String(seconds)), "the detail says when to retry");
    assert.equal(res.headers.getSetCookie().length, 0, "no session");

    // The HTML form is throttled too, with a message and Retry-After.
    const form = await h.client().form("/login", { email: alice.email, password: alice.password });
    assert.equal(form.status, 429);
    assertRetryAfter(form, 900);
    assert.equal(form.headers.getSetCookie().length, 0);
    assert.match(await form.text(), /Too many/i);

    // The existing session keeps working, and another account can still log in.
    assert.equal((await alice.get("/api/v1/me")).status, 200);
    const other = await h.client().post("/api/v1/auth/login", {
      email: bob.email,
      password: bob.password,
    });
    assert.equal(other.status, 200);
  } finally {
    await h.close();
  }
});

Deno.test("login throttle: concurrent guesses cannot exceed the 5 per account", async () => {
  await awayFromWindowEdge(4, 900);
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const statuses = await Promise.all(Array.from({ length: 30 }, async () => {
      const res = await h.client().post("/api/v1/auth/login", {
        email: alice.email,
        password: "wrong password 1",
      });
      await res.body?.cancel();
      return res.status;
    }));
    const checked = statuses.filter((status) => status === 401).length;
    const throttled = statuses.filter((status) => status === 429).length;
    assert.equal(checked + throttled, 30, String(statuses));
    assert.ok(checked <= 5, `${checked} passwords were tried, the limit is 5`);
    // And the right password is refused now too.
    const res = await h.client().post("/api/v1/auth/login", {
      email: alice.email,
      password: alice.password,
    });
    await assertEnvelope(res, 429, "RATE_LIMIT_EXCEEDED");
  } finally {
    await h.close();
  }
});

Deno.test("login throttle: a successful login resets the account's failure count", async () => {
  await awayFromWindowEdge(4, 900);
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const attempt = (password: string) =>
      h.client().post("/api/v1/auth/login", { email: alice.email, password });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) assert.equal((await attempt("wrong password 1")).status, 401);
      assert.equal((await attempt(alice.password)).status, 200, `round ${round}`);
    }
  } finally {
    await h.close();
  }
});

Deno.test("login throttle: unknown emails are throttled the same way (no account discovery)", async () => {
  await awayFromWindowEdge(4, 900);
  const h = await startHarness();
  try {
    const ghost = freshEmail("ghost");
    for (let i = 0; i < 5; i++) {
      await assertEnvelope(
        await h.client().post("/api/v1/auth/login", { email: ghost, password: "wrong password 1" }),
        401,
      );
    }
    await assertEnvelope(
      await h.client().post("/api/v1/auth/login", { email: ghost, password: "wrong password 1" }),
      429,
      "RATE_LIMIT_EXCEEDED",
    );
  } finally {
    await h.close();
  }
});

Deno.test("login throttle: 20 failures from one address block it across accounts", async () => {
  await awayFromWindowEdge(4, 900);
  const h = await startHarness({ env: { TRUST_PROXY: "true" } });
  try {
    const alice = await h.signup();
    const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
    for (let i = 0; i < 20; i++) {
      const res = await h.client().post(
        "/api/v1/auth/login",
        { email: freshEmail("spray"), password: "Winter2026!" },
        from("192.0.2.7"),
      );
      assert.equal(res.status, 401, `attempt ${i + 1}`);
      await res.body?.cancel();
    }
    const blocked = await h.client().post(
      "/api/v1/auth/login",
      { email: alice.email, password: alice.password },
      from("192.0.2.7"),
    );
    await assertEnvelope(blocked, 429, "RATE_LIMIT_EXCEEDED");
    assertRetryAfter(blocked, 900);
    // Another address is unaffected.
    const ok = await h.client().post(
      "/api/v1/auth/login",
      { email: alice.email, password: alice.password },
      from("192.0.2.8"),
    );
    assert.equal(ok.status, 200);
  } finally {
    await h.close();
  }
});
