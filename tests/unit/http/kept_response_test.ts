/** Kept responses (lib/http/kept_response.ts): copies of one template, each with its own headers. */
import assert from "node:assert/strict";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../../lib/http/context.ts";
import { keptResponse } from "../../../lib/http/kept_response.ts";
import { DATA_CSP, SecurityHeaders } from "../../../lib/http/security.ts";

const body = new TextEncoder().encode("<!doctype html><p>kept</p>");

function appWith(security: SecurityHeaders, nonce?: string) {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("securityHeaders", security);
    if (nonce) c.set("cspNonce", nonce);
    await next();
    security.stamp(c, c.res);
    c.res.headers.set("X-Request-Id", crypto.randomUUID());
  });
  app.get("/page", (c) => keptResponse(c, body, "text/html; charset=UTF-8"));
  app.get("/api/v1/thing", (c) => keptResponse(c, body, "application/json"));
  app.get("/fresh", (c) => c.text("fresh"));
  app.onError((error) => new Response(error.message, { status: 500 }));
  return app;
}

Deno.test("keptResponse: every copy has the template's headers, its own request id and the body", async () => {
  const app = appWith(new SecurityHeaders({ hsts: true }));
  const first = await app.request("/page");
  const second = await app.request("/page");
  for (const res of [first, second]) {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=UTF-8");
    assert.equal(res.headers.get("transfer-encoding"), "chunked");
    assert.match(res.headers.get("content-security-policy") ?? "", /^default-src 'self'; /);
    assert.match(res.headers.get("strict-transport-security") ?? "", /max-age=/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(await res.text(), "<!doctype html><p>kept</p>");
  }
  assert.notEqual(first.headers.get("x-request-id"), second.headers.get("x-request-id"));
});

Deno.test("SecurityHeaders.stamp leaves a template's copies alone and stamps anything else", () => {
  const security = new SecurityHeaders({ hsts: false });
  const template = new Response("x", { headers: [["Content-Security-Policy", "kept"]] });
  const copy = security.fromTemplate(template);
  const fresh = new Response("y", { headers: [["Content-Security-Policy", "kept"]] });
  const c = { req: { path: "/page" }, get: () => undefined } as unknown as Context<AppEnv>;
  security.stamp(c, copy);
  security.stamp(c, fresh);
  assert.equal(copy.headers.get("content-security-policy"), "kept", "the copy is left as made");
  assert.equal(copy.headers.get("x-content-type-options"), null);
  assert.match(fresh.headers.get("content-security-policy") ?? "", /^default-src 'self'; /);
  assert.equal(fresh.headers.get("x-content-type-options"), "nosniff");
  assert.equal(
    template.headers.get("x-content-type-options"),
    null,
    "the template itself is untouched",
  );
});

Deno.test("keptResponse: the CSP follows the path (API answers get the data policy)", async () => {
  const app = appWith(new SecurityHeaders({ hsts: false }));
  const res = await app.request("/api/v1/thing");
  assert.equal(res.headers.get("content-security-policy"), DATA_CSP);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.headers.get("strict-transport-security"), null);
  await res.body?.cancel();
  // A response that was not kept is stamped as before.
  const fresh = await app.request("/fresh");
  assert.match(fresh.headers.get("content-security-policy") ?? "", /^default-src 'self'; /);
  assert.equal(fresh.headers.get("transfer-encoding"), null);
  await fresh.body?.cancel();
});

Deno.test("keptResponse: another app's security headers get their own template", async () => {
  const withHsts = await appWith(new SecurityHeaders({ hsts: true })).request("/page");
  const without = await appWith(new SecurityHeaders({ hsts: false })).request("/page");
  const again = await appWith(new SecurityHeaders({ hsts: true })).request("/page");
  assert.ok(withHsts.headers.get("strict-transport-security"));
  assert.equal(without.headers.get("strict-transport-security"), null);
  assert.ok(again.headers.get("strict-transport-security"));
  for (const res of [withHsts, without, again]) await res.body?.cancel();
});

Deno.test("keptResponse: a response with inline scripts (a nonce) cannot be kept", async () => {
  const res = await appWith(new SecurityHeaders({ hsts: false }), "n0nce").request("/page");
  assert.equal(res.status, 500);
  assert.match(await res.text(), /inline scripts cannot be a template/);
});
