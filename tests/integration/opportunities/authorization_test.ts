/**
 * Analyses belong to their importer: for anyone else they do not exist — 404 ANALYSIS_NOT_FOUND
 * on every route, even when the owner's data is sitting in the cache — and malformed ids are 404
 * too. Ids are case-insensitive UUIDs; whichever spelling is used, reads never go stale.
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import {
  assertError,
  awardedKeys,
  type Client,
  events,
  getJson,
  importSample,
  progressOk,
} from "./helpers.ts";

const GET_PATHS = ["", "/badges", "/recommendations", "/metrics"];

/** Every dashboard route for `id`, as request thunks for `client`. */
function everyRoute(client: Client, id: string): [string, () => Promise<Response>][] {
  return [
    ...GET_PATHS.map((p): [string, () => Promise<Response>] => [
      `GET ${p || "/"}`,
      () => client.get(`/api/v1/dashboard/${id}${p}`),
    ]),
    [
      "POST /progress",
      () =>
        client.post(`/api/v1/dashboard/${id}/progress`, {
          opportunity_id: "digital_presence",
          status: "IMPLEMENTED",
          hourly_rate: 99,
        }),
    ],
    [
      "POST /subscribe",
      () =>
        client.post(`/api/v1/dashboard/${id}/subscribe`, {
          email: "intruder@example.com",
          frequency: "weekly",
          hourly_rate: 99,
        }),
    ],
  ];
}

Deno.test("another user's analysis is 404 ANALYSIS_NOT_FOUND on every route, cached or not", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const bob = await h.signup();
    const id = await importSample(alice);

    // Cold: nothing cached yet.
    for (const [name, call] of everyRoute(bob, id)) {
      await assertError(await call(), 404, "ANALYSIS_NOT_FOUND").catch((e) => {
        throw new Error(`${name} (cold): ${e.message}`);
      });
    }
    // Warm: the owner's reads are all cached now.
    for (const p of GET_PATHS) await getJson(alice, `/api/v1/dashboard/${id}${p}`);
    for (const p of GET_PATHS) await getJson(alice, `/api/v1/dashboard/${id}${p}`);
    const hits = h.deps.cache.stats().hits;
    for (const [name, call] of everyRoute(bob, id)) {
      const body = await assertError(await call(), 404, "ANALYSIS_NOT_FOUND").catch((e) => {
        throw new Error(`${name} (warm): ${e.message}`);
      });
      // Nothing about the analysis leaks into the error.
      assert.ok(!body.detail.includes("Example Inc."));
    }
    assert.ok(h.deps.cache.stats().hits > hits, "bob's reads did go through the warm cache");

    // And bob's attempts changed nothing.
    assert.deepEqual(await events(h, id), []);
    assert.deepEqual(await awardedKeys(h, id), []);
    const subs = await h.db.sql`select 1 from email_subscriptions where analysis_id = ${id}`;
    assert.equal(subs.length, 0);
    const [{ hourly_rate_cents }] = await h.db.sql<{ hourly_rate_cents: number | null }[]>`
      select hourly_rate_cents from analyses where id = ${id}`;
    assert.equal(hourly_rate_cents, null);
    const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(dashboard.progress_summary.not_started, 3);

    // Bob's own analyses list does not show it; alice's does.
    const bobList = await getJson(bob, "/api/v1/analyses");
    assert.ok(!bobList.analyses.some((a: { analysis_id: string }) => a.analysis_id === id));
    const aliceList = await getJson(alice, "/api/v1/analyses");
    assert.ok(aliceList.analyses.some((a: { analysis_id: string }) => a.analysis_id === id));

    // Bob importing the same URL gets his own analysis, not alice's.
    const [{ url }] = await h.db.sql<{ url: string }[]>`select url from analyses where id = ${id}`;
    const bobsId = await importSample(bob, { url });
    assert.notEqual(bobsId, id);
  } finally {
    await h.close();
  }
});

Deno.test("unknown and malformed analysis ids are 404 ANALYSIS_NOT_FOUND on every route", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const ids = [
      "00000000-0000-0000-0000-000000000000",
      crypto.randomUUID(),
      "not-a-uuid",
      "123",
      "550e8400-e29b-41d4-a716-44665544000", // one digit short
      "550e8400-e29b-41d4-a716-4466554400000", // one digit long
      "550e8400e29b41d4a716446655440000x",
      "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
      "'%20or%201=1--",
      "%00",
      "a".repeat(100),
      `${crypto.randomUUID()}${crypto.randomUUID()}`,
    ];
    for (const id of ids) {
      for (const [name, call] of everyRoute(alice, id)) {
        await assertError(await call(), 404, "ANALYSIS_NOT_FOUND").catch((e) => {
          throw new Error(`${name} ${id}: ${e.message}`);
        });
      }
    }
    // Not signed in: 401 before anything else.
    for (const [, call] of everyRoute(h.client(), crypto.randomUUID())) {
      await assertError(await call(), 401, "UNAUTHENTICATED");
    }
  } finally {
    await h.close();
  }
});

Deno.test("an upper-case spelling of the id is the same analysis, and never serves stale data", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const upper = id.toUpperCase();
    // Warm every read under the upper-case spelling.
    for (const p of GET_PATHS) {
      const body = await getJson(alice, `/api/v1/dashboard/${upper}${p}`);
      assert.equal(body.analysis_id, id, "the canonical id is returned");
    }
    // Change progress through the lower-case spelling…
    await progressOk(alice, id, "value_creation", "IMPLEMENTED", { hourly_rate: 50 });
    // …and every read through the upper-case one shows it.
    const dashboard = await getJson(alice, `/api/v1/dashboard/${upper}`);
    assert.equal(dashboard.progress_summary.implemented, 1);
    const badges = await getJson(alice, `/api/v1/dashboard/${upper}/badges`);
    assert.ok(badges.total_badges >= 1);
    const recs = await getJson(alice, `/api/v1/dashboard/${upper}/recommendations`);
    assert.equal(recs.recommendations.length, 2);
    const metrics = await getJson(alice, `/api/v1/dashboard/${upper}/metrics`);
    assert.equal(metrics.metrics.money_saved.hourly_rate, 50);

    // The other way round: change through upper case, read through lower case.
    await progressOk(alice, upper, "digital_presence", "IN_PROGRESS");
    const lower = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(lower.progress_summary.in_progress, 1);
    const subscribed = await alice.post(`/api/v1/dashboard/${upper}/subscribe`, {
      email: "alice@example.com",
      frequency: "weekly",
    });
    assert.equal(subscribed.status, 201);
    assert.equal((await subscribed.json()).analysis_id, id);
    // Another user is refused under either spelling.
    const bob = await h.signup();
    for (const spelling of [id, upper]) {
      for (const [name, call] of everyRoute(bob, spelling)) {
        await assertError(await call(), 404, "ANALYSIS_NOT_FOUND").catch((e) => {
          throw new Error(`${name} ${spelling}: ${e.message}`);
        });
      }
    }
  } finally {
    await h.close();
  }
});
