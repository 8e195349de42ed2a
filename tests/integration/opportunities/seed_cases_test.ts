/**
 * The seed's own test cases, through the real app and Postgres: an 8-day-old analysis gets no
 * quick win; 5 h + 8 h implemented earns time_saver; badges are never awarded twice; an unknown
 * opportunity is 404 OPPORTUNITY_NOT_FOUND; the cache is invalidated on update — with the memory
 * cache, a real Redis, and Upstash (through the REST fake backed by that Redis).
 */
import assert from "node:assert/strict";
import { type Harness, type HarnessOptions, startHarness } from "../../support/harness.ts";
import { startUpstashFake } from "../../support/upstash_fake.ts";
import {
  assertError,
  awardedKeys,
  badgeTypes,
  events,
  getJson,
  importSample,
  progress,
  progressOk,
  REDIS_URL,
  waitFor,
} from "./helpers.ts";

const daysAgo = (days: number, minutes = 0) =>
  new Date(Date.now() - days * 86_400_000 + minutes * 60_000).toISOString();

Deno.test("seed: an analysis created 8 days ago gets no quick_win", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice, { created_at: daysAgo(8) });
    const started = await progressOk(alice, id, "business_management", "IN_PROGRESS");
    assert.deepEqual(badgeTypes(started.new_badges), ["first_step"]);
    const done = await progressOk(alice, id, "business_management", "IMPLEMENTED");
    assert.deepEqual(badgeTypes(done.new_badges), []);
    assert.deepEqual(await awardedKeys(h, id), ["first_step"]);
    const badges = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    const quickWin = badges.upcoming_badges.find((b: { badge_type: string }) =>
      b.badge_type === "quick_win"
    );
    assert.equal(quickWin.progress.days_left, 0);
    assert.equal(quickWin.progress_text, "Window missed");
  } finally {
    await h.close();
  }
});

Deno.test("seed: quick_win boundary — created 6 days 23 h ago still earns it", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice, { created_at: daysAgo(7, 60) });
    const before = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    const upcoming = before.upcoming_badges.find((b: { badge_type: string }) =>
      b.badge_type === "quick_win"
    );
    assert.equal(upcoming.progress.days_left, 1);
    assert.equal(upcoming.progress_text, "1 day left");
    const done = await progressOk(alice, id, "digital_presence", "IMPLEMENTED");
    assert.deepEqual(badgeTypes(done.new_badges), ["first_step", "quick_win"]);
  } finally {
    await h.close();
  }
});

Deno.test("seed: 5 h + 8 h implemented earns time_saver (not before), then all three efficiency_expert", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice, { created_at: daysAgo(8) });
    let body = await progressOk(alice, id, "digital_presence", "IMPLEMENTED");
    assert.deepEqual(badgeTypes(body.new_badges), ["first_step"]);
    assert.equal(body.metrics.time_saved.implemented_weekly, 5);
    const badges = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    const timeSaver = badges.upcoming_badges.find((b: { badge_type: string }) =>
      b.badge_type === "time_saver"
    );
    assert.equal(timeSaver.progress_text, "5 / 10 h per week");
    assert.deepEqual(timeSaver.progress, { current: 5, target: 10, unit: "hours_per_week" });

    body = await progressOk(alice, id, "value_creation", "IMPLEMENTED");
    assert.deepEqual(badgeTypes(body.new_badges), ["time_saver"]);
    assert.equal(body.new_badges[0].points, 50);
    assert.equal(body.metrics.time_saved.implemented_weekly, 13);

    body = await progressOk(alice, id, "business_management", "IMPLEMENTED");
    assert.deepEqual(badgeTypes(body.new_badges), ["efficiency_expert"]);
    assert.deepEqual(await awardedKeys(h, id), ["efficiency_expert", "first_step", "time_saver"]);
    const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(dashboard.progress_summary.completion_percentage, 100);
    assert.equal(dashboard.total_points, 10 + 50 + 100);
  } finally {
    await h.close();
  }
});

Deno.test("seed: badges are never awarded twice (undo and redo a start)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const first = await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    assert.deepEqual(badgeTypes(first.new_badges), ["first_step"]);
    for (let i = 0; i < 3; i++) {
      const undo = await progressOk(alice, id, "digital_presence", "NOT_STARTED");
      assert.deepEqual(undo.new_badges, []);
      const redo = await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
      assert.deepEqual(redo.new_badges, []);
    }
    const other = await progressOk(alice, id, "value_creation", "IN_PROGRESS");
    assert.deepEqual(other.new_badges, []);
    assert.deepEqual(await awardedKeys(h, id), ["first_step"]);
    const badges = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
    assert.deepEqual(badgeTypes(badges.badges), ["first_step"]);
    assert.equal(badges.total_badges, 1);
    assert.equal((await events(h, id)).length, 8);
  } finally {
    await h.close();
  }
});

Deno.test("seed: an unknown opportunity is 404 OPPORTUNITY_NOT_FOUND and changes nothing", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    for (const opportunity of ["invalid_opportunity", "DIGITAL_PRESENCE", "digital_presence "]) {
      const body = await assertError(
        await progress(alice, id, opportunity, "IN_PROGRESS"),
        404,
        "OPPORTUNITY_NOT_FOUND",
      );
      assert.match(body.detail, /not found/i);
    }
    assert.equal((await events(h, id)).length, 0);
    assert.deepEqual(await awardedKeys(h, id), []);
    // Another user asking about the same bogus opportunity learns only that the analysis is not theirs.
    const bob = await h.signup();
    await assertError(
      await progress(bob, id, "invalid_opportunity", "IN_PROGRESS"),
      404,
      "ANALYSIS_NOT_FOUND",
    );
    // An analysis with fewer opportunities: the missing category is not found either.
    const partial = await alice.post("/api/v1/analyses", {
      url: `https://partial-${crypto.randomUUID()}.example`,
      results_summary: {
        identity_a1: { company_name: "Partial", sector: "", estimated_size: "", tier: "" },
        digital_presence: { hours_per_week: 3, complexity_level: 2 },
      },
    });
    assert.equal(partial.status, 201);
    const partialId = (await partial.json()).analysis_id;
    await assertError(
      await progress(alice, partialId, "value_creation", "IN_PROGRESS"),
      404,
      "OPPORTUNITY_NOT_FOUND",
    );
    const dashboard = await getJson(alice, `/api/v1/dashboard/${partialId}`);
    assert.equal(dashboard.opportunities.length, 1);
    assert.equal(dashboard.progress_summary.total_opportunities, 1);
  } finally {
    await h.close();
  }
});

/**
 * Warm every cached read, check the store holds it, change progress, check the seed's
 * `dashboard:{id}` (and the other keys) are gone from the store, and that every read shows the
 * change.
 */
async function cacheInvalidationScenario(h: Harness) {
  const alice = await h.signup();
  const id = await importSample(alice);
  const paths = ["", "/badges", "/recommendations", "/metrics"].map((p) =>
    `/api/v1/dashboard/${id}${p}`
  );
  const keys = ["dashboard", "badges", "recommendations", "metrics"].map((k) => `${k}:${id}`);
  const store = h.deps.cache.store;
  // Warm (twice: the second read is served from the cache).
  for (let round = 0; round < 2; round++) {
    for (const path of paths) await getJson(alice, path);
  }
  for (const key of keys) assert.notEqual(await store.get(key), null, `${key} cached`);
  const hitsBefore = h.deps.cache.stats().hits;
  for (const path of paths) await getJson(alice, path);
  assert.ok(h.deps.cache.stats().hits >= hitsBefore + 4, "warm reads are cache hits");

  await progressOk(alice, id, "value_creation", "IMPLEMENTED", { hourly_rate: 50 });
  for (const key of keys) assert.equal(await store.get(key), null, `${key} invalidated`);

  const [dashboard, badges, recommendations, metrics] = await Promise.all(
    paths.map((p) => getJson(alice, p)),
  );
  assert.equal(
    dashboard.opportunities.find((o: { opportunity_id: string }) =>
      o.opportunity_id === "value_creation"
    ).status,
    "IMPLEMENTED",
  );
  assert.equal(dashboard.progress_summary.implemented, 1);
  assert.equal(dashboard.metrics.money_saved.implemented_annual, 8 * 52 * 50);
  assert.deepEqual(badgeTypes(badges.badges).sort(), ["first_step", "quick_win"]);
  assert.deepEqual(
    recommendations.recommendations.map((r: { opportunity_id: string }) => r.opportunity_id),
    ["digital_presence", "business_management"],
  );
  assert.equal(metrics.metrics.time_saved.implemented_weekly, 8);
  assert.equal(metrics.metrics.money_saved.hourly_rate, 50);

  // The seed's variant: whatever sits under dashboard:{id} is gone after an update.
  await h.deps.cache.set(`dashboard:${id}`, { test: "data" }, 300);
  await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
  assert.equal(await store.get(`dashboard:${id}`), null);
  const after = await getJson(alice, `/api/v1/dashboard/${id}`);
  assert.equal(after.progress_summary.in_progress, 1);
}

async function withHarness(options: HarnessOptions, run: (h: Harness) => Promise<void>) {
  const h = await startHarness(options);
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

Deno.test("seed: cache invalidated on update — memory cache", async () => {
  await withHarness({}, async (h) => {
    assert.equal(h.deps.cache.store.kind, "memory");
    await cacheInvalidationScenario(h);
  });
});

Deno.test("seed: cache invalidated on update — Redis", async () => {
  await withHarness({ env: { REDIS_URL } }, async (h) => {
    assert.equal(h.deps.cache.store.kind, "redis");
    await waitFor(() => h.deps.cache.ping(), "Redis");
    await cacheInvalidationScenario(h);
  });
});

Deno.test("seed: cache invalidated on update — Upstash (REST fake over Redis)", async () => {
  const fake = await startUpstashFake({ redisUrl: REDIS_URL, token: "opportunities-test" });
  try {
    await withHarness({
      env: {
        UPSTASH_REDIS_REST_URL: fake.url,
        UPSTASH_REDIS_REST_TOKEN: fake.token,
        // HTTP round trips to the fake are slower than a socket; keep the breaker out of the way.
        CACHE_TIMEOUT_MS: "1000",
      },
    }, async (h) => {
      assert.equal(h.deps.cache.store.kind, "upstash");
      await cacheInvalidationScenario(h);
      assert.ok((fake.requests["/"] ?? 0) + (fake.requests["/pipeline"] ?? 0) > 0);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("seed error codes: too many dashboard requests → 429 RATE_LIMIT_EXCEEDED with Retry-After", async () => {
  await withHarness({ env: { RATE_LIMIT_PER_MIN: "6" } }, async (h) => {
    const alice = await h.signup(); // 1 request
    const id = await importSample(alice); // 2
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      const res = await alice.get(`/api/v1/dashboard/${id}`);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.body?.cancel();
    }
    assert.ok(limited, `never limited: ${statuses.join(",")}`);
    assert.deepEqual(statuses.slice(0, 4), [200, 200, 200, 200]);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    await assertError(limited, 429, "RATE_LIMIT_EXCEEDED");
  });
});
