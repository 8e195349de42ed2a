/**
 * Recommendations (lib/opportunities/recommendations.ts): NOT_STARTED only, ordered by
 * hours / complexity (ties: lower complexity, then more hours, then the analysis' own order),
 * score rounded to 2 decimals, a reason in English or French.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { recommend } from "../../../lib/opportunities/recommendations.ts";
import { STATUSES } from "../../../lib/opportunities/types.ts";
import { opportunities, seedOpportunities } from "./builders.ts";

const ids = (recs: { opportunity_id: string }[]) => recs.map((r) => r.opportunity_id);

Deno.test("recommendations: the seed's example — 8h/5 (1.6) before 5h/7 (0.71) before 2h/3 (0.67)", () => {
  const recs = recommend(seedOpportunities(), "en");
  assert.deepEqual(ids(recs), ["value_creation", "digital_presence", "business_management"]);
  assert.deepEqual(recs.map((r) => r.priority_score), [1.6, 0.71, 0.67]);
  assert.deepEqual(recs[0], {
    opportunity_id: "value_creation",
    category: "value_creation",
    hours_per_week: 8,
    complexity_level: 5,
    priority_score: 1.6,
    reason: "High impact: 8 h/week saved at moderate complexity (5/10)",
  });
});

Deno.test("recommendations: IMPLEMENTED and IN_PROGRESS are excluded", () => {
  assert.deepEqual(
    ids(recommend(seedOpportunities(["IN_PROGRESS", "NOT_STARTED", "IMPLEMENTED"]), "en")),
    ["value_creation"],
  );
  assert.deepEqual(
    recommend(seedOpportunities(["IMPLEMENTED", "IN_PROGRESS", "IMPLEMENTED"]), "en"),
    [],
  );
});

Deno.test("recommendations: equal scores → lower complexity first (4h/2 before 6h/3 before 8h/4)", () => {
  const recs = recommend(
    opportunities(
      { hours: 8, complexity: 4 },
      { hours: 6, complexity: 3 },
      { hours: 4, complexity: 2 },
    ),
    "en",
  );
  assert.deepEqual(recs.map((r) => [r.hours_per_week, r.complexity_level]), [[4, 2], [6, 3], [
    8,
    4,
  ]]);
  assert.deepEqual(recs.map((r) => r.priority_score), [2, 2, 2]);
});

Deno.test("recommendations: exact ratios, not floats — 0.3h/3 equals 0.1h/1 (lower complexity wins)", () => {
  // 0.3 / 3 = 0.09999999999999999 in floating point, 0.1 / 1 = 0.1: a float sort would put 0.1h/1
  // first for the wrong reason and could flip with other values. Exact: equal → complexity 1 first.
  const recs = recommend(
    opportunities({ hours: 0.3, complexity: 3 }, { hours: 0.1, complexity: 1 }),
    "en",
  );
  assert.deepEqual(recs.map((r) => r.complexity_level), [1, 3]);
  const reversed = recommend(
    opportunities({ hours: 0.1, complexity: 1 }, { hours: 0.3, complexity: 3 }),
    "en",
  );
  assert.deepEqual(reversed.map((r) => r.complexity_level), [1, 3]);
});

Deno.test("recommendations: identical opportunities keep the analysis' order", () => {
  const recs = recommend(
    opportunities({ hours: 3, complexity: 3 }, { hours: 3, complexity: 3 }, {
      hours: 3,
      complexity: 3,
    }),
    "en",
  );
  assert.deepEqual(ids(recs), ["digital_presence", "value_creation", "business_management"]);
});

Deno.test("recommendations: score rounded to 2 decimals (half up on the exact value)", () => {
  const score = (hours: number, complexity: number) =>
    recommend(opportunities({ hours, complexity }), "en")[0].priority_score;
  assert.equal(score(2, 3), 0.67);
  assert.equal(score(1, 3), 0.33);
  assert.equal(score(10, 7), 1.43);
  assert.equal(score(5, 7), 0.71);
  assert.equal(score(0, 4), 0);
  assert.equal(score(168, 1), 168);
  // 2.01 / 2 is exactly 1.005: half up → 1.01 (a float computation gives 1.00499… → 1).
  assert.equal(score(2.01, 2), 1.01);
  assert.equal(score(0.01, 2), 0.01); // 0.005 → 0.01
  assert.equal(score(1.01, 2), 0.51); // 0.505 → 0.51
});

Deno.test("recommendations: reasons in English and French", () => {
  const opps = opportunities(
    { hours: 2, complexity: 3 },
    { hours: 6.5, complexity: 8 },
    { hours: 3.25, complexity: 6 },
  );
  const en = Object.fromEntries(recommend(opps, "en").map((r) => [r.opportunity_id, r.reason]));
  const fr = Object.fromEntries(recommend(opps, "fr").map((r) => [r.opportunity_id, r.reason]));
  assert.equal(en.digital_presence, "Quick win: low complexity (3/10) for 2 h/week saved");
  assert.equal(en.value_creation, "High impact: 6.5 h/week saved at high complexity (8/10)");
  assert.equal(en.business_management, "Steady gain: 3.25 h/week for complexity 6/10");
  assert.equal(
    fr.digital_presence,
    "Victoire rapide : complexité faible (3/10) pour 2 h/semaine économisées",
  );
  assert.equal(
    fr.value_creation,
    "Fort impact : 6,5 h/semaine économisées, complexité élevée (8/10)",
  );
  assert.equal(
    fr.business_management,
    "Gain régulier : 3,25 h/semaine pour une complexité de 6/10",
  );
});

const opportunitySpec = fc.record({
  centihours: fc.integer({ min: 0, max: 16800 }),
  complexity: fc.integer({ min: 1, max: 10 }),
  status: fc.constantFrom(...STATUSES),
});

Deno.test("recommendations (property): exactly the NOT_STARTED ones, best first, scores exact", () => {
  fc.assert(
    fc.property(
      fc.array(opportunitySpec, { maxLength: 12 }),
      fc.constantFrom("en", "fr"),
      (specs, locale) => {
        const opps = opportunities(
          ...specs.map((s) => ({
            hours: s.centihours / 100,
            complexity: s.complexity,
            status: s.status,
          })),
        );
        const recs = recommend(opps, locale as "en" | "fr");
        const expected = opps.filter((o) => o.status === "NOT_STARTED");
        assert.deepEqual([...ids(recs)].sort(), expected.map((o) => o.opportunityId).sort());
        for (const r of recs) {
          const o = opps.find((x) => x.opportunityId === r.opportunity_id)!;
          // round-half-up of centihours / complexity / 100, in integers.
          const exact = Math.floor(
            (2 * o.centihoursPerWeek + o.complexityLevel) / (2 * o.complexityLevel),
          );
          assert.equal(
            r.priority_score,
            exact / 100,
            `${o.centihoursPerWeek}/${o.complexityLevel}`,
          );
          assert.ok(r.reason.length > 0);
        }
        for (let i = 1; i < recs.length; i++) {
          const a = recs[i - 1];
          const b = recs[i];
          const ca = Math.round(a.hours_per_week * 100);
          const cb = Math.round(b.hours_per_week * 100);
          const cross = ca * b.complexity_level - cb * a.complexity_level; // a/ca vs b/cb, exact
          assert.ok(cross >= 0, "higher priority first");
          assert.ok(a.priority_score >= b.priority_score, "displayed scores never increase");
          if (cross === 0) {
            assert.ok(a.complexity_level <= b.complexity_level, "tie → lower complexity first");
            if (a.complexity_level === b.complexity_level) assert.ok(ca >= cb, "then more hours");
          }
        }
      },
    ),
    { numRuns: 400 },
  );
});
