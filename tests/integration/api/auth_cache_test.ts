/**
 * The auth cache (lib/auth/auth_cache.ts): a signed-in request is answered without a database
 * round trip once warm, and every change to what a credential means — logout, settings, role,
 * password, token revocation — is seen at once, also by another instance sharing the Redis cache.
 */
import assert from "node:assert/strict";
import { setUserRole } from "../../../lib/auth/users.ts";
import { type Harness, startHarness } from "../../support/harness.ts";
import { REDIS_URL } from "../opportunities/helpers.ts";
import { assertEnvelope, cloneClient } from "./helpers.ts";

Deno.test("auth cache: a warm session or token costs no SQL; a cold one costs one lookup", async () => {
  const queries: string[] = [];
  const h = await startHarness({ onQuery: (query) => queries.push(query) });
  try {
    const alice = await h.signup();
    queries.length = 0;
    assert.equal((await alice.get("/api/v1/me")).status, 200);
    assert.equal(queries.length, 1, `cold session: one lookup, got ${queries.join(" | ")}`);
    queries.length = 0;
    assert.equal((await alice.get("/api/v1/me")).status, 200);
    assert.deepEqual(queries, [], "warm session: no SQL");

    const { token } = await (await alice.post("/api/v1/tokens", { name: "cli" })).json();

    const bearer = { headers: { authorization: `Bearer ${token}` } };
    queries.length = 0;
    assert.equal((await h.client().get("/api/v1/me", bearer)).status, 200);
    assert.ok(queries.length >= 1 && queries.length <= 2, "cold token: lookup (+ recording use)");
    queries.length = 0;
    assert.equal((await h.client().get("/api/v1/me", bearer)).status, 200);
    assert.deepEqual(queries, [], "warm token: no SQL");

    // A made-up credential is never cached: each attempt asks the database and fails.
    for (let i = 0; i < 2; i++) {
      queries.length = 0;
      const res = await h.client().get("/api/v1/me", {
        headers: { authorization: `Bearer hw_${"x".repeat(43)}` },
      });
      await assertEnvelope(res, 401, "UNAUTHENTICATED");
      assert.equal(queries.length, 1);
    }
  } finally {
    await h.close();
  }
});

async function twoInstances(): Promise<[Harness, Harness]> {
  const env = { REDIS_URL };
  const a = await startHarness({ env });
  const b = await startHarness({ env });
  return [a, b];
}

Deno.test("auth cache: two instances sharing Redis see logout, settings and role at once", async () => {
  const [a, b] = await twoInstances();
  try {
    const alice = await a.signup({ name: "Alice" });
    const aliceOnB = cloneClient(b, alice);
    const me = async () => await (await aliceOnB.get("/api/v1/me")).json();
    assert.equal((await me()).name, "Alice", "warms the shared cache");
    assert.equal((await me()).name, "Alice");

    const renamed = await alice.request("/api/v1/me", {
      method: "PATCH",
      json: { name: "Alicia" },
    });
    assert.equal(renamed.status, 200);
    assert.equal((await me()).name, "Alicia", "instance B sees the new name immediately");

    assert.equal((await aliceOnB.get("/api/v1/cache/stats")).status, 403);
    await setUserRole(a.auth, alice.userId, "admin");
    assert.equal((await aliceOnB.get("/api/v1/cache/stats")).status, 200, "promoted at once");
    await setUserRole(a.auth, alice.userId, "member");
    assert.equal((await aliceOnB.get("/api/v1/cache/stats")).status, 403, "demoted at once");

    const keep = cloneClient(b, alice);
    assert.equal((await alice.post("/api/v1/auth/logout")).status, 204);
    await assertEnvelope(await keep.get("/api/v1/me"), 401, "UNAUTHENTICATED");
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("auth cache: a token revoked on one instance stops working on the other at once", async () => {
  const [a, b] = await twoInstances();
  try {
    const alice = await a.signup();
    const { id, token } = await (await alice.post("/api/v1/tokens", { name: "ci" })).json();
    const bearer = { headers: { authorization: `Bearer ${token}` } };
    assert.equal((await b.client().get("/api/v1/me", bearer)).status, 200);
    assert.equal((await b.client().get("/api/v1/me", bearer)).status, 200);
    assert.equal((await alice.request(`/api/v1/tokens/${id}`, { method: "DELETE" })).status, 204);
    await assertEnvelope(await b.client().get("/api/v1/me", bearer), 401, "UNAUTHENTICATED");
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("auth cache: a password change on one instance ends the other sessions everywhere", async () => {
  const [a, b] = await twoInstances();
  try {
    const alice = await a.signup();
    const phone = b.client();
    const login = await phone.post("/api/v1/auth/login", {
      email: alice.email,
      password: alice.password,
    });
    assert.equal(login.status, 200);
    assert.equal((await phone.get("/api/v1/me")).status, 200);
    const res = await alice.form("/settings/password", {
      current_password: alice.password,
      new_password: "brand new pass 7",
    });
    assert.equal(res.status, 303);
    await assertEnvelope(await phone.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assert.equal((await alice.get("/api/v1/me")).status, 200, "the session in use survives");
  } finally {
    await a.close();
    await b.close();
  }
});
