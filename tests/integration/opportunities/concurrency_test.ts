/**
 * 50 parallel progress updates (mixed statuses on the three opportunities, with reads in between)
 * against one analysis: no 500s, every badge awarded at most once and exactly when the final
 * state earns it, the event log a consistent chain ending in the current status, and no stale
 * read afterwards — with the memory cache and with Redis.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Harness, type HarnessOptions, startHarness } from "../../support/harness.ts";
import { canTransition } from "../../../lib/opportunities/progress.ts";
import type { Status } from "../../../lib/opportunities/types.ts";
import {
  awardedKeys,
  events,
  getJson,
  importSample,
  opportunityRows,
  progress,
  REDIS_URL,
  waitFor,
} from "./helpers.ts";

const OPPORTUNITIES = ["digital_presence", "value_creation", "business_management"] as const;
const HOURS: Record<string, number> = {
  digital_presence: 5,
  value_creation: 8,
  business_management: 2,
};
const STATUSES: Status[] = ["NOT_STARTED", "IN_PROGRESS", "IMPLEMENTED"];

async function storm(h: Harness, seed: number) {
  const alice = await h.signup();
  const id = await importSample(alice);
  // Deterministic per seed: 50 updates with 20 reads sprinkled among them.
  const [updates] = fc.sample(
    fc.array(
      fc.record({
        opportunity: fc.constantFrom(...OPPORTUNITIES),
        // IMPLEMENTED is terminal; keep it rarer so the other moves get exercised.
        status: fc.constantFrom<Status>("NOT_STARTED", "IN_PROGRESS", "IN_PROGRESS", "IMPLEMENTED"),
        rate: fc.option(fc.integer({ min: 20, max: 500 }), { freq: 4 }),
      }),
      { minLength: 50, maxLength: 50 },
    ),
    { seed, numRuns: 1 },
  );
  const reads = ["", "/badges", "/recommendations", "/metrics"];
  const requests: Promise<{ kind: "write" | "read"; res: Response; body: unknown }>[] = [];
  updates.forEach((u, i) => {
    requests.push(
      progress(alice, id, u.opportunity, u.status, u.rate === null ? {} : { hourly_rate: u.rate })
        .then(async (res) => ({ kind: "write" as const, res, body: await res.json() })),
    );
    if (i % 5 === 0) {
      for (const r of reads.slice(0, 2)) {
        requests.push(
          alice.get(`/api/v1/dashboard/${id}${r}`).then(async (res) => ({
            kind: "read" as const,
            res,
            body: await res.json(),
          })),
        );
      }
    }
  });
  const results = await Promise.all(requests);

  // No 500s: writes are 200 or a refused transition; reads are 200.
  const awardedInResponses: string[] = [];
  for (const { kind, res, body } of results) {
    if (kind === "read") {
      assert.equal(res.status, 200, JSON.stringify(body));
      continue;
    }
    const b = body as { error?: string; new_badges?: { badge_type: string }[] };
    if (res.status === 400) {
      assert.equal(b.error, "INVALID_STATUS_TRANSITION", JSON.stringify(body));
    } else {
      assert.equal(res.status, 200, JSON.stringify(body));
      awardedInResponses.push(...b.new_badges!.map((x) => x.badge_type));
    }
  }

  // Each badge announced at most once, and exactly the rows in user_badges.
  const awarded = await awardedKeys(h, id);
  assert.deepEqual([...awardedInResponses].sort(), awarded, "announced = stored, no duplicates");
  assert.equal(new Set(awarded).size, awarded.length);

  // The event log is a chain per opportunity ending in the stored status.
  const log = await events(h, id);
  const rows = await opportunityRows(h, id);
  for (const row of rows) {
    let current: Status = "NOT_STARTED";
    for (const e of log.filter((x) => x.opportunity_id === row.opportunity_id)) {
      assert.equal(e.from_status, current, `${row.opportunity_id}: chain broken`);
      assert.notEqual(e.to_status, e.from_status);
      assert.ok(canTransition(e.from_status as Status, e.to_status as Status));
      current = e.to_status as Status;
    }
    assert.equal(row.status, current, `${row.opportunity_id}: final status = last event`);
    assert.equal(row.implemented_at !== null, row.status === "IMPLEMENTED");
  }

  // The badges are exactly those the final state earns (IMPLEMENTED is terminal, so it only grows).
  const implemented = rows.filter((r) => r.status === "IMPLEMENTED");
  const hours = implemented.reduce((sum, r) => sum + HOURS[r.opportunity_id], 0);
  const expected = [
    log.length > 0 && "first_step",
    implemented.length > 0 && "quick_win",
    hours >= 10 && "time_saver",
    implemented.length === 3 && "efficiency_expert",
  ].filter(Boolean).sort();
  assert.deepEqual(awarded, expected);

  // Nothing stale: every read now matches the database.
  const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
  for (const row of rows) {
    const o = dashboard.opportunities.find((x: { opportunity_id: string }) =>
      x.opportunity_id === row.opportunity_id
    );
    assert.equal(o.status, row.status);
    assert.equal(o.implemented_at, row.implemented_at?.toISOString() ?? null);
  }
  const badges = await getJson(alice, `/api/v1/dashboard/${id}/badges`);
  assert.deepEqual(badges.badges.map((b: { badge_type: string }) => b.badge_type).sort(), awarded);
  const recs = await getJson(alice, `/api/v1/dashboard/${id}/recommendations`);
  assert.deepEqual(
    recs.recommendations.map((r: { opportunity_id: string }) => r.opportunity_id).sort(),
    rows.filter((r) => r.status === "NOT_STARTED").map((r) => r.opportunity_id).sort(),
  );
  const metrics = await getJson(alice, `/api/v1/dashboard/${id}/metrics`);
  assert.equal(metrics.metrics.time_saved.implemented_weekly, hours);
  const [{ hourly_rate_cents }] = await h.db.sql<{ hourly_rate_cents: number | null }[]>`
    select hourly_rate_cents from analyses where id = ${id}`;
  assert.equal(
    metrics.metrics.money_saved.hourly_rate,
    hourly_rate_cents === null ? null : hourly_rate_cents / 100,
  );
  assert.deepEqual(
    STATUSES.map((s) => rows.filter((r) => r.status === s).length),
    [
      dashboard.progress_summary.not_started,
      dashboard.progress_summary.in_progress,
      dashboard.progress_summary.implemented,
    ],
  );
}

async function withHarness(options: HarnessOptions, run: (h: Harness) => Promise<void>) {
  const h = await startHarness(options);
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

Deno.test("concurrency: 50 parallel progress updates — memory cache", async () => {
  await withHarness({}, async (h) => {
    for (const seed of [1, 2, 3, 4]) await storm(h, seed);
  });
});

Deno.test("concurrency: 50 parallel progress updates — Redis", async () => {
  await withHarness({ env: { REDIS_URL } }, async (h) => {
    await waitFor(() => h.deps.cache.ping(), "Redis");
    for (const seed of [5, 6]) await storm(h, seed);
  });
});

Deno.test("concurrency: a change waiting on the analysis lock sees the status committed meanwhile", async () => {
  await withHarness({}, async (h) => {
    const alice = await h.signup();
    const id = await importSample(alice);
    let pending: Promise<Response> | undefined;
    // Hold the analysis row lock while another writer implements digital_presence, and start an
    // IN_PROGRESS request for the same opportunity that has to wait for that lock.
    await h.db.sql.begin(async (tx) => {
      await tx`select id from analyses where id = ${id} for update`;
      await tx`update opportunities set status = 'IMPLEMENTED', implemented_at = now()
               where analysis_id = ${id} and opportunity_id = 'digital_presence'`;
      await tx`insert into progress_events (analysis_id, opportunity_id, from_status, to_status)
               values (${id}, 'digital_presence', 'NOT_STARTED', 'IMPLEMENTED')`;
      pending = progress(alice, id, "digital_presence", "IN_PROGRESS");
      await waitFor(async () => {
        const [{ waiting }] = await h.db.sql<{ waiting: number }[]>`
          select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        return waiting > 0;
      }, "the progress request to wait for the lock");
    });
    const res = await pending!;
    const body = await res.json();
    // IMPLEMENTED is final: the waiting request must see it and be refused.
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(body.error, "INVALID_STATUS_TRANSITION");
    const [row] = (await opportunityRows(h, id)).filter((r) =>
      r.opportunity_id === "digital_presence"
    );
    assert.equal(row.status, "IMPLEMENTED");
    assert.equal((await events(h, id)).length, 1);
  });
});

Deno.test("concurrency: a post that changes nothing answers without waiting for the analysis lock", async () => {
  await withHarness({}, async (h) => {
    const alice = await h.signup();
    const id = await importSample(alice);
    let changing: Promise<Response> | undefined;
    await h.db.sql.begin(async (tx) => {
      await tx`select id from analyses where id = ${id} for update`;
      // Held by another writer: the same status is still answered, at once (decided on an unlocked read).
      const timeout = new Promise<"waited">((resolve) =>
        setTimeout(() => resolve("waited"), 5_000)
      );
      const same = await Promise.race([
        progress(alice, id, "digital_presence", "NOT_STARTED"),
        timeout,
      ]);
      assert.notEqual(same, "waited", "a no-op must not wait for the lock");
      const body = await (same as Response).json();
      assert.equal((same as Response).status, 200, JSON.stringify(body));
      assert.equal(body.status, "NOT_STARTED");
      assert.deepEqual(body.new_badges, []);
      // A real change (and a new hourly rate, even with the same status) does wait its turn.
      changing = progress(alice, id, "digital_presence", "NOT_STARTED", { hourly_rate: 90 });
      await waitFor(async () => {
        const [{ waiting }] = await h.db.sql<{ waiting: number }[]>`
          select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        return waiting > 0;
      }, "the rate change to wait for the lock");
    });
    const res = await changing!;
    assert.equal(res.status, 200, await res.clone().text());
    const [{ hourly_rate_cents }] = await h.db.sql<{ hourly_rate_cents: number }[]>`
      select hourly_rate_cents from analyses where id = ${id}`;
    assert.equal(hourly_rate_cents, 9000);
    assert.equal((await events(h, id)).length, 0, "no event for a status that did not change");
  });
});
