/**
 * Status transitions and the remembered hourly rate through `POST /dashboard/{id}/progress`:
 * forward moves (also straight to IMPLEMENTED), undoing a start, nothing out of IMPLEMENTED, and
 * the same status as a true no-op (no row change, no event, no badge).
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import {
  assertError,
  awardedKeys,
  badgeTypes,
  events,
  getJson,
  importSample,
  opportunityRows,
  progress,
  progressOk,
} from "./helpers.ts";

interface DashboardOpportunity {
  opportunity_id: string;
  status: string;
  implemented_at: string | null;
}
const opp = (dashboard: { opportunities: DashboardOpportunity[] }, id: string) =>
  dashboard.opportunities.find((o) => o.opportunity_id === id)!;

Deno.test("progress: NOT_STARTED → IMPLEMENTED is allowed and sets implemented_at", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const before = Date.now();
    const body = await progressOk(alice, id, "value_creation", "IMPLEMENTED");
    assert.equal(body.analysis_id, id);
    assert.equal(body.opportunity_id, "value_creation");
    assert.equal(body.status, "IMPLEMENTED");
    const implementedAt = Date.parse(body.implemented_at);
    assert.ok(implementedAt >= before - 5_000 && implementedAt <= Date.now() + 5_000);
    const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(opp(dashboard, "value_creation").status, "IMPLEMENTED");
    assert.equal(opp(dashboard, "value_creation").implemented_at, body.implemented_at);
    assert.equal(opp(dashboard, "digital_presence").implemented_at, null);
    const [row] = (await opportunityRows(h, id)).filter((r) =>
      r.opportunity_id === "value_creation"
    );
    assert.equal(row.implemented_at?.toISOString(), body.implemented_at);
    assert.deepEqual(
      (await events(h, id)).map((e) => [e.opportunity_id, e.from_status, e.to_status]),
      [["value_creation", "NOT_STARTED", "IMPLEMENTED"]],
    );
  } finally {
    await h.close();
  }
});

Deno.test("progress: IN_PROGRESS → NOT_STARTED (undo a start) is allowed", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    const body = await progressOk(alice, id, "digital_presence", "NOT_STARTED");
    assert.equal(body.status, "NOT_STARTED");
    assert.equal(body.implemented_at, null);
    const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(opp(dashboard, "digital_presence").status, "NOT_STARTED");
    assert.equal(dashboard.progress_summary.not_started, 3);
    assert.deepEqual(
      (await events(h, id)).map((e) => [e.from_status, e.to_status]),
      [["NOT_STARTED", "IN_PROGRESS"], ["IN_PROGRESS", "NOT_STARTED"]],
    );
    // The undone opportunity is recommended again.
    const recs = await getJson(alice, `/api/v1/dashboard/${id}/recommendations`);
    assert.equal(recs.recommendations.length, 3);
  } finally {
    await h.close();
  }
});

Deno.test("progress: anything out of IMPLEMENTED is 400 INVALID_STATUS_TRANSITION and changes nothing", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    const done = await progressOk(alice, id, "digital_presence", "IMPLEMENTED", {
      hourly_rate: 40,
    });
    const dashboardBefore = await getJson(alice, `/api/v1/dashboard/${id}`);
    const rowsBefore = await opportunityRows(h, id);
    const eventsBefore = await events(h, id);
    const badgesBefore = await awardedKeys(h, id);
    for (const status of ["IN_PROGRESS", "NOT_STARTED"]) {
      const body = await assertError(
        // A rate sent along with a refused change is not remembered either.
        await progress(alice, id, "digital_presence", status, { hourly_rate: 99 }),
        400,
        "INVALID_STATUS_TRANSITION",
      );
      assert.match(body.detail, new RegExp(`IMPLEMENTED to ${status}`));
    }
    assert.deepEqual(await opportunityRows(h, id), rowsBefore);
    assert.deepEqual(await events(h, id), eventsBefore);
    assert.deepEqual(await awardedKeys(h, id), badgesBefore);
    const [{ hourly_rate_cents }] = await h.db.sql<{ hourly_rate_cents: number }[]>`
      select hourly_rate_cents from analyses where id = ${id}`;
    assert.equal(hourly_rate_cents, 4000);
    const dashboardAfter = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.deepEqual(dashboardAfter, dashboardBefore);
    assert.equal(opp(dashboardAfter, "digital_presence").implemented_at, done.implemented_at);
  } finally {
    await h.close();
  }
});

Deno.test("progress: the same status is 200 with no change, no badge and no event", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const rowsBefore = await opportunityRows(h, id);
    const same = await progressOk(alice, id, "digital_presence", "NOT_STARTED");
    assert.equal(same.status, "NOT_STARTED");
    assert.deepEqual(same.new_badges, []);
    assert.equal(same.metrics.time_saved.potential_weekly, 15);
    assert.deepEqual(await events(h, id), []);
    assert.deepEqual(await awardedKeys(h, id), []); // no first_step for a non-change
    assert.deepEqual(await opportunityRows(h, id), rowsBefore);

    const implemented = await progressOk(alice, id, "value_creation", "IMPLEMENTED");
    const rowsImplemented = await opportunityRows(h, id);
    const eventCount = (await events(h, id)).length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await progressOk(alice, id, "value_creation", "IMPLEMENTED");
    assert.equal(again.implemented_at, implemented.implemented_at, "implemented_at kept");
    assert.deepEqual(again.new_badges, []);
    assert.deepEqual(await opportunityRows(h, id), rowsImplemented, "status_changed_at kept");
    assert.equal((await events(h, id)).length, eventCount);

    await progressOk(alice, id, "business_management", "IN_PROGRESS");
    const n = (await events(h, id)).length;
    const stillInProgress = await progressOk(alice, id, "business_management", "IN_PROGRESS");
    assert.deepEqual(stillInProgress.new_badges, []);
    assert.equal((await events(h, id)).length, n);
  } finally {
    await h.close();
  }
});

Deno.test("progress: hourly_rate is remembered for the analysis (later reads show money)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    // Warm the caches with "no rate known".
    const cold = await getJson(alice, `/api/v1/dashboard/${id}/metrics`);
    assert.equal(cold.metrics.money_saved.potential_annual, null);
    await getJson(alice, `/api/v1/dashboard/${id}`);

    const body = await progressOk(alice, id, "value_creation", "IMPLEMENTED", { hourly_rate: 50 });
    assert.deepEqual(body.metrics.money_saved, {
      hourly_rate: 50,
      potential_annual: 39000,
      implemented_annual: 20800,
      currency: "CAD",
    });
    // No rate in later calls: the analysis remembers 50.
    const later = await progressOk(alice, id, "digital_presence", "IN_PROGRESS");
    assert.equal(later.metrics.money_saved.hourly_rate, 50);
    const metrics = await getJson(alice, `/api/v1/dashboard/${id}/metrics`);
    assert.equal(metrics.metrics.money_saved.potential_annual, 39000);
    const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(dashboard.metrics.money_saved.implemented_annual, 20800);

    // A rate sent with an unchanged status still updates it — and the cached reads.
    const same = await progressOk(alice, id, "digital_presence", "IN_PROGRESS", {
      hourly_rate: 37.5,
    });
    assert.equal(same.metrics.money_saved.hourly_rate, 37.5);
    assert.equal(same.metrics.money_saved.potential_annual, 29250);
    const afterSame = await getJson(alice, `/api/v1/dashboard/${id}/metrics`);
    assert.equal(afterSame.metrics.money_saved.hourly_rate, 37.5);
    assert.equal(
      (await getJson(alice, `/api/v1/dashboard/${id}`)).metrics.money_saved.potential_annual,
      29250,
    );
    // Other analyses of the same user do not inherit it.
    const other = await importSample(alice);
    const otherMetrics = await getJson(alice, `/api/v1/dashboard/${other}/metrics`);
    assert.equal(otherMetrics.metrics.money_saved.hourly_rate, null);
  } finally {
    await h.close();
  }
});

Deno.test("progress: hourly_rate bounds are 20–500 inclusive; bad values are 400 naming the field", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    for (const rate of [20, 500, 20.5, 499.99]) {
      const body = await progressOk(alice, id, "digital_presence", "NOT_STARTED", {
        hourly_rate: rate,
      });
      assert.equal(body.metrics.money_saved.hourly_rate, rate);
    }
    for (const rate of [19.99, 500.01, 0, -50, 1e9, "50", null, true, [50], { v: 50 }]) {
      const body = await assertError(
        await progress(alice, id, "digital_presence", "IN_PROGRESS", { hourly_rate: rate }),
        400,
        "INVALID_INPUT",
      );
      assert.match(body.detail, /hourly_rate/, JSON.stringify(rate));
    }
    // None of the refused requests changed anything.
    assert.deepEqual(await events(h, id), []);
    const [{ hourly_rate_cents }] = await h.db.sql<{ hourly_rate_cents: number }[]>`
      select hourly_rate_cents from analyses where id = ${id}`;
    assert.equal(hourly_rate_cents, 49999);
  } finally {
    await h.close();
  }
});

Deno.test("progress: bad bodies are 400 INVALID_INPUT naming the field", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const cases: [unknown, RegExp][] = [
      [{ opportunity_id: "digital_presence" }, /status/],
      [{ opportunity_id: "digital_presence", status: "DONE" }, /status/],
      [{ opportunity_id: "digital_presence", status: "implemented" }, /status/],
      [{ status: "IN_PROGRESS" }, /opportunity_id/],
      [{ opportunity_id: 3, status: "IN_PROGRESS" }, /opportunity_id/],
      [{ opportunity_id: "", status: "IN_PROGRESS" }, /opportunity_id/],
      // Postgres cannot take NUL in text: refused as input, never a 500.
      [{ opportunity_id: "digital\u0000presence", status: "IN_PROGRESS" }, /opportunity_id/],
      [[], /body|expected/i],
      ["IN_PROGRESS", /body|expected/i],
    ];
    for (const [body, field] of cases) {
      const error = await assertError(
        await alice.post(`/api/v1/dashboard/${id}/progress`, body),
        400,
        "INVALID_INPUT",
      );
      assert.match(error.detail, field, JSON.stringify(body));
    }
    const notJson = await alice.request(`/api/v1/dashboard/${id}/progress`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(notJson.status, 400);
    assert.equal((await notJson.json()).error, "INVALID_INPUT");
    assert.deepEqual(await events(h, id), []);
    // Not signed in: 401.
    await assertError(
      await h.client().post(`/api/v1/dashboard/${id}/progress`, {
        opportunity_id: "digital_presence",
        status: "IN_PROGRESS",
      }),
      401,
      "UNAUTHENTICATED",
    );
    // The response's badges follow the user's language.
    const fr = await h.signup({ locale: "fr" });
    const frId = await importSample(fr);
    const started = await progressOk(fr, frId, "digital_presence", "IN_PROGRESS");
    assert.deepEqual(badgeTypes(started.new_badges), ["first_step"]);
    assert.equal(started.new_badges[0].badge_name, "Premier Pas");
    assert.equal(started.new_badges[0].icon, "🎯");
  } finally {
    await h.close();
  }
});
