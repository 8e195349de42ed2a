/**
 * The JSON auth API (`/api/v1/auth/*`) and `/api/v1/me`: cookies, validation messages, duplicate
 * emails, session rotation at login, logout and profile settings.
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import {
  assertEnvelope,
  cloneClient,
  cookieValue,
  freshEmail,
  patch,
  raw,
  setCookieLine,
} from "./helpers.ts";

const PASSWORD = "correct horse 42";
const USER_KEYS = [
  "created_at",
  "email",
  "hourly_rate",
  "id",
  "locale",
  "name",
  "role",
  "timezone",
];

Deno.test("signup: 201, user shape, HttpOnly SameSite=Lax cookie without Secure on localhost", async () => {
  const h = await startHarness();
  try {
    const email = freshEmail("Shape");
    const res = await h.client().post("/api/v1/auth/signup", {
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
      name: "  Ada Lovelace ",
      timezone: "America/Toronto",
      locale: "fr",
    });
    assert.equal(res.status, 201, await res.clone().text());
    const line = setCookieLine(res, "hw_session");
    assert.ok(line, `hw_session cookie set: ${res.headers.getSetCookie()}`);
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\//i);
    assert.doesNotMatch(line, /;\s*Secure/i);
    assert.doesNotMatch(line, /;\s*Domain=/i);
    assert.ok(cookieValue(line).length >= 40, "the session secret has ≥ 256 bits");
    assert.equal(res.headers.get("strict-transport-security"), null, "no HSTS on localhost");

    const { user } = await res.json();
    assert.deepEqual(Object.keys(user).sort(), USER_KEYS);
    assert.match(user.id, /^[0-9a-f-]{36}$/);
    assert.equal(user.email, email.toLowerCase(), "stored trimmed and lower-cased");
    assert.equal(user.name, "Ada Lovelace", "name trimmed");
    assert.equal(user.timezone, "America/Toronto");
    assert.equal(user.locale, "fr");
    assert.equal(user.hourly_rate, null);
    assert.equal(user.role, "member");
    assert.ok(Math.abs(Date.parse(user.created_at) - Date.now()) < 60_000);

    // Defaults when optional fields are omitted.
    const bare = await h.client().post("/api/v1/auth/signup", {
      email: freshEmail(),
      password: PASSWORD,
    });
    assert.equal(bare.status, 201);
    const defaults = (await bare.json()).user;
    assert.equal(defaults.name, "");
    assert.equal(defaults.timezone, "UTC");
    assert.equal(defaults.locale, "en");

    // The password is stored as an argon2id hash, never as given.
    const [row] = await h.db.sql`select password_hash from users where id = ${user.id}`;
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(!row.password_hash.includes(PASSWORD));
  } finally {
    await h.close();
  }
});

Deno.test("signup behind https APP_URL: __Host- cookie with Secure, HSTS, and the cookie works", async () => {
  const h = await startHarness({ env: { APP_URL: "https://headway.example" } });
  try {
    const origin = "https://headway.example";
    const res = await h.app.request(`${origin}/api/v1/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email: freshEmail(), password: PASSWORD }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const cookies = res.headers.getSetCookie();
    assert.equal(cookies.length, 1, String(cookies));
    const line = setCookieLine(res, "__Host-hw_session");
    assert.ok(line, `expected a cookie named exactly __Host-hw_session, got ${cookies}`);
    assert.match(line, /;\s*Secure/i);
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\/(;|$)/i);
    assert.doesNotMatch(line, /;\s*Domain=/i);
    assert.match(res.headers.get("strict-transport-security") ?? "", /max-age=\d{7,}/);

    // The browser sends the cookie back under the same name: it must sign us in.
    const me = await h.app.request(`${origin}/api/v1/me`, {
      headers: { cookie: `__Host-hw_session=${cookieValue(line)}` },
    });
    assert.equal(me.status, 200, await me.clone().text());

    // Logout clears that same cookie name.
    const out = await h.app.request(`${origin}/api/v1/auth/logout`, {
      method: "POST",
      headers: { origin, cookie: `__Host-hw_session=${cookieValue(line)}` },
    });
    assert.equal(out.status, 204);
    const cleared = setCookieLine(out, "__Host-hw_session");
    assert.ok(cleared, `logout clears __Host-hw_session, got ${out.headers.getSetCookie()}`);
    assert.match(cleared, /Max-Age=0/i);
  } finally {
    await h.close();
  }
});

Deno.test("signup: a duplicate email is 409 EMAIL_TAKEN whatever its case and whitespace", async () => {
  const h = await startHarness();
  try {
    const email = freshEmail("dup");
    const first = await h.client().post("/api/v1/auth/signup", { email, password: PASSWORD });
    assert.equal(first.status, 201);
    for (
      const variant of [email, email.toUpperCase(), `  ${email}\t`, ` ${email.toUpperCase()} `]
    ) {
      const res = await h.client().post("/api/v1/auth/signup", {
        email: variant,
        password: "another pass 99",
      });
      const body = await assertEnvelope(res, 409, "EMAIL_TAKEN");
      assert.ok(!body.detail.includes(email), "the detail does not echo the email");
      assert.equal(setCookieLine(res, "hw_session"), undefined, "no session for a failed signup");
    }
    const [{ count }] = await h.db.sql`select count(*) from users where lower(email) = ${email}`;
    assert.equal(count, 1);
  } finally {
    await h.close();
  }
});

Deno.test("signup: a weak password is 400 INVALID_INPUT and the detail states the rule", async () => {
  const h = await startHarness();
  try {
    const weak = [
      "short1!", // too short
      "onlyletterslong", // no digit or symbol
      "1234567890123", // no letter
      "",
      "a1".repeat(101), // 202 characters: too long
    ];
    for (const password of weak) {
      const res = await h.client().post("/api/v1/auth/signup", { email: freshEmail(), password });
      const body = await assertEnvelope(res, 400, "INVALID_INPUT");
      assert.match(body.detail, /password/, body.detail);
      assert.match(body.detail, /at least 10 characters/, body.detail);
      assert.match(body.detail, /letter/, body.detail);
      assert.match(body.detail, /digit or symbol/, body.detail);
    }
    // Non-string password: still a 400 naming the field.
    const body = await assertEnvelope(
      await h.client().post("/api/v1/auth/signup", { email: freshEmail(), password: 12345678901 }),
      400,
      "INVALID_INPUT",
    );
    assert.match(body.detail, /password/);
    // Exactly 10 characters with a letter and a symbol is enough.
    const ok = await h.client().post("/api/v1/auth/signup", {
      email: freshEmail(),
      password: "abcdefghi!",
    });
    assert.equal(ok.status, 201);
  } finally {
    await h.close();
  }
});

Deno.test("signup: bad email, time zone or locale is 400 naming the field", async () => {
  const h = await startHarness();
  try {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ email: "not-an-email" }, /^email: /],
      [{ email: "a@b" }, /^email: /],
      [{ email: `${"x".repeat(250)}@example.com` }, /^email: /],
      [{ email: undefined }, /^email: /],
      [{ timezone: "Mars/Olympus_Mons" }, /^timezone: .*IANA/],
      [{ timezone: "" }, /^timezone: /],
      [{ timezone: 5 }, /^timezone: /],
      [{ locale: "de" }, /^locale: .*en or fr/],
      [{ locale: "EN" }, /^locale: /],
      [{ name: "x".repeat(101) }, /^name: .*100/],
      [{ name: "nul\u0000byte" }, /^name: .*NUL/],
      [{ email: "a\u0000b@example.com" }, /^email: /],
    ];
    const tried: string[] = [];
    for (const [override, pattern] of cases) {
      const input = { email: freshEmail(), password: PASSWORD, ...override };
      if (typeof input.email === "string" && !input.email.includes("\u0000")) {
        tried.push(input.email.toLowerCase());
      }
      const res = await h.client().post("/api/v1/auth/signup", input);
      const body = await assertEnvelope(res, 400, "INVALID_INPUT");
      assert.match(body.detail, pattern, `${JSON.stringify(override)} → ${body.detail}`);
    }
    // Several problems at once: each field is named.
    const many = await assertEnvelope(
      await h.client().post("/api/v1/auth/signup", { email: "x", password: "x", locale: "zz" }),
      400,
      "INVALID_INPUT",
    );
    assert.match(many.detail, /email: /);
    assert.match(many.detail, /password: /);
    assert.match(many.detail, /locale: /);
    // A body that is not an object.
    for (const body of [[], "text", 42, null]) {
      await assertEnvelope(
        await h.client().post("/api/v1/auth/signup", body),
        400,
        "INVALID_INPUT",
      );
    }
    const [{ count }] = await h.db.sql`select count(*) from users where email = any(${tried})`;
    assert.equal(count, 0, "no account was created by an invalid signup");
  } finally {
    await h.close();
  }
});

Deno.test("login: 200 with a new session id; the session used before login stops working", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });
    const before = alice.cookies.get("hw_session")!;
    const oldTab = cloneClient(h, alice);
    assert.equal((await oldTab.get("/api/v1/me")).status, 200);

    // Logging in again from the signed-in browser rotates the session.
    const res = await alice.post("/api/v1/auth/login", {
      email: ` ${alice.email.toUpperCase()} `,
      password: alice.password,
    });
    assert.equal(res.status, 200, await res.clone().text());
    const line = setCookieLine(res, "hw_session");
    assert.ok(line);
    assert.match(line, /HttpOnly/i);
    const after = cookieValue(line);
    assert.notEqual(after, before, "a new session id is issued at login");
    const { user } = await res.json();
    assert.deepEqual(Object.keys(user).sort(), USER_KEYS);
    assert.equal(user.id, alice.userId);
    assert.equal(user.name, "Alice");

    assert.equal((await alice.get("/api/v1/me")).status, 200, "the new session works");
    await assertEnvelope(await oldTab.get("/api/v1/me"), 401, "UNAUTHENTICATED");

    // Sessions are stored hashed: the cookie value is in no row.
    const rows = await h.db.sql`select * from sessions where user_id = ${alice.userId}`;
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(after));

    // A login from another device leaves this one alone.
    const phone = h.client();
    assert.equal(
      (await phone.post("/api/v1/auth/login", { email: alice.email, password: alice.password }))
        .status,
      200,
    );
    assert.equal((await alice.get("/api/v1/me")).status, 200);
    assert.equal((await phone.get("/api/v1/me")).status, 200);
  } finally {
    await h.close();
  }
});

Deno.test("login: wrong password and unknown email are the same 401 UNAUTHENTICATED", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const wrong = await h.client().post("/api/v1/auth/login", {
      email: alice.email,
      password: "wrong password 1",
    });
    const a = await assertEnvelope(wrong, 401, "UNAUTHENTICATED");
    assert.equal(setCookieLine(wrong, "hw_session"), undefined);
    const unknown = await h.client().post("/api/v1/auth/login", {
      email: freshEmail("nobody"),
      password: "wrong password 1",
    });
    const b = await assertEnvelope(unknown, 401, "UNAUTHENTICATED");
    assert.equal(a.detail, b.detail, "the response does not reveal whether the email exists");
    // An email no account can have (Postgres cannot even store U+0000) is just a failed login.
    await assertEnvelope(
      await h.client().post("/api/v1/auth/login", { email: "\u0000", password: "whatever 1" }),
      401,
      "UNAUTHENTICATED",
    );
    const form = await h.client().form("/login", { email: "a\u0000@x.example", password: "pw" });
    assert.equal(form.status, 401);
    await form.body?.cancel();
    // Missing fields are input errors, not credential failures.
    await assertEnvelope(
      await h.client().post("/api/v1/auth/login", { email: alice.email }),
      400,
      "INVALID_INPUT",
    );
  } finally {
    await h.close();
  }
});

Deno.test("logout: 204, the cookie is cleared and the old session id no longer works", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const stolen = cloneClient(h, alice);
    const res = await alice.post("/api/v1/auth/logout");
    assert.equal(res.status, 204);
    assert.equal(await res.text(), "");
    const cleared = setCookieLine(res, "hw_session");
    assert.ok(cleared);
    assert.match(cleared, /Max-Age=0/i);
    assert.equal(alice.cookies.size, 0);
    await assertEnvelope(await alice.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    // Replaying the old cookie value: the server-side session is gone.
    await assertEnvelope(await stolen.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    const [{ count }] = await h.db
      .sql`select count(*) from sessions where user_id = ${alice.userId}`;
    assert.equal(count, 0);
    // Logging out when not signed in is harmless.
    assert.equal((await h.client().post("/api/v1/auth/logout")).status, 204);
  } finally {
    await h.close();
  }
});

Deno.test("GET /api/v1/me without auth or with a garbage cookie is a 401 envelope", async () => {
  const h = await startHarness();
  try {
    await assertEnvelope(await raw(h, "/api/v1/me"), 401, "UNAUTHENTICATED");
    for (
      const cookie of [
        "hw_session=",
        "hw_session=short",
        `hw_session=${"a".repeat(43)}`,
        "hw_session=../../etc/passwd",
        `hw_session=${"x".repeat(5000)}`,
      ]
    ) {
      await assertEnvelope(
        await raw(h, "/api/v1/me", { headers: { cookie } }),
        401,
        "UNAUTHENTICATED",
      );
    }
  } finally {
    await h.close();
  }
});

Deno.test("PATCH /api/v1/me: validated settings, hourly rate 20–500, null clears", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });

    let res = await patch(alice, "/api/v1/me", {
      name: " Alice B. ",
      timezone: "Europe/Paris",
      locale: "fr",
      hourly_rate: 85.5,
    });
    assert.equal(res.status, 200, await res.clone().text());
    let me = await res.json();
    assert.deepEqual(Object.keys(me).sort(), USER_KEYS);
    assert.equal(me.name, "Alice B.");
    assert.equal(me.timezone, "Europe/Paris");
    assert.equal(me.locale, "fr");
    assert.equal(me.hourly_rate, 85.5);
    assert.equal(me.email, alice.email);

    // Omitted fields are left alone.
    res = await patch(alice, "/api/v1/me", {});
    assert.equal(res.status, 200);
    me = await res.json();
    assert.equal(me.hourly_rate, 85.5);
    assert.equal(me.name, "Alice B.");

    // Bounds are inclusive, two decimals at most.
    for (const rate of [20, 500, 0.2e2, 20.01, 499.99, 85.55, 123.45]) {
      res = await patch(alice, "/api/v1/me", { hourly_rate: rate });
      assert.equal(res.status, 200, `${rate}: ${await res.clone().text()}`);
      assert.equal((await res.json()).hourly_rate, rate);
    }
    for (const rate of [19.99, 500.01, 0, -50, 1e9, 85.555, "85", true, [], {}]) {
      res = await patch(alice, "/api/v1/me", { hourly_rate: rate });
      const body = await assertEnvelope(res, 400, "INVALID_INPUT");
      assert.match(body.detail, /^hourly_rate: /, `${JSON.stringify(rate)} → ${body.detail}`);
    }
    assert.equal((await (await alice.get("/api/v1/me")).json()).hourly_rate, 123.45);

    // null clears the rate.
    res = await patch(alice, "/api/v1/me", { hourly_rate: null });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).hourly_rate, null);
    assert.equal((await (await alice.get("/api/v1/me")).json()).hourly_rate, null);

    // Time zone and locale are validated and the detail names the field.
    for (
      const [input, pattern] of [
        [{ timezone: "Not/AZone" }, /^timezone: /],
        [{ timezone: "" }, /^timezone: /],
        [{ timezone: null }, /^timezone: /],
        [{ locale: "es" }, /^locale: /],
        [{ name: "n".repeat(101) }, /^name: /],
        [{ name: "\u0000" }, /^name: .*NUL/],
      ] as const
    ) {
      const body = await assertEnvelope(await patch(alice, "/api/v1/me", input), 400);
      assert.match(body.detail, pattern, body.detail);
    }
    me = await (await alice.get("/api/v1/me")).json();
    assert.equal(me.timezone, "Europe/Paris", "a rejected change leaves the setting as it was");
    assert.equal(me.locale, "fr");

    // Not signed in: 401, and nobody's settings change.
    await assertEnvelope(
      await h.client().request("/api/v1/me", { method: "PATCH", json: { name: "x" } }),
      401,
      "UNAUTHENTICATED",
    );
  } finally {
    await h.close();
  }
});
