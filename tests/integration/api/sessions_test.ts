/**
 * Server-side session lifetime: idle timeout, absolute expiry, the idle clock being refreshed by
 * use, and a password change ending the user's other sessions.
 */
import assert from "node:assert/strict";
import { invalidateUserAuth } from "../../../lib/auth/auth_cache.ts";
import { sha256Hex } from "../../../lib/auth/secrets.ts";
import { startHarness } from "../../support/harness.ts";
import { assertEnvelope, cloneClient } from "./helpers.ts";

const IDLE_MINUTES = 30;

async function sessionRow(h: Awaited<ReturnType<typeof startHarness>>, secret: string) {
  const [row] = await h.db.sql<{ last_seen_at: Date; expires_at: Date; created_at: Date }[]>`
    select last_seen_at, expires_at, created_at from sessions where id_hash = ${sha256Hex(secret)}`;
  return row;
}

Deno.test("sessions: an idle session is rejected and deleted; use refreshes the idle clock", async () => {
  const h = await startHarness({ env: { SESSION_IDLE_MINUTES: String(IDLE_MINUTES) } });
  try {
    const alice = await h.signup();
    const secret = alice.cookies.get("hw_session")!;
    const created = await sessionRow(h, secret);
    assert.ok(created, "the session row exists, keyed by the hash of the cookie");
    // Absolute lifetime: SESSION_MAX_DAYS (default 30) after login.
    const lifetimeDays = (created.expires_at.getTime() - created.created_at.getTime()) / 86_400_000;
    assert.ok(Math.abs(lifetimeDays - 30) < 0.01, `expires after 30 days, got ${lifetimeDays}`);

    // Used 20 minutes ago: still valid, and the use moves last_seen_at forward.
    await h.db.sql`update sessions set last_seen_at = now() - interval '20 minutes'
                   where id_hash = ${sha256Hex(secret)}`;
    await invalidateUserAuth(h.auth, alice.userId); // as the cache entry's own expiry would
    assert.equal((await alice.get("/api/v1/me")).status, 200);
    const touched = await sessionRow(h, secret);
    assert.ok(Date.now() - touched.last_seen_at.getTime() < 60_000, "last_seen_at refreshed");

    // Idle for longer than SESSION_IDLE_MINUTES: rejected, and the row is gone.
    await h.db.sql`update sessions
                   set last_seen_at = now() - make_interval(mins => ${IDLE_MINUTES + 1})
                   where id_hash = ${sha256Hex(secret)}`;
    await invalidateUserAuth(h.auth, alice.userId); // as the cache entry's own expiry would
    await assertEnvelope(await alice.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assert.equal(await sessionRow(h, secret), undefined, "the idle session was deleted");

    // Pages treat the dead session as anonymous too.
    const page = await alice.get("/dashboard");
    assert.equal(page.status, 303);
    assert.equal(page.headers.get("location"), "/login?next=%2Fdashboard");
  } finally {
    await h.close();
  }
});

Deno.test("sessions: a session past its absolute expiry is rejected and deleted even if active", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const secret = alice.cookies.get("hw_session")!;
    // Active a second ago, but past expires_at.
    await h.db.sql`update sessions set expires_at = now() - interval '1 second',
                                      last_seen_at = now()
                   where id_hash = ${sha256Hex(secret)}`;
    await invalidateUserAuth(h.auth, alice.userId); // as the cache entry's own expiry would
    await assertEnvelope(await alice.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assert.equal(await sessionRow(h, secret), undefined);
    // A fresh login works again.
    const res = await h.client().post("/api/v1/auth/login", {
      email: alice.email,
      password: alice.password,
    });
    assert.equal(res.status, 200);
  } finally {
    await h.close();
  }
});

Deno.test("sessions: SESSION_MAX_DAYS sets the absolute lifetime and the cookie Max-Age", async () => {
  const h = await startHarness({ env: { SESSION_MAX_DAYS: "2" } });
  try {
    const res = await h.client().post("/api/v1/auth/signup", {
      email: `max-${crypto.randomUUID()}@example.com`,
      password: "correct horse 42",
    });
    assert.equal(res.status, 201);
    const line = res.headers.getSetCookie()[0];
    assert.match(line, /Max-Age=172800(;|$)/);
    const secret = line.split(";")[0].split("=")[1];
    const row = await sessionRow(h, secret);
    const days = (row.expires_at.getTime() - row.created_at.getTime()) / 86_400_000;
    assert.ok(Math.abs(days - 2) < 0.01, String(days));
  } finally {
    await h.close();
  }
});

Deno.test("sessions: changing the password at /settings/password ends the user's other sessions", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const laptop = h.client();
    assert.equal(
      (await laptop.post("/api/v1/auth/login", { email: alice.email, password: alice.password }))
        .status,
      200,
    );
    const bob = await h.signup();

    // A wrong current password changes nothing.
    let res = await alice.form("/settings/password", {
      current_password: "not my password 1",
      new_password: "brand new pass 7",
    });
    assert.equal(res.status, 400);
    assert.equal((await laptop.get("/api/v1/me")).status, 200);

    // A weak new password changes nothing either.
    res = await alice.form("/settings/password", {
      current_password: alice.password,
      new_password: "weak",
    });
    assert.equal(res.status, 400);
    assert.equal((await laptop.get("/api/v1/me")).status, 200);

    const laptopCopy = cloneClient(h, laptop);
    res = await alice.form("/settings/password", {
      current_password: alice.password,
      new_password: "brand new pass 7",
    });
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get("location"), "/settings?notice=password");

    assert.equal((await alice.get("/api/v1/me")).status, 200, "the session in use survives");
    await assertEnvelope(await laptop.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    await assertEnvelope(await laptopCopy.get("/api/v1/me"), 401, "UNAUTHENTICATED");
    assert.equal((await bob.get("/api/v1/me")).status, 200, "other users are not affected");
    const [{ count }] = await h.db
      .sql`select count(*) from sessions where user_id = ${alice.userId}`;
    assert.equal(count, 1);

    // The new password logs in, the old one does not.
    await assertEnvelope(
      await h.client().post("/api/v1/auth/login", { email: alice.email, password: alice.password }),
      401,
      "UNAUTHENTICATED",
    );
    assert.equal(
      (await h.client().post("/api/v1/auth/login", {
        email: alice.email,
        password: "brand new pass 7",
      })).status,
      200,
    );
  } finally {
    await h.close();
  }
});
