/**
 * Progress changes are decided optimistically (migration 0005, lib/opportunities/progress.ts): on
 * the state read or, when this process committed the analysis' last change, on what it remembers
 * of that. Whatever the guess, the decision must be the one the current state calls for: a write
 * made elsewhere since (another instance, the remembered rate, a subscription) is noticed through
 * the revision, and badges and metrics follow the state the change really applies to.
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import { ACTIVITY_LOOKBACK_DAYS } from "../../../lib/opportunities/analyses.ts";
import { awardedKeys, badgeTypes, events, importSample, progressOk } from "./helpers.ts";

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

Deno.test("optimistic progress: a change made elsewhere since this process's last commit is seen", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice, { created_at: daysAgo(8) }); // 5 h, 8 h, 2 h
    // This process now remembers the analysis with value_creation NOT_STARTED.
    let body = await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    assert.deepEqual(badgeTypes(body.new_badges), ["first_step"]);

    // Another instance implements value_creation (8 h), as its commit_progress() would.
    const [{ revision, user_id }] = await h.db.sql<{ revision: number; user_id: string }[]>`
      select revision, user_id from analyses where id = ${id}`;
    const [{ result }] = await h.db.sql<{ result: { outcome: string } }[]>`
      select commit_progress(${id}, ${user_id}, ${revision}, 'value_creation', 'NOT_STARTED',
                             'IMPLEMENTED', null, now(), '{}', '{}', ${ACTIVITY_LOOKBACK_DAYS})
             as result`;
    assert.equal(result.outcome, "ok");

    // 5 h + 8 h implemented: time_saver, which only the current state earns.
    body = await progressOk(alice, id, "digital_presence", "IMPLEMENTED");
    assert.deepEqual(badgeTypes(body.new_badges), ["time_saver"], JSON.stringify(body));
    assert.equal(body.metrics.time_saved.implemented_weekly, 13);
    assert.deepEqual(await awardedKeys(h, id), ["first_step", "time_saver"]);
    const log = await events(h, id);
    assert.deepEqual(
      log.map((e) => `${e.opportunity_id}:${e.from_status}>${e.to_status}`),
      [
        "digital_presence:NOT_STARTED>IN_PROGRESS",
        "value_creation:NOT_STARTED>IMPLEMENTED",
        "digital_presence:IN_PROGRESS>IMPLEMENTED",
      ],
    );
  } finally {
    await h.close();
  }
});

Deno.test("optimistic progress: a rate remembered or adopted meanwhile is in the answer's metrics", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    let body = await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    assert.equal(body.metrics.money_saved.hourly_rate, null);

    // A subscription adopting its rate (another request) since this process's commit.
    const sub = await alice.post(`/api/v1/dashboard/${id}/subscribe`, {
      email: "alice-reports@example.com",
      frequency: "weekly",
      hourly_rate: 90,
    });
    assert.equal(sub.status, 201, await sub.clone().text());
    await sub.body?.cancel();

    body = await progressOk(alice, id, "value_creation", "IMPLEMENTED");
    assert.equal(body.metrics.money_saved.hourly_rate, 90, JSON.stringify(body.metrics));
    assert.equal(body.metrics.money_saved.implemented_annual, 8 * 52 * 90);
  } finally {
    await h.close();
  }
});

Deno.test("optimistic progress: no-ops and refusals are decided on the database, not on a guess", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    // Elsewhere: digital_presence is implemented (terminal).
    const [{ revision, user_id }] = await h.db.sql<{ revision: number; user_id: string }[]>`
      select revision, user_id from analyses where id = ${id}`;
    await h.db.sql`
      select commit_progress(${id}, ${user_id}, ${revision}, 'digital_presence', 'IN_PROGRESS',
                             'IMPLEMENTED', null, now(), '{}', '{}', ${ACTIVITY_LOOKBACK_DAYS})`;
    // Remembered here as IN_PROGRESS, so "IN_PROGRESS" looks like a no-op and "NOT_STARTED" like
    // an allowed undo: both must see IMPLEMENTED and be refused.
    for (const status of ["IN_PROGRESS", "NOT_STARTED"]) {
      const res = await alice.post(`/api/v1/dashboard/${id}/progress`, {
        opportunity_id: "digital_presence",
        status,
      });
      const text = await res.text();
      assert.equal(res.status, 400, `${status}: ${text}`);
      assert.equal(JSON.parse(text).error, "INVALID_STATUS_TRANSITION");
    }
    assert.equal((await events(h, id)).length, 2);
  } finally {
    await h.close();
  }
});

Deno.test("optimistic progress: a writer that never lets the revision rest cannot stop a change", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    // Another party bumps the revision as fast as it can: every optimistic attempt conflicts, and
    // the change has to go through the locked path.
    let bumping = true;
    let bumps = 0;
    const bumper = (async () => {
      while (bumping) {
        await h.db.sql`update analyses set revision = revision + 1 where id = ${id}`;
        bumps++;
      }
    })();
    try {
      const body = await progressOk(alice, id, "value_creation", "IMPLEMENTED");
      assert.deepEqual(badgeTypes(body.new_badges).sort(), ["first_step", "quick_win"]);
      assert.equal(body.metrics.time_saved.implemented_weekly, 8);
    } finally {
      bumping = false;
      await bumper;
    }
    assert.ok(bumps > 0);
    assert.deepEqual(await awardedKeys(h, id), ["first_step", "quick_win"]);
    const log = await events(h, id);
    assert.deepEqual(log.map((e) => `${e.opportunity_id}:${e.to_status}`), [
      "value_creation:IMPLEMENTED",
    ]);
  } finally {
    await h.close();
  }
});
