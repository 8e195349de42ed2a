/**
 * Property-based fuzzing of the API surface with fast-check: whatever arrives — arbitrary JSON,
 * odd strings (NUL, lone surrogates, huge), wrong types, methods, paths and content types — the
 * answer is never a 500, and every `/api/*` error is the JSON envelope with an upper-case code.
 *
 * Runs are bounded (`FUZZ_RUNS`, default 150 per property) to keep the suite quick.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Harness, ORIGIN, startHarness } from "../../support/harness.ts";
import { assertEnvelope } from "./helpers.ts";

const RUNS = Number(Deno.env.get("FUZZ_RUNS") ?? 150);

/** Strings that tend to break things: control characters, surrogates, SQL, huge, prototype keys. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom(
      "\u0000",
      "\ud800",
      "\udfff",
      "\u202e",
      "\u2028",
      "a",
      "@",
      ".",
      " ",
      "\n",
    ),
    maxLength: 30,
  }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b@example.com",
    "nul\u0000name",
    "\ud800",
    "x".repeat(100_000),
    "é".repeat(300),
    "😀".repeat(120),
    "__proto__",
    "constructor",
    "' or 1=1 --",
    "%00",
    "</script><script>alert(1)</script>",
    "Europe/Paris\u0000",
    "../../etc/passwd",
    "UTC",
    "fr",
    "en",
  ),
);

const anyValue = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  fc.double(),
  fc.integer(),
  fc.constantFrom(null, true, false, [], {}, 1e308, -0, 20, 500, 85.5),
);

const email = fc.oneof(
  fc.emailAddress(),
  fc.emailAddress().map((e) => ` ${e.toUpperCase()} `),
  nastyString,
  anyValue,
);

/** An object with some of `keys` (any values), sometimes with extra keys. */
function objectWith(fields: Record<string, fc.Arbitrary<unknown>>) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    fc.jsonValue({ maxDepth: 3 }),
    fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.string(), anyValue))
      .map(([a, b]) => ({ ...b, ...a })),
  );
}

const statusOk = (res: Response, allowed: number[], label: string) =>
  assert.ok(allowed.includes(res.status), `${label} → ${res.status}`);

async function send(
  h: Harness,
  method: string,
  path: string,
  body: string | Uint8Array<ArrayBuffer> | undefined,
  headers: Record<string, string> = {},
): Promise<Response> {
  return await h.app.request(`${ORIGIN}${path}`, { method, headers, body });
}

async function json(h: Harness, method: string, path: string, value: unknown, cookie?: string) {
  const text = JSON.stringify(value) ?? "null";
  const headers: Record<string, string> = { "content-type": "application/json", origin: ORIGIN };
  if (cookie) headers.cookie = cookie;
  return { res: await send(h, method, path, text, headers), text };
}

/** Never a 500; errors are the envelope. */
async function assertSane(res: Response, label: string) {
  assert.ok(res.status < 500, `${label} → ${res.status}: ${await res.clone().text()}`);
  assert.ok(res.headers.get("x-request-id"), `${label}: X-Request-Id`);
  if (res.status >= 400) await assertEnvelope(res);
  else await res.body?.cancel();
}

Deno.test("fuzz: POST /api/v1/auth/signup with arbitrary JSON", async () => {
  const h = await startHarness();
  try {
    await fc.assert(
      fc.asyncProperty(
        objectWith({
          email,
          password: fc.oneof(nastyString, fc.constant("correct horse 42"), anyValue),
          name: fc.oneof(nastyString, anyValue),
          timezone: fc.oneof(
            nastyString,
            fc.constantFrom("America/Toronto", "Etc/GMT+5"),
            anyValue,
          ),
          locale: fc.oneof(fc.constantFrom("en", "fr"), nastyString, anyValue),
        }),
        async (body) => {
          const { res, text } = await json(h, "POST", "/api/v1/auth/signup", body);
          const label = `signup ${text.slice(0, 300)}`;
          statusOk(res, [201, 400, 409, 413], label);
          if (res.status === 201) {
            const { user } = await res.clone().json();
            assert.equal(typeof user.id, "string");
            assert.ok(!JSON.stringify(user).includes("argon2"));
          }
          await assertSane(res, label);
        },
      ),
      { numRuns: RUNS },
    );
  } finally {
    await h.close();
  }
});

Deno.test("fuzz: POST /api/v1/auth/login with arbitrary JSON", async () => {
  const h = await startHarness({ env: { TRUST_PROXY: "true" } });
  try {
    const alice = await h.signup();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        objectWith({
          email: fc.oneof(email, fc.constant(alice.email)),
          password: fc.oneof(nastyString, fc.constant(alice.password), anyValue),
        }),
        async (body) => {
          // A fresh client address per run keeps the per-address throttle out of the way.
          const text = JSON.stringify(body) ?? "null";
          const res = await send(h, "POST", "/api/v1/auth/login", text, {
            "content-type": "application/json",
            origin: ORIGIN,
            "x-forwarded-for": `10.9.${Math.floor(++n / 250)}.${n % 250}`,
          });
          const label = `login ${text.slice(0, 300)}`;
          statusOk(res, [200, 400, 401, 413, 429], label);
          await assertSane(res, label);
        },
      ),
      { numRuns: RUNS },
    );
  } finally {
    await h.close();
  }
});

Deno.test("fuzz: PATCH /api/v1/me with arbitrary JSON keeps the stored user valid", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const cookie = alice.cookieHeader;
    await fc.assert(
      fc.asyncProperty(
        objectWith({
          name: fc.oneof(nastyString, anyValue),
          timezone: fc.oneof(nastyString, fc.constantFrom("Asia/Kolkata", "UTC"), anyValue),
          locale: fc.oneof(fc.constantFrom("en", "fr"), nastyString, anyValue),
          hourly_rate: fc.oneof(
            fc.double({ min: 0, max: 1000 }),
            fc.integer({ min: 2000, max: 50000 }).map((c) => c / 100),
            anyValue,
          ),
        }),
        async (body) => {
          const { res, text } = await json(h, "PATCH", "/api/v1/me", body, cookie);
          const label = `PATCH /me ${text.slice(0, 300)}`;
          statusOk(res, [200, 400, 413], label);
          if (res.status === 200) {
            const me = await res.clone().json();
            assert.ok(me.hourly_rate === null || (me.hourly_rate >= 20 && me.hourly_rate <= 500));
            assert.ok(["en", "fr"].includes(me.locale));
            assert.ok(me.name.length <= 100);
          }
          await assertSane(res, label);
        },
      ),
      { numRuns: RUNS },
    );
  } finally {
    await h.close();
  }
});

Deno.test("fuzz: every hourly rate with two decimals in 20–500 round-trips; others are refused", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const cookie = alice.cookieHeader;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2000, max: 50000 }), async (cents) => {
        const rate = cents / 100;
        const { res } = await json(h, "PATCH", "/api/v1/me", { hourly_rate: rate }, cookie);
        assert.equal(res.status, 200, `${rate}: ${await res.clone().text()}`);
        assert.equal((await res.json()).hourly_rate, rate);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Finite only: JSON has no Infinity (it would arrive as null, which clears the rate).
          fc.double({ noNaN: true, noDefaultInfinity: true, min: -Number.MAX_VALUE, max: 19.999 }),
          fc.double({ noNaN: true, noDefaultInfinity: true, min: 500.001, max: Number.MAX_VALUE }),
          fc.integer({ min: 20000, max: 4999999 }).filter((m) => m % 10 !== 0).map((m) => m / 1000),
        ),
        async (rate) => {
          const { res } = await json(h, "PATCH", "/api/v1/me", { hourly_rate: rate }, cookie);
          const envelope = await assertEnvelope(res, 400, "INVALID_INPUT");
          assert.match(envelope.detail, /^hourly_rate: /);
        },
      ),
      { numRuns: RUNS },
    );
  } finally {
    await h.close();
  }
});

Deno.test("fuzz: POST /api/v1/tokens and DELETE /api/v1/tokens/{id} with arbitrary input", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const cookie = alice.cookieHeader;
    await fc.assert(
      fc.asyncProperty(objectWith({ name: fc.oneof(nastyString, anyValue) }), async (body) => {
        const { res, text } = await json(h, "POST", "/api/v1/tokens", body, cookie);
        const label = `POST /tokens ${text.slice(0, 300)}`;
        statusOk(res, [201, 400, 413], label);
        await assertSane(res, label);
      }),
      { numRuns: RUNS },
    );
    const idLike = fc.oneof(
      fc.uuid().map(String),
      fc.string({
        unit: fc.constantFrom(..."0123456789abcdefABCDEF-"),
        minLength: 30,
        maxLength: 40,
      }),
      fc.webSegment(),
      fc.string({ minLength: 1 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(idLike, async (id) => {
        const res = await send(h, "DELETE", `/api/v1/tokens/${id}`, undefined, {
          cookie,
          origin: ORIGIN,
        });
        const label = `DELETE /tokens/${id}`;
        statusOk(res, [204, 404], label);
        await assertSane(res, label);
      }),
      { numRuns: RUNS },
    );
  } finally {
    await h.close();
  }
});

const SEGMENTS = [
  "v1",
  "auth",
  "signup",
  "login",
  "logout",
  "me",
  "tokens",
  "analyses",
  "dashboard",
  "progress",
  "recommendations",
  "cache",
  "stats",
  "openapi.json",
  "docs",
  "seed",
  "..",
  ".",
  "%",
  "%00",
  "%zz",
  "%ff%fe",
  "%2e%2e",
  "%2F",
  "00000000-0000-0000-0000-000000000000",
  "-".repeat(36),
];

const ROUTES = [
  "v1/auth/signup",
  "v1/auth/login",
  "v1/auth/logout",
  "v1/me",
  "v1/tokens",
  "v1/tokens/{id}",
  "v1/analyses",
  "v1/cache/stats",
  "v1/dashboard/{id}",
  "v1/dashboard/{id}/progress",
  "v1/dashboard/{id}/recommendations",
  "v1/dashboard/{id}/badges",
  "v1/dashboard/{id}/metrics",
  "v1/dashboard/{id}/subscribe",
  "openapi.json",
  "docs",
];

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/problem+json",
  "text/plain",
  "text/plain;charset=UTF-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----x",
  "application/octet-stream",
  "application/xml",
  "",
  "application/json; charset=utf-16",
  "*/*",
];

Deno.test("fuzz: arbitrary methods, paths, content types, bodies and credentials under /api", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const { token } = await (await alice.post("/api/v1/tokens", { name: "fuzz" })).json();
    const request = fc.record({
      method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
      segments: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom(...SEGMENTS), fc.webSegment()), { maxLength: 5 }),
        // Real routes, with real or random ids, so bodies reach the handlers' validation.
        fc.tuple(
          fc.constantFrom(...ROUTES),
          fc.oneof(fc.uuid(), fc.webSegment(), fc.constantFrom(...SEGMENTS)),
        ).map(([route, id]) => route.replace("{id}", id).split("/")),
      ),
      query: fc.option(fc.webQueryParameters(), { nil: undefined }),
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
      body: fc.oneof(
        fc.constant(undefined),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        nastyString,
        fc.uint8Array({ maxLength: 64 }).map((bytes) => new Uint8Array(bytes)),
      ),
      auth: fc.constantFrom("none", "cookie", "bearer", "bad-bearer", "both"),
      origin: fc.constantFrom("same", "foreign", "none"),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = `/api/${r.segments.join("/")}${r.query ? `?${r.query}` : ""}`;
        const headers: Record<string, string> = {};
        if (r.contentType !== undefined) headers["content-type"] = r.contentType;
        if (r.auth === "cookie" || r.auth === "both") headers.cookie = alice.cookieHeader;
        if (r.auth === "bearer" || r.auth === "both") headers.authorization = `Bearer ${token}`;
        if (r.auth === "bad-bearer") headers.authorization = "Bearer hw_nope";
        if (r.origin === "same") headers.origin = ORIGIN;
        if (r.origin === "foreign") headers.origin = "https://evil.example";
        const hasBody = !["GET", "HEAD"].includes(r.method) && r.body !== undefined;
        const res = await send(h, r.method, path, hasBody ? r.body : undefined, headers);
        const label = `${r.method} ${path} [${r.contentType}] ${r.auth}/${r.origin}`;
        assert.ok(res.status < 500, `${label} → ${res.status}: ${await res.clone().text()}`);
        assert.ok(res.headers.get("x-request-id"));
        // Dot segments (`..`, `%2e%2e`) can resolve out of /api: those get the HTML pages.
        const api = /^\/api(\/|$)/.test(new URL(path, ORIGIN).pathname);
        if (res.status >= 400 && r.method !== "HEAD" && api) await assertEnvelope(res);
        else await res.body?.cancel();
      }),
      { numRuns: RUNS * 2 },
    );
    // Random requests cannot guess her token's id: it still works.
    const me = await send(h, "GET", "/api/v1/me", undefined, { authorization: `Bearer ${token}` });
    assert.equal(me.status, 200);
    await me.body?.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("fuzz: the HTML forms never answer 500 either", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const fields = fc.dictionary(
      fc.constantFrom(
        "email",
        "password",
        "name",
        "timezone",
        "locale",
        "hourly_rate",
        "current_password",
        "new_password",
      ),
      nastyString,
    );
    const target = fc.constantFrom(
      "/signup",
      "/login",
      "/settings",
      "/settings/password",
      "/settings/tokens",
    );
    await fc.assert(
      fc.asyncProperty(target, fields, fc.boolean(), async (path, values, signedIn) => {
        const headers: Record<string, string> = {
          "content-type": "application/x-www-form-urlencoded",
          origin: ORIGIN,
        };
        if (signedIn) headers.cookie = alice.cookieHeader;
        const body = new URLSearchParams(values).toString();
        const res = await send(h, "POST", path, body, headers);
        const label = `POST ${path} ${body.slice(0, 300)}`;
        assert.ok(res.status < 500, `${label} → ${res.status}`);
        await res.body?.cancel();
      }),
      { numRuns: RUNS },
    );
  } finally {
    await h.close();
  }
});
