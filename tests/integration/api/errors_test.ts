/**
 * The `/api/*` error envelope for every kind of failure the plumbing produces (malformed JSON,
 * wrong content type, oversized bodies, unknown routes, unexpected exceptions, database outage)
 * and the `X-Request-Id` contract.
 */
import assert from "node:assert/strict";
import type { PasswordHasher } from "../../../lib/auth/password_hash.ts";
import { connectDatabase } from "../../../lib/db/client.ts";
import { startHarness } from "../../support/harness.ts";
import { assertEnvelope, freshEmail, raw } from "./helpers.ts";

const JSON_HEADERS = { "content-type": "application/json" };

Deno.test("errors: malformed JSON is 400 INVALID_INPUT", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const bodies = ['{"email":', "{'email': 'a'}", "not json", "[1,2", '{"a":1}}', "\u0000", ""];
    for (const body of bodies) {
      for (const path of ["/api/v1/auth/signup", "/api/v1/auth/login", "/api/v1/tokens"]) {
        const res = await alice.request(path, { method: "POST", headers: JSON_HEADERS, body });
        await assertEnvelope(res, 400, "INVALID_INPUT");
      }
      const res = await alice.request("/api/v1/me", {
        method: "PATCH",
        headers: JSON_HEADERS,
        body,
      });
      await assertEnvelope(res, 400, "INVALID_INPUT");
    }
    // A JSON media type with parameters or a +json suffix is JSON too.
    for (const type of ["application/json; charset=utf-8", "application/merge-patch+json"]) {
      const res = await alice.request("/api/v1/me", {
        method: "PATCH",
        headers: { "content-type": type },
        body: JSON.stringify({ name: "Typed" }),
      });
      assert.equal(res.status, 200, `${type}: ${await res.clone().text()}`);
    }
  } finally {
    await h.close();
  }
});

Deno.test("errors: a non-JSON body is 415 UNSUPPORTED_MEDIA_TYPE", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const payload = JSON.stringify({ email: freshEmail(), password: "correct horse 42" });
    const types = [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/jsonp",
      "text/json",
      "application/json-seq",
    ];
    for (const type of types) {
      // As a server sees it (with Content-Length), the app's own check answers and says why.
      const res = await alice.request("/api/v1/auth/signup", {
        method: "POST",
        headers: { "content-type": type, "content-length": String(payload.length) },
        body: payload,
      });
      const body = await assertEnvelope(res, 415, "UNSUPPORTED_MEDIA_TYPE");
      assert.match(body.detail, /application\/json/);
      // `app.request()` sends no Content-Length: the route's validator still refuses it.
      const bare = await alice.request("/api/v1/auth/signup", {
        method: "POST",
        headers: { "content-type": type },
        body: payload,
      });
      await assertEnvelope(bare, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    // No Content-Type at all (a byte body).
    const res = await alice.request("/api/v1/tokens", {
      method: "POST",
      body: new TextEncoder().encode('{"name":"x"}'),
    });
    await assertEnvelope(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    const [{ count }] = await h.db
      .sql`select count(*) from api_tokens where user_id = ${alice.userId}`;
    assert.equal(count, 0);
  } finally {
    await h.close();
  }
});

Deno.test("errors: a body over BODY_LIMIT_BYTES is 413 PAYLOAD_TOO_LARGE, at the limit is fine", async () => {
  const h = await startHarness({ env: { BODY_LIMIT_BYTES: "2048" } });
  try {
    const alice = await h.signup();
    const sized = (bytes: number) => {
      const prefix = '{"name":"';
      const suffix = '"}';
      return prefix + "x".repeat(bytes - prefix.length - suffix.length) + suffix;
    };
    const over = await alice.request("/api/v1/me", {
      method: "PATCH",
      headers: JSON_HEADERS,
      body: sized(2049),
    });
    const envelope = await assertEnvelope(over, 413, "PAYLOAD_TOO_LARGE");
    assert.match(envelope.detail, /2048/);

    // Exactly at the limit the body is read (and then validated: 2 KB is too long for a name).
    const at = await alice.request("/api/v1/me", {
      method: "PATCH",
      headers: JSON_HEADERS,
      body: sized(2048),
    });
    const atBody = await assertEnvelope(at, 400, "INVALID_INPUT");
    assert.match(atBody.detail, /^name: /);

    // Far over the limit, and with a lying Content-Length.
    await assertEnvelope(
      await raw(h, "/api/v1/auth/signup", {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ email: freshEmail(), password: "p4ssword!".repeat(100_000) }),
      }),
      413,
      "PAYLOAD_TOO_LARGE",
    );

    // A streamed body without Content-Length is counted as it arrives.
    const chunk = new TextEncoder().encode("x".repeat(1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":"'));
        for (let i = 0; i < 4; i++) controller.enqueue(chunk);
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
      },
    });
    const streamed = await alice.request("/api/v1/me", {
      method: "PATCH",
      headers: { ...JSON_HEADERS, "transfer-encoding": "chunked" },
      body: stream,
      // @ts-ignore: `duplex` is required by fetch for streamed request bodies.
      duplex: "half",
    });
    await assertEnvelope(streamed, 413, "PAYLOAD_TOO_LARGE");
    const me = await (await alice.get("/api/v1/me")).json();
    assert.equal(me.name, "", "no oversized update was applied");
  } finally {
    await h.close();
  }
});

Deno.test("errors: unknown /api routes and methods are a 404 NOT_FOUND envelope", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const cases: [string, string][] = [
      ["GET", "/api"],
      ["GET", "/api/"],
      ["GET", "/api/v1"],
      ["GET", "/api/v1/nope"],
      ["GET", "/api/v2/me"],
      ["GET", "/api/v1/me/extra"],
      ["PUT", "/api/v1/me"],
      ["DELETE", "/api/v1/me"],
      ["POST", "/api/v1/me"],
      ["GET", "/api/v1/tokens/x/y"],
      ["GET", "/api/%3Cscript%3E"],
    ];
    for (const [method, path] of cases) {
      const res = await alice.request(path, { method });
      const body = await assertEnvelope(res, undefined);
      assert.ok([404, 405].includes(res.status), `${method} ${path} → ${res.status}`);
      assert.ok(["NOT_FOUND", "METHOD_NOT_ALLOWED"].includes(body.error));
    }
    // Anonymous callers get the same 404 (not a 401) for paths that do not exist.
    await assertEnvelope(await raw(h, "/api/v1/does-not-exist"), 404, "NOT_FOUND");
  } finally {
    await h.close();
  }
});

Deno.test("errors: an unexpected exception is 500 INTERNAL_SERVER_ERROR with nothing internal leaked", async () => {
  const logLines: string[] = [];
  const h = await startHarness({ logLines });
  try {
    const secret = "hunter2-internal-detail";
    // A dependency failing in a way no handler expects (a test double: the hasher throws).
    const broken: PasswordHasher = {
      hash: () => Promise.reject(new Error(`argon2 exploded at /srv/app/lib/${secret}.ts`)),
      verify: () => Promise.reject(new TypeError(`verify ${secret}`)),
    };
    const original = h.deps.passwords;
    h.deps.passwords = broken;
    try {
      const res = await h.client().post("/api/v1/auth/signup", {
        email: freshEmail(),
        password: "correct horse 42",
      });
      const text = await res.clone().text();
      const body = await assertEnvelope(res, 500, "INTERNAL_SERVER_ERROR");
      assert.match(body.detail, /request id/i);
      for (const leak of [secret, "/srv", "argon2", "Error", "at ", ".ts"]) {
        assert.ok(!text.includes(leak), `the response leaks ${leak}: ${text}`);
      }

      // The HTML form gets the friendly 500 page with the request id, and no internals.
      const page = await h.client().form("/signup", {
        email: freshEmail(),
        password: "correct horse 42",
      });
      assert.equal(page.status, 500);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      const html = await page.text();
      assert.ok(html.includes(page.headers.get("x-request-id")!), "the page shows the request id");
      assert.match(html, /Something went wrong/);
      assert.ok(!html.includes(secret) && !html.includes("/srv/app"));

      // The failure is logged once, at error level, with its request id.
      const errors = logLines.map((line) => JSON.parse(line))
        .filter((entry) => entry.msg === "unhandled error");
      assert.equal(errors.length, 2);
      assert.equal(errors[0].level, "error");
      assert.equal(errors[0].request_id, body.request_id);
    } finally {
      h.deps.passwords = original;
    }
  } finally {
    await h.close();
  }
});

Deno.test("errors: an unreachable database is 503 DATABASE_UNAVAILABLE with Retry-After", async () => {
  const h = await startHarness();
  // Nothing listens on port 9 (discard): connections are refused at once.
  const dead = connectDatabase("postgres://postgres@127.0.0.1:9/none", {
    poolMax: 1,
    statementTimeoutMs: 1_000,
    connectTimeoutS: 1,
  });
  const original = h.deps.db;
  try {
    const alice = await h.signup();
    h.deps.db = dead;
    const res = await alice.get("/api/v1/me");
    await assertEnvelope(res, 503, "DATABASE_UNAVAILABLE");
    assert.match(res.headers.get("retry-after") ?? "", /^\d+$/);
    const page = await alice.get("/dashboard");
    assert.equal(page.status, 503);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.ok((await page.text()).includes(page.headers.get("x-request-id")!));
    h.deps.db = original;
    assert.equal((await alice.get("/api/v1/me")).status, 200, "recovers when the database is back");
  } finally {
    h.deps.db = original;
    await dead.close();
    await h.close();
  }
});

Deno.test("plumbing: off localhost the documented session cookie is the __Host- one actually set", async () => {
  const h = await startHarness({ env: { APP_URL: "https://headway.example" } });
  try {
    const doc = await (await raw(h, "/api/openapi.json")).json();
    const res = await h.app.request("https://headway.example/api/v1/auth/signup", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://headway.example" },
      body: JSON.stringify({
        email: `c-${crypto.randomUUID()}@example.com`,
        password: "correct horse 42",
      }),
    });
    assert.equal(res.status, 201);
    const setName = res.headers.getSetCookie()[0].split("=")[0];
    assert.equal(setName, "__Host-hw_session");
    assert.equal(doc.components.securitySchemes.cookieAuth.name, setName);
  } finally {
    await h.close();
  }
});

Deno.test("request ids: every response has one; the envelope's equals the header", async () => {
  const h = await startHarness();
  try {
    const ids = new Set<string>();
    for (const path of ["/api/v1/me", "/api/v1/nope", "/healthz", "/", "/nope", "/login"]) {
      const res = await raw(h, path);
      await res.body?.cancel();
      const id = res.headers.get("x-request-id");
      assert.ok(id, `${path} has X-Request-Id`);
      assert.match(id, /^[0-9a-f-]{36}$/, "a generated id is a UUID");
      ids.add(id);
    }
    assert.equal(ids.size, 6, "ids are unique per request");
  } finally {
    await h.close();
  }
});

Deno.test("request ids: a sane inbound X-Request-Id is echoed, an insane one is replaced", async () => {
  const h = await startHarness();
  try {
    for (
      const sane of ["abcd1234", "req-2026.11.23:prod_7", "A".repeat(128), crypto.randomUUID()]
    ) {
      const res = await raw(h, "/api/v1/me", { headers: { "x-request-id": sane } });
      assert.equal(res.headers.get("x-request-id"), sane);
      const body = await assertEnvelope(res, 401);
      assert.equal(body.request_id, sane);
    }
    const insane = [
      "A".repeat(129), // too long
      "short", // too short
      "has spaces in it",
      "<script>alert(1)</script>",
      "id;drop table users",
      "ünïcödé-ïd-1234",
      "line\tbreak-00000",
    ];
    for (const bad of insane) {
      const res = await raw(h, "/api/v1/me", { headers: { "x-request-id": bad } });
      const id = res.headers.get("x-request-id")!;
      assert.notEqual(id, bad);
      assert.match(id, /^[0-9a-f-]{36}$/);
      const body = await assertEnvelope(res, 401);
      assert.equal(body.request_id, id);
      assert.ok(!JSON.stringify(body).includes(bad));
    }
    // Pages echo it too (and show it on error pages, escaped).
    const page = await raw(h, "/no-such-page", { headers: { "x-request-id": "trace-12345678" } });
    assert.equal(page.status, 404);
    assert.equal(page.headers.get("x-request-id"), "trace-12345678");
    assert.ok((await page.text()).includes("trace-12345678"));
  } finally {
    await h.close();
  }
});

Deno.test("plumbing: OpenAPI 3.1 document, health checks, request id on static files", async () => {
  const h = await startHarness();
  try {
    const res = await raw(h, "/api/openapi.json");
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.match(doc.openapi, /^3\.1\./);
    for (
      const path of [
        "/auth/signup",
        "/auth/login",
        "/auth/logout",
        "/me",
        "/tokens",
        "/tokens/{id}",
      ]
    ) {
      assert.ok(doc.paths[path], `documents ${path}`);
    }
    assert.deepEqual(doc.servers, [{ url: "/api/v1" }]);
    assert.ok(doc.components.securitySchemes.bearerAuth);
    assert.equal(doc.components.securitySchemes.cookieAuth.name, "hw_session", "on localhost");
    const signup = doc.paths["/auth/signup"].post;
    const schema = signup.requestBody.content["application/json"].schema;
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
    assert.deepEqual([...resolved.required].sort(), ["email", "password"]);
    // Every documented error response is the envelope.
    type Operation = {
      responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
    };
    const paths = doc.paths as Record<string, Record<string, Operation>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const ref = response.content?.["application/json"]?.schema?.$ref;
          assert.equal(ref, "#/components/schemas/Error", `${method} ${path} ${status}`);
        }
      }
    }

    const health = await raw(h, "/healthz");
    assert.deepEqual(await health.json(), { status: "ok" });
    const ready = await raw(h, "/readyz");
    assert.equal(ready.status, 200);
    assert.equal((await ready.json()).checks.database, "up");

    const css = await raw(h, "/static/styles.css");
    assert.equal(css.status, 200);
    assert.ok(css.headers.get("x-request-id"));
    assert.equal(css.headers.get("x-content-type-options"), "nosniff");
    await css.body?.cancel();
  } finally {
    await h.close();
  }
});
