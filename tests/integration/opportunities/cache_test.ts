/**
 * The cache layer as the dashboard uses it: single-flight on cold reads (one load and one `set`
 * per key for a burst), no stale read after a write even when a read was in flight across it,
 * Redis or Upstash down → same answers from Postgres, quickly, and the admin-only stats endpoint.
 */
import assert from "node:assert/strict";
import { setUserRole } from "../../../lib/auth/users.ts";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { type Harness, startHarness } from "../../support/harness.ts";
import { startUpstashFake } from "../../support/upstash_fake.ts";
import {
  assertError,
  badgeTypes,
  type Client,
  CountingStore,
  getJson,
  importSample,
  progressOk,
  REDIS_URL,
} from "./helpers.ts";

const READS = ["", "/badges", "/recommendations", "/metrics"];

Deno.test("cache: 100 concurrent cold reads of one dashboard make one load (one set)", async () => {
  const store = new CountingStore();
  const h = await startHarness({ cacheStore: store });
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => alice.get(`/api/v1/dashboard/${id}`)),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
    assert.equal(new Set(bodies.map((b) => JSON.stringify(b))).size, 1, "all identical");
    assert.equal(store.sets.get(`dashboard:${id}`), 1);
    assert.equal(store.count(store.sets, "dashboard:"), 1);
    // Later reads are hits: no more sets.
    await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(store.sets.get(`dashboard:${id}`), 1);
  } finally {
    await h.close();
  }
});

Deno.test("cache: 100 concurrent cold reads across all four endpoints make one set per key", async () => {
  const store = new CountingStore();
  const h = await startHarness({ cacheStore: store });
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const responses = await Promise.all(
      Array.from(
        { length: 100 },
        (_, i) => alice.get(`/api/v1/dashboard/${id}${READS[i % READS.length]}`),
      ),
    );
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
    await Promise.all(responses.map((r) => r.body?.cancel()));
    for (const key of ["dashboard", "badges", "recommendations", "metrics"]) {
      assert.equal(store.sets.get(`${key}:${id}`), 1, key);
    }
    // After a write the next burst loads once more — once.
    await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    const again = await Promise.all(
      Array.from({ length: 40 }, () => alice.get(`/api/v1/dashboard/${id}`)),
    );
    const bodies = await Promise.all(again.map((r) => r.json()));
    assert.ok(bodies.every((b) => b.progress_summary.in_progress === 1));
    assert.equal(store.sets.get(`dashboard:${id}`), 2);
  } finally {
    await h.close();
  }
});

/**
 * A read whose cache lookup is slow and returns the OLD entry while a write commits and
 * invalidates: that read may answer old (it started first), but it must not put old data back,
 * and every read started after the write sees the new state.
 */
async function slowReadAcrossWrite(store: CountingStore, alice: Client, path: string) {
  const id = await importSample(alice);
  await getJson(alice, `/api/v1/dashboard/${id}`); // dashboard:{id} now holds the old state
  const { held, release } = store.hold((key) => key === `dashboard:${id}`);
  const slow = alice.get(`/api/v1/dashboard/${id}${path}`);
  await held;

  const write = await progressOk(alice, id, "value_creation", "IMPLEMENTED", { hourly_rate: 50 });
  assert.deepEqual(badgeTypes(write.new_badges), ["first_step", "quick_win"]);

  const check = (body: Record<string, unknown>, fresh: boolean, what: string) => {
    const b = body as {
      progress_summary?: { implemented: number };
      badges?: unknown[];
      recommendations?: unknown[];
      metrics?: { money_saved: { hourly_rate: number | null } };
    };
    const state = path === ""
      ? b.progress_summary!.implemented === 1
      : path === "/badges"
      ? b.badges!.length === 2
      : path === "/recommendations"
      ? b.recommendations!.length === 2
      : b.metrics!.money_saved.hourly_rate === 50;
    if (fresh) assert.ok(state, `${what} should show the write: ${JSON.stringify(body)}`);
    return state;
  };
  // A read after the write, while the slow one is still in flight: it must neither wait for the
  // slow read nor share its (pre-write) result.
  const started = performance.now();
  check(await getJson(alice, `/api/v1/dashboard/${id}${path}`), true, "read after write");
  assert.ok(performance.now() - started < 1_000, "the read after the write did not wait");
  release();
  const slowRes = await slow;
  assert.equal(slowRes.status, 200);
  check(await slowRes.json(), false, "slow read"); // old or new: both acceptable
  // The slow read did not write its old view back.
  for (let i = 0; i < 3; i++) {
    check(await getJson(alice, `/api/v1/dashboard/${id}${path}`), true, `read ${i} after`);
  }
  assert.equal(
    (await getJson(alice, `/api/v1/dashboard/${id}`)).progress_summary.implemented,
    1,
  );
}

/** Long enough that a held read stays held (the cache would otherwise treat it as a miss). */
const PATIENT = { CACHE_TIMEOUT_MS: "5000" };

Deno.test("cache: no stale read when a slow cache read straddles a write", async (t) => {
  const store = new CountingStore();
  const h = await startHarness({ cacheStore: store, env: PATIENT });
  try {
    const alice = await h.signup();
    for (const path of READS) {
      await t.step(`GET /dashboard/{id}${path}`, () => slowReadAcrossWrite(store, alice, path));
    }
  } finally {
    await h.close();
  }
});

Deno.test("cache: a cold read whose lookup is slow and a write in between", async () => {
  const store = new CountingStore();
  const h = await startHarness({ cacheStore: store, env: PATIENT });
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const { held, release } = store.hold((key) => key === `dashboard:${id}`);
    const slow = alice.get(`/api/v1/dashboard/${id}`);
    await held; // it found nothing and is about to load
    await progressOk(alice, id, "business_management", "IMPLEMENTED");
    release();
    assert.equal((await slow).status, 200);
    const after = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(after.progress_summary.implemented, 1);
    const cached = JSON.parse((await store.get(`dashboard:${id}`))!);
    assert.equal(
      cached.opportunities.find((o: { opportunityId: string }) =>
        o.opportunityId === "business_management"
      ).status,
      "IMPLEMENTED",
    );
  } finally {
    await h.close();
  }
});

/** The whole API flow, timing each request: all succeed, none waits on the dead cache. */
async function fullFlowQuickly(h: Harness, limitMs: number) {
  const alice = await h.signup();
  const slowest: [string, number][] = [];
  const timed = async <T>(name: string, run: () => Promise<T>) => {
    const start = performance.now();
    const value = await run();
    slowest.push([name, performance.now() - start]);
    return value;
  };
  const id = await timed("import", () => importSample(alice));
  for (let round = 0; round < 2; round++) {
    for (const path of READS) {
      await timed(`GET ${path}`, () => getJson(alice, `/api/v1/dashboard/${id}${path}`));
    }
  }
  const body = await timed(
    "progress",
    () => progressOk(alice, id, "value_creation", "IMPLEMENTED", { hourly_rate: 60 }),
  );
  assert.deepEqual(badgeTypes(body.new_badges), ["first_step", "quick_win"]);
  const dashboard = await timed("GET after", () => getJson(alice, `/api/v1/dashboard/${id}`));
  assert.equal(dashboard.progress_summary.implemented, 1);
  assert.equal(dashboard.metrics.money_saved.hourly_rate, 60);
  const badges = await timed("badges", () => getJson(alice, `/api/v1/dashboard/${id}/badges`));
  assert.equal(badges.total_badges, 2);
  const recs = await timed(
    "recs",
    () => getJson(alice, `/api/v1/dashboard/${id}/recommendations`),
  );
  assert.equal(recs.recommendations.length, 2);
  const sub = await timed(
    "subscribe",
    () =>
      alice.post(`/api/v1/dashboard/${id}/subscribe`, {
        email: "a@example.com",
        frequency: "weekly",
      }),
  );
  assert.equal(sub.status, 201);
  const dup = await timed(
    "duplicate import",
    () => alice.post("/api/v1/analyses", sampleAnalysis({ url: dashboard.url })),
  );
  assert.equal(dup.status, 200);
  assert.equal((await dup.json()).analysis_id, id);
  const worst = slowest.sort((a, b) => b[1] - a[1])[0];
  assert.ok(worst[1] < limitMs, `slowest request ${worst[0]} took ${Math.round(worst[1])} ms`);
}

Deno.test("cache: Redis down (closed port) → every route answers from Postgres, quickly", async () => {
  const h = await startHarness({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
  try {
    assert.equal(h.deps.cache.store.kind, "redis");
    await fullFlowQuickly(h, 1_000);
    const stats = h.deps.cache.stats();
    assert.equal(stats.hits, 0);
    assert.ok(stats.errors > 0 || stats.circuit === "open");
  } finally {
    await h.close();
  }
});

Deno.test("cache: Upstash stalling → every route answers within the cache timeout", async () => {
  const fake = await startUpstashFake({ redisUrl: REDIS_URL, token: "t" });
  const h = await startHarness({
    env: { UPSTASH_REDIS_REST_URL: fake.url, UPSTASH_REDIS_REST_TOKEN: fake.token },
  });
  try {
    fake.setDown("stall");
    await fullFlowQuickly(h, 1_000);
    assert.equal(h.deps.cache.stats().circuit, "open");
  } finally {
    fake.setDown(false);
    await h.close();
    await fake.close();
  }
});

Deno.test("cache stats: 403 for members; admins see health, hits, misses and hit rate", async () => {
  const h = await startHarness();
  try {
    const member = await h.signup();
    await assertError(await member.get("/api/v1/cache/stats"), 403, "FORBIDDEN");
    await assertError(await h.client().get("/api/v1/cache/stats"), 401, "UNAUTHENTICATED");

    const admin = await h.signup();
    await setUserRole(h.auth, admin.userId, "admin");
    const before = await getJson(admin, "/api/v1/cache/stats");
    assert.deepEqual(Object.keys(before).sort(), [
      "circuit",
      "errors",
      "health",
      "hit_rate",
      "hits",
      "kind",
      "misses",
    ]);
    assert.equal(before.health, "healthy");
    assert.equal(before.kind, "memory");
    for (const field of ["hits", "misses", "errors"]) {
      assert.ok(Number.isInteger(before[field]) && before[field] >= 0, field);
    }

    const id = await importSample(member);
    await getJson(member, `/api/v1/dashboard/${id}`); // miss
    await getJson(member, `/api/v1/dashboard/${id}`); // hit
    await getJson(member, `/api/v1/dashboard/${id}`); // hit
    const after = await getJson(admin, "/api/v1/cache/stats");
    assert.ok(after.misses >= before.misses + 1, JSON.stringify({ before, after }));
    assert.ok(after.hits >= before.hits + 2, JSON.stringify({ before, after }));
    const lookups = after.hits + after.misses;
    assert.ok(Math.abs(after.hit_rate - (100 * after.hits) / lookups) <= 0.01, "a percentage");
    assert.ok(after.hit_rate > 0 && after.hit_rate <= 100);

    // A member again (role back) is refused again: the role is checked on every request.
    await setUserRole(h.auth, admin.userId, "member");
    await assertError(await admin.get("/api/v1/cache/stats"), 403, "FORBIDDEN");
  } finally {
    await h.close();
  }
});

Deno.test("cache stats: a dead Redis reports degraded, not an error", async () => {
  const h = await startHarness({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
  try {
    const admin = await h.signup();
    await setUserRole(h.auth, admin.userId, "admin");
    const stats = await getJson(admin, "/api/v1/cache/stats");
    assert.equal(stats.health, "degraded");
    assert.equal(stats.kind, "redis");
  } finally {
    await h.close();
  }
});

Deno.test("cache: the analyses list (home page, /analyses, API) is never stale after a write", async () => {
  const h = await startHarness({ env: { REDIS_URL } });
  try {
    const alice = await h.signup();
    const bob = await h.signup();
    const list = async (client: typeof alice) =>
      (await getJson(client, "/api/v1/analyses")).analyses as {
        analysis_id: string;
        implemented: number;
        created_at: string;
      }[];
    assert.deepEqual(await list(alice), []);
    assert.deepEqual(await list(alice), [], "cached empty list");

    const first = await importSample(alice);
    assert.deepEqual((await list(alice)).map((a) => a.analysis_id), [first], "import invalidates");
    const second = await importSample(alice);
    const both = await list(alice);
    assert.deepEqual(new Set(both.map((a) => a.analysis_id)), new Set([first, second]));
    assert.ok(!Number.isNaN(Date.parse(both[0].created_at)), "dates survive the cache");
    assert.deepEqual(await list(bob), [], "per user");

    await getJson(alice, `/api/v1/dashboard/${first}`);
    await progressOk(alice, first, "digital_presence", "IMPLEMENTED");
    const after = (await list(alice)).find((a) => a.analysis_id === first)!;
    assert.equal(after.implemented, 1, "progress invalidates the counts");
    const home = await (await alice.get("/dashboard")).text();
    assert.match(home, /1 of 3 implemented/, "the home page shows the new count");
  } finally {
    await h.close();
  }
});

Deno.test("cache: a dashboard reused from memory is never stale after a write on another instance", async () => {
  const a = await startHarness({ env: { REDIS_URL } });
  const b = await startHarness({ env: { REDIS_URL } });
  try {
    const alice = await a.signup();
    const aliceOnB = b.client();
    for (const [name, value] of alice.cookies) aliceOnB.cookies.set(name, value);
    const id = await importSample(alice);
    const read = () => getJson(alice, `/api/v1/dashboard/${id}`);
    const first = await read();
    assert.deepEqual(await read(), first, "served again from instance A's memory");

    await progressOk(aliceOnB, id, "digital_presence", "IN_PROGRESS");
    const moved = await read();
    assert.equal(
      moved.opportunities.find((o: { category: string }) => o.category === "digital_presence")
        .status,
      "IN_PROGRESS",
      "instance A sees instance B's write at once",
    );
    assert.deepEqual(badgeTypes(moved.badges), ["first_step"]);

    // What the reader is, not only what the analysis is, shapes the answer: rate and language.
    assert.equal(moved.metrics.money_saved.hourly_rate, null);
    const patched = await aliceOnB.request("/api/v1/me", {
      method: "PATCH",
      json: { hourly_rate: 80, locale: "fr" },
    });
    assert.equal(patched.status, 200);
    const reread = await read();
    assert.equal(reread.metrics.money_saved.hourly_rate, 80);
    assert.equal(reread.badges[0].badge_name, "Premier Pas");
  } finally {
    await a.close();
    await b.close();
  }
});
