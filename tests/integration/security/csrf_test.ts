/**
 * CSRF protection: unsafe browser requests (forms and JSON alike) must be same-origin; bearer
 * requests and cookieless script clients are exempt.
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import { assertEnvelope, freshEmail, raw } from "../api/helpers.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const JSON_TYPE = { "content-type": "application/json" };

Deno.test("csrf: a cross-origin form POST is 403 and has no effect", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });
    const foreign = ["https://evil.example", "http://localhost:8080", "https://localhost", "null"];
    for (const origin of foreign) {
      const res = await alice.form("/settings", { name: "Pwned", timezone: "UTC", locale: "en" }, {
        headers: { origin },
      });
      assert.equal(res.status, 403, origin);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/, "a friendly page");
      await res.body?.cancel();
    }
    assert.equal((await (await alice.get("/api/v1/me")).json()).name, "Alice");

    // Logout and token creation are state changes too.
    const logout = await alice.form("/logout", {}, { headers: { origin: "https://evil.example" } });
    assert.equal(logout.status, 403);
    await logout.body?.cancel();
    assert.equal((await alice.get("/api/v1/me")).status, 200, "still signed in");
    const token = await alice.form("/settings/tokens", { name: "evil" }, {
      headers: { origin: "https://evil.example" },
    });
    assert.equal(token.status, 403);
    await token.body?.cancel();
    const { tokens } = await (await alice.get("/api/v1/tokens")).json();
    assert.equal(tokens.length, 0);

    // Login CSRF (signing the victim into the attacker's account) is refused as well.
    const mallory = await h.signup();
    const login = await raw(h, "/login", {
      method: "POST",
      headers: { ...FORM, origin: "https://evil.example" },
      body: new URLSearchParams({ email: mallory.email, password: mallory.password }).toString(),
    });
    assert.equal(login.status, 403);
    assert.equal(login.headers.getSetCookie().length, 0);
    await login.body?.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("csrf: a form POST with neither Origin nor Sec-Fetch-Site is 403", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });
    const body = new URLSearchParams({ name: "Pwned", timezone: "UTC", locale: "en" }).toString();
    for (
      const type of [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
      ]
    ) {
      const res = await raw(h, "/settings", {
        method: "POST",
        headers: { "content-type": type, cookie: alice.cookieHeader },
        body,
      });
      assert.equal(res.status, 403, type);
      await res.body?.cancel();
    }
    // Even without a session cookie (e.g. a login form posted from elsewhere).
    const res = await raw(h, "/signup", {
      method: "POST",
      headers: FORM,
      body: new URLSearchParams({ email: freshEmail(), password: "correct horse 42" }).toString(),
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.getSetCookie().length, 0);
    await res.body?.cancel();
    assert.equal((await (await alice.get("/api/v1/me")).json()).name, "Alice");
  } finally {
    await h.close();
  }
});

Deno.test("csrf: Sec-Fetch-Site decides when Origin is absent", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });
    const post = (site: string, name: string) =>
      raw(h, "/settings", {
        method: "POST",
        headers: { ...FORM, cookie: alice.cookieHeader, "sec-fetch-site": site },
        body: new URLSearchParams({ name, timezone: "UTC", locale: "en" }).toString(),
      });
    for (const site of ["cross-site", "same-site"]) {
      const res = await post(site, "Pwned");
      assert.equal(res.status, 403, site);
      await res.body?.cancel();
    }
    const ok = await post("same-origin", "Alice Same");
    assert.equal(ok.status, 303);
    assert.equal((await (await alice.get("/api/v1/me")).json()).name, "Alice Same");
    // A foreign Origin wins over a (spoofed) same-origin Sec-Fetch-Site.
    const mixed = await raw(h, "/settings", {
      method: "POST",
      headers: {
        ...FORM,
        cookie: alice.cookieHeader,
        origin: "https://evil.example",
        "sec-fetch-site": "same-origin",
      },
      body: new URLSearchParams({ name: "Pwned", timezone: "UTC", locale: "en" }).toString(),
    });
    assert.equal(mixed.status, 403);
    await mixed.body?.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("csrf: JSON with a session cookie and a foreign or missing Origin is 403 FORBIDDEN", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });
    const attempts: [string, string, unknown][] = [
      ["POST", "/api/v1/tokens", { name: "evil" }],
      ["PATCH", "/api/v1/me", { name: "Pwned" }],
      ["POST", "/api/v1/auth/logout", undefined],
      ["DELETE", `/api/v1/tokens/${crypto.randomUUID()}`, undefined],
    ];
    for (const [method, path, json] of attempts) {
      for (const origin of ["https://evil.example", "null", undefined]) {
        const headers: Record<string, string> = { ...JSON_TYPE, cookie: alice.cookieHeader };
        if (origin) headers.origin = origin;
        const res = await raw(h, path, {
          method,
          headers,
          body: json === undefined ? undefined : JSON.stringify(json),
        });
        const body = await assertEnvelope(res, 403, "FORBIDDEN");
        assert.match(body.detail, /Cross-site/);
      }
    }
    const me = await (await alice.get("/api/v1/me")).json();
    assert.equal(me.name, "Alice", "nothing changed");
    const { tokens } = await (await alice.get("/api/v1/tokens")).json();
    assert.equal(tokens.length, 0);
    assert.equal((await alice.get("/api/v1/me")).status, 200, "not logged out");
  } finally {
    await h.close();
  }
});

Deno.test("csrf: same-origin requests pass; APP_URL sets the one accepted origin", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const res = await raw(h, "/api/v1/me", {
      method: "PATCH",
      headers: { ...JSON_TYPE, cookie: alice.cookieHeader, origin: "http://localhost" },
      body: JSON.stringify({ name: "Same origin" }),
    });
    assert.equal(res.status, 200);
  } finally {
    await h.close();
  }

  const app = await startHarness({ env: { APP_URL: "https://headway.example" } });
  try {
    const signup = (origin: string) =>
      app.app.request("https://headway.example/api/v1/auth/signup", {
        method: "POST",
        headers: { ...JSON_TYPE, origin },
        body: JSON.stringify({ email: freshEmail(), password: "correct horse 42" }),
      });
    assert.equal((await signup("https://headway.example")).status, 201);
    for (const origin of ["http://headway.example", "https://evil.example", "http://localhost"]) {
      await assertEnvelope(await signup(origin), 403, "FORBIDDEN");
    }
  } finally {
    await app.close();
  }
});

Deno.test("csrf: bearer requests are exempt, even with a foreign Origin", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const { token } = await (await alice.post("/api/v1/tokens", { name: "cli" })).json();
    const res = await raw(h, "/api/v1/tokens", {
      method: "POST",
      headers: { ...JSON_TYPE, authorization: `Bearer ${token}`, origin: "https://evil.example" },
      body: JSON.stringify({ name: "from a script" }),
    });
    assert.equal(res.status, 201);
    // A forged bearer is not a way around CSRF: it fails authentication instead.
    const forged = await raw(h, "/api/v1/me", {
      method: "PATCH",
      headers: {
        ...JSON_TYPE,
        authorization: "Bearer hw_forged",
        origin: "https://evil.example",
        cookie: alice.cookieHeader,
      },
      body: JSON.stringify({ name: "Pwned" }),
    });
    await assertEnvelope(forged, 401, "UNAUTHENTICATED");
    assert.notEqual((await (await alice.get("/api/v1/me")).json()).name, "Pwned");
  } finally {
    await h.close();
  }
});

Deno.test("csrf: a cookieless JSON client without Origin (curl, a server) may sign up and log in", async () => {
  const h = await startHarness();
  try {
    const email = freshEmail();
    const signup = await raw(h, "/api/v1/auth/signup", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ email, password: "correct horse 42" }),
    });
    assert.equal(signup.status, 201, await signup.clone().text());
    const login = await raw(h, "/api/v1/auth/login", {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ email, password: "correct horse 42" }),
    });
    assert.equal(login.status, 200);
    // The same client with a foreign Origin (a browser page elsewhere) is refused.
    await assertEnvelope(
      await raw(h, "/api/v1/auth/login", {
        method: "POST",
        headers: { ...JSON_TYPE, origin: "https://evil.example" },
        body: JSON.stringify({ email, password: "correct horse 42" }),
      }),
      403,
      "FORBIDDEN",
    );
    // A cross-site "simple" request smuggling JSON as text/plain never reaches a handler.
    const smuggled = await raw(h, "/api/v1/auth/signup", {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://evil.example" },
      body: JSON.stringify({ email: freshEmail(), password: "correct horse 42" }),
    });
    assert.ok([403, 415].includes(smuggled.status), String(smuggled.status));
    await assertEnvelope(smuggled);
  } finally {
    await h.close();
  }
});

Deno.test("csrf: safe methods are never blocked", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const res = await alice.request("/api/v1/me", {
        method,
        headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      });
      assert.notEqual(res.status, 403, method);
      await res.body?.cancel();
    }
  } finally {
    await h.close();
  }
});

Deno.test("csrf: a method outside the checked ones reaches no handler that changes anything", async () => {
  // The check is registered for POST, PUT, PATCH and DELETE only; any other method must find no
  // route at all (404), never a state-changing one.
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });
    for (const method of ["PROPFIND", "TRACE", "CONNECT", "FOO"]) {
      for (const path of ["/settings", "/logout", "/api/v1/tokens", "/api/v1/auth/logout"]) {
        const res = await alice.request(path, {
          method,
          headers: { ...FORM, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
          body: new URLSearchParams({ name: "Pwned", timezone: "UTC", locale: "en" }).toString(),
        }).catch((error: TypeError) => error);
        // fetch refuses some methods outright (CONNECT, TRACE): nothing was sent then.
        if (res instanceof TypeError) continue;
        assert.equal(res.status, 404, `${method} ${path}`);
        await res.body?.cancel();
      }
    }
    const me = await (await alice.get("/api/v1/me")).json();
    assert.equal(me.name, "Alice", "still signed in, nothing renamed");
  } finally {
    await h.close();
  }
});
