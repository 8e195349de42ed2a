/**
 * Personal API tokens over `/api/v1/tokens`: creation (secret shown once, stored hashed), listing
 * without secrets, bearer authentication, revocation and ownership.
 */
import assert from "node:assert/strict";
import { sha256Hex } from "../../../lib/auth/secrets.ts";
import { startHarness } from "../../support/harness.ts";
import { assertEnvelope, del, raw } from "./helpers.ts";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

Deno.test("tokens: POST → 201 {id,name,token}; stored only as a hash; listed without secrets", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const res = await alice.post("/api/v1/tokens", { name: "  laptop CLI " });
    assert.equal(res.status, 201, await res.clone().text());
    const created = await res.json();
    assert.deepEqual(Object.keys(created).sort(), ["id", "name", "token"]);
    assert.match(created.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(created.name, "laptop CLI");
    assert.match(created.token, /^hw_[A-Za-z0-9_-]{43}$/, "hw_ + 256 random bits");

    // The database has the SHA-256 only: no column of any token row holds the secret.
    const rows = await h.db.sql`select * from api_tokens where user_id = ${alice.userId}`;
    assert.equal(rows.length, 1);
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes(created.token), "the raw token is not stored");
    assert.ok(!dump.includes(created.token.slice(3)), "not even without its prefix");
    assert.equal(rows[0].token_hash, sha256Hex(created.token));

    const second = await (await alice.post("/api/v1/tokens", { name: "ci" })).json();
    assert.notEqual(second.token, created.token);

    const list = await alice.get("/api/v1/tokens");
    assert.equal(list.status, 200);
    const text = await list.text();
    assert.ok(!text.includes(created.token) && !text.includes(second.token), "no secrets listed");
    assert.ok(!text.includes(rows[0].token_hash), "no hashes listed");
    const { tokens } = JSON.parse(text);
    assert.equal(tokens.length, 2);
    for (const token of tokens) {
      assert.deepEqual(Object.keys(token).sort(), ["created_at", "id", "last_used_at", "name"]);
      assert.equal(token.last_used_at, null);
    }
    assert.deepEqual(tokens.map((t: { name: string }) => t.name).sort(), ["ci", "laptop CLI"]);
  } finally {
    await h.close();
  }
});

Deno.test("tokens: name is validated (1–80 characters after trimming)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    for (
      const body of [{}, { name: "" }, { name: "   " }, { name: "x".repeat(81) }, { name: 5 }, {
        name: "nul\u0000",
      }]
    ) {
      const envelope = await assertEnvelope(
        await alice.post("/api/v1/tokens", body),
        400,
        "INVALID_INPUT",
      );
      assert.match(envelope.detail, /^name: /, envelope.detail);
    }
    assert.equal((await alice.post("/api/v1/tokens", { name: "x".repeat(80) })).status, 201);
    // Creating, listing and revoking need a signed-in user.
    await assertEnvelope(await h.client().post("/api/v1/tokens", { name: "x" }), 401);
    await assertEnvelope(await h.client().get("/api/v1/tokens"), 401);
    await assertEnvelope(
      await del(h.client(), `/api/v1/tokens/${crypto.randomUUID()}`),
      401,
      "UNAUTHENTICATED",
    );
  } finally {
    await h.close();
  }
});

Deno.test("tokens: a bearer token authenticates /api/v1 without a cookie and records its use", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice" });
    const { id, token } = await (await alice.post("/api/v1/tokens", { name: "cli" })).json();

    const me = await raw(h, "/api/v1/me", { headers: bearer(token) });
    assert.equal(me.status, 200);
    const user = await me.json();
    assert.equal(user.id, alice.userId);
    assert.equal(user.name, "Alice");
    assert.equal(me.headers.getSetCookie().length, 0, "a token request opens no session");

    // Scheme is case-insensitive; extra spaces are tolerated.
    for (const header of [`bearer ${token}`, `BEARER   ${token}`]) {
      assert.equal(
        (await raw(h, "/api/v1/me", { headers: { authorization: header } })).status,
        200,
      );
    }

    const [row] = await h.db.sql`select last_used_at from api_tokens where id = ${id}`;
    assert.ok(row.last_used_at, "last_used_at is recorded");
    const { tokens } = await (await alice.get("/api/v1/tokens")).json();
    assert.ok(tokens[0].last_used_at);

    // Unsafe methods work with a bearer token and no Origin (not a browser: no CSRF check).
    const patched = await raw(h, "/api/v1/me", {
      method: "PATCH",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ name: "Alice via token" }),
    });
    assert.equal(patched.status, 200);
    assert.equal((await patched.json()).name, "Alice via token");
  } finally {
    await h.close();
  }
});

Deno.test("tokens: a revoked token is 401; revoking twice or an unknown id is 404", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const keep = await (await alice.post("/api/v1/tokens", { name: "keep" })).json();
    const drop = await (await alice.post("/api/v1/tokens", { name: "drop" })).json();

    const res = await del(alice, `/api/v1/tokens/${drop.id}`);
    assert.equal(res.status, 204);
    assert.equal(await res.text(), "");
    const envelope = await assertEnvelope(
      await raw(h, "/api/v1/me", { headers: bearer(drop.token) }),
      401,
      "UNAUTHENTICATED",
    );
    assert.ok(!envelope.detail.includes(drop.token), "the error does not echo the token");
    assert.equal((await raw(h, "/api/v1/me", { headers: bearer(keep.token) })).status, 200);

    const { tokens } = await (await alice.get("/api/v1/tokens")).json();
    assert.deepEqual(tokens.map((t: { id: string }) => t.id), [keep.id]);

    await assertEnvelope(await del(alice, `/api/v1/tokens/${drop.id}`), 404, "NOT_FOUND");
    await assertEnvelope(
      await del(alice, `/api/v1/tokens/${crypto.randomUUID()}`),
      404,
      "NOT_FOUND",
    );
    // Ids that are not UUIDs are simply unknown, including hex-and-dash strings of UUID length.
    for (const id of ["not-a-uuid", "-".repeat(36), "0".repeat(36), "a".repeat(64), "%20"]) {
      await assertEnvelope(await del(alice, `/api/v1/tokens/${id}`), 404, "NOT_FOUND");
    }

    // A token can revoke itself.
    const self = await raw(h, `/api/v1/tokens/${keep.id}`, {
      method: "DELETE",
      headers: bearer(keep.token),
    });
    assert.equal(self.status, 204);
    await assertEnvelope(await raw(h, "/api/v1/me", { headers: bearer(keep.token) }), 401);
  } finally {
    await h.close();
  }
});

Deno.test("tokens: another user cannot see or revoke my token (404), and it keeps working", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const mallory = await h.signup();
    const mine = await (await alice.post("/api/v1/tokens", { name: "mine" })).json();

    await assertEnvelope(await del(mallory, `/api/v1/tokens/${mine.id}`), 404, "NOT_FOUND");
    // Not with a token of their own either.
    const theirs = await (await mallory.post("/api/v1/tokens", { name: "theirs" })).json();
    await assertEnvelope(
      await raw(h, `/api/v1/tokens/${mine.id}`, {
        method: "DELETE",
        headers: bearer(theirs.token),
      }),
      404,
      "NOT_FOUND",
    );
    const listed = await (await mallory.get("/api/v1/tokens")).json();
    assert.deepEqual(listed.tokens.map((t: { id: string }) => t.id), [theirs.id]);

    const me = await raw(h, "/api/v1/me", { headers: bearer(mine.token) });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).id, alice.userId);
    const [row] = await h.db.sql`select revoked_at from api_tokens where id = ${mine.id}`;
    assert.equal(row.revoked_at, null);
  } finally {
    await h.close();
  }
});

Deno.test("tokens: an invalid bearer is 401 even alongside a valid session cookie", async () => {
  // Documented in lib/http/authenticate.ts: a client that sends a bearer token meant to
  // authenticate with it, so a bad one is an error rather than a fall-back to the cookie.
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const bad = [
      "hw_" + "A".repeat(43),
      "not-a-token",
      "hw_" + "x".repeat(200),
      "hw_",
    ];
    for (const token of bad) {
      await assertEnvelope(
        await alice.get("/api/v1/me", { headers: bearer(token) }),
        401,
        "UNAUTHENTICATED",
      );
      await assertEnvelope(await raw(h, "/api/v1/me", { headers: bearer(token) }), 401);
    }
    // Headers that are not a well-formed bearer credential are ignored: the cookie decides.
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token hw_x"]) {
      assert.equal((await alice.get("/api/v1/me", { headers: { authorization } })).status, 200);
      await assertEnvelope(await raw(h, "/api/v1/me", { headers: { authorization } }), 401);
    }
    // A deleted user's token stops working.
    const bob = await h.signup();
    const { token } = await (await bob.post("/api/v1/tokens", { name: "t" })).json();
    await h.db.sql`delete from users where id = ${bob.userId}`;
    await assertEnvelope(await raw(h, "/api/v1/me", { headers: bearer(token) }), 401);
  } finally {
    await h.close();
  }
});
