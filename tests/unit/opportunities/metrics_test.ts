/**
 * Time and money saved and the progress summary (lib/opportunities/metrics.ts): the seed's
 * numbers, fractional hours, the null-money rule, and the floor in completion_percentage.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  annualHours,
  computeMetrics,
  summarizeProgress,
  weeklyHours,
} from "../../../lib/opportunities/metrics.ts";
import { STATUSES } from "../../../lib/opportunities/types.ts";
import { opportunities, seedOpportunities } from "./builders.ts";

Deno.test("metrics: the seed's example (5 + 8 + 2 h) → 15 h/week, 780 h/year", () => {
  const metrics = computeMetrics(seedOpportunities(), null);
  assert.deepEqual(metrics.time_saved, {
    potential_weekly: 15,
    implemented_weekly: 0,
    potential_annual: 780,
    implemented_annual: 0,
  });
});

Deno.test("metrics: at 50 $/h the seed's example is worth 39 000 potential, 13 000 implemented", () => {
  const metrics = computeMetrics(
    seedOpportunities(["IMPLEMENTED", "IN_PROGRESS", "NOT_STARTED"]),
    5000,
  );
  assert.deepEqual(metrics, {
    time_saved: {
      potential_weekly: 15,
      implemented_weekly: 5,
      potential_annual: 780,
      implemented_annual: 260,
    },
    money_saved: {
      hourly_rate: 50,
      potential_annual: 39000,
      implemented_annual: 13000,
      currency: "CAD",
    },
  });
});

Deno.test("metrics: IN_PROGRESS does not count as implemented", () => {
  const metrics = computeMetrics(
    seedOpportunities(["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS"]),
    5000,
  );
  assert.equal(metrics.time_saved.implemented_weekly, 0);
  assert.equal(metrics.money_saved.implemented_annual, 0);
});

Deno.test("metrics: fractional hours — 6.5 h/week → 338 h/year, 16 900 $ at 50 $/h", () => {
  const metrics = computeMetrics(opportunities({ hours: 6.5, status: "IMPLEMENTED" }), 5000);
  assert.equal(metrics.time_saved.potential_weekly, 6.5);
  assert.equal(metrics.time_saved.implemented_weekly, 6.5);
  assert.equal(metrics.time_saved.potential_annual, 338);
  assert.equal(metrics.time_saved.implemented_annual, 338);
  assert.equal(metrics.money_saved.implemented_annual, 16900);
  assert.equal(annualHours(650), 338);
  assert.equal(weeklyHours(650), 6.5);
});

Deno.test("metrics: sums are exact (0.1 h + 0.2 h = 0.3 h, not 0.30000000000000004)", () => {
  const metrics = computeMetrics(opportunities({ hours: 0.1 }, { hours: 0.2 }), null);
  assert.equal(metrics.time_saved.potential_weekly, 0.3);
});

Deno.test("metrics: money is null while no hourly rate is known", () => {
  const metrics = computeMetrics(
    seedOpportunities(["IMPLEMENTED", "NOT_STARTED", "NOT_STARTED"]),
    null,
  );
  assert.deepEqual(metrics.money_saved, {
    hourly_rate: null,
    potential_annual: null,
    implemented_annual: null,
    currency: "CAD",
  });
  // …while time saved is still reported.
  assert.equal(metrics.time_saved.implemented_annual, 260);
});

Deno.test("metrics: a fractional rate (37.50 $/h) gives whole dollars", () => {
  const metrics = computeMetrics(opportunities({ hours: 6.5, status: "IMPLEMENTED" }), 3750);
  assert.equal(metrics.money_saved.hourly_rate, 37.5);
  assert.equal(metrics.money_saved.implemented_annual, 12675); // 338 × 37.5
  assert.ok(Number.isInteger(metrics.money_saved.potential_annual));
});

Deno.test("metrics (property): annual = round(weekly × 52), money = annual × rate, implemented ≤ potential", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          centihours: fc.integer({ min: 0, max: 16800 }),
          status: fc.constantFrom(...STATUSES),
        }),
        { maxLength: 3 },
      ),
      fc.option(fc.integer({ min: 2000, max: 50000 }), { nil: null }),
      (specs, rate) => {
        const opps = opportunities(
          ...specs.map((s) => ({ hours: s.centihours / 100, status: s.status })),
        );
        const m = computeMetrics(opps, rate);
        const potential = specs.reduce((sum, s) => sum + s.centihours, 0);
        const implemented = specs.filter((s) => s.status === "IMPLEMENTED")
          .reduce((sum, s) => sum + s.centihours, 0);
        // Exact integer arithmetic: weekly × 52 never lands on .5 (52c ≡ 50 mod 100 is impossible).
        const annual = (c: number) => Math.round((c * 52) / 100);
        assert.equal(m.time_saved.potential_weekly, potential / 100);
        assert.equal(m.time_saved.implemented_weekly, implemented / 100);
        assert.equal(m.time_saved.potential_annual, annual(potential));
        assert.equal(m.time_saved.implemented_annual, annual(implemented));
        assert.ok(m.time_saved.implemented_annual <= m.time_saved.potential_annual);
        if (rate === null) {
          assert.equal(m.money_saved.potential_annual, null);
          assert.equal(m.money_saved.implemented_annual, null);
        } else {
          assert.equal(m.money_saved.hourly_rate, rate / 100);
          assert.equal(
            m.money_saved.potential_annual,
            Math.round((annual(potential) * rate) / 100),
          );
          assert.equal(
            m.money_saved.implemented_annual,
            Math.round((annual(implemented) * rate) / 100),
          );
          assert.ok(Number.isInteger(m.money_saved.potential_annual));
          assert.ok(m.money_saved.implemented_annual! <= m.money_saved.potential_annual!);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("progress summary: completion is floored — 1/3 → 33, 2/3 → 66, 3/3 → 100, 0/3 → 0", () => {
  const pct = (statuses: Parameters<typeof seedOpportunities>[0]) =>
    summarizeProgress(seedOpportunities(statuses)).completion_percentage;
  assert.equal(pct(["NOT_STARTED", "NOT_STARTED", "NOT_STARTED"]), 0);
  assert.equal(pct(["IMPLEMENTED", "IN_PROGRESS", "NOT_STARTED"]), 33);
  assert.equal(pct(["IMPLEMENTED", "IMPLEMENTED", "IN_PROGRESS"]), 66);
  assert.equal(pct(["IMPLEMENTED", "IMPLEMENTED", "IMPLEMENTED"]), 100);
  assert.deepEqual(
    summarizeProgress(seedOpportunities(["IMPLEMENTED", "IN_PROGRESS", "NOT_STARTED"])),
    {
      total_opportunities: 3,
      not_started: 1,
      in_progress: 1,
      implemented: 1,
      completion_percentage: 33,
    },
  );
  assert.equal(summarizeProgress([]).completion_percentage, 0);
  assert.equal(
    summarizeProgress(opportunities({ hours: 1, status: "IMPLEMENTED" }, { hours: 1 }))
      .completion_percentage,
    50,
  );
});

Deno.test("progress summary (property): completion = ⌊100 × implemented / total⌋ exactly, counts add up", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...STATUSES), { maxLength: 150 }), (statuses) => {
      const s = summarizeProgress(
        opportunities(...statuses.map((status) => ({ hours: 1, status }))),
      );
      const implemented = statuses.filter((x) => x === "IMPLEMENTED").length;
      assert.equal(s.total_opportunities, statuses.length);
      assert.equal(s.not_started + s.in_progress + s.implemented, statuses.length);
      assert.equal(s.implemented, implemented);
      // Integer floor division: no float error (0.29 × 100 = 28.999…).
      const expected = statuses.length === 0
        ? 0
        : Math.floor((implemented * 100) / statuses.length);
      assert.equal(s.completion_percentage, expected);
    }),
    {
      numRuns: 500,
      examples: [[Array(29).fill("IMPLEMENTED").concat(Array(71).fill("NOT_STARTED"))]],
    },
  );
});
