/**
 * `rememberRate` (the page's "set an hourly rate" form): stores the analysis' rate, invalidates
 * the cached dashboard and metrics (no stale money after the write, whichever id spelling), and
 * is scoped to the owner.
 */
import assert from "node:assert/strict";
import { AnalysisNotFoundError } from "../../../lib/opportunities/progress.ts";
import {
  getDashboard,
  getMetrics,
  rememberRate,
  type Viewer,
} from "../../../lib/opportunities/service.ts";
import { startHarness } from "../../support/harness.ts";
import { importSample } from "./helpers.ts";

Deno.test("rememberRate: stored, invalidates dashboard and metrics, owner only", async () => {
  const h = await startHarness();
  try {
    const ada = await h.signup();
    const eve = await h.signup();
    const id = await importSample(ada);
    const deps = { sql: h.db.sql, cache: h.deps.cache };
    const viewer: Viewer = { id: ada.userId, timezone: "UTC", hourlyRate: null, locale: "en" };
    const intruder: Viewer = { ...viewer, id: eve.userId };

    // Warm both cache entries while no rate is known.
    assert.equal(
      (await getDashboard(deps, id, viewer, "en")).metrics.money_saved.hourly_rate,
      null,
    );
    assert.equal((await getMetrics(deps, id, viewer)).metrics.money_saved.potential_annual, null);

    await rememberRate(deps, id, viewer, 5000);
    let dashboard = await getDashboard(deps, id, viewer, "en");
    assert.deepEqual(dashboard.metrics.money_saved, {
      hourly_rate: 50,
      potential_annual: 39000,
      implemented_annual: 0,
      currency: "CAD",
    });
    assert.equal((await getMetrics(deps, id, viewer)).metrics.money_saved.hourly_rate, 50);

    // Another spelling of the same id reaches the same cache entries.
    await rememberRate(deps, id.toUpperCase(), viewer, 6050);
    dashboard = await getDashboard(deps, id, viewer, "en");
    assert.equal(dashboard.metrics.money_saved.hourly_rate, 60.5);
    assert.equal((await getMetrics(deps, id, viewer)).metrics.money_saved.potential_annual, 47190);

    // The analysis' own rate wins over the owner's Settings rate.
    const withSettingsRate = { ...viewer, hourlyRate: 99 };
    assert.equal(
      (await getMetrics(deps, id, withSettingsRate)).metrics.money_saved.hourly_rate,
      60.5,
    );

    // Not the owner, unknown, malformed: not found, nothing changed.
    for (
      const [who, target] of [
        [intruder, id],
        [viewer, crypto.randomUUID()],
        [viewer, "not-a-uuid"],
      ] as const
    ) {
      await assert.rejects(() => rememberRate(deps, target, who, 7000), AnalysisNotFoundError);
    }
    // Out of range: refused before touching the database.
    for (const cents of [1999, 50001, 2500.5, Number.NaN]) {
      await assert.rejects(() => rememberRate(deps, id, viewer, cents), RangeError);
    }
    const [row] = await h.db.sql<{ hourly_rate_cents: number }[]>`
      select hourly_rate_cents from analyses where id = ${id}`;
    assert.equal(row.hourly_rate_cents, 6050);
  } finally {
    await h.close();
  }
});
