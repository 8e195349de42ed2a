/**
 * Badge criteria and evaluation (lib/badges/criteria.ts, evaluate.ts), including the seed's own
 * unit cases: first_step on first progress, no quick_win for an 8-day-old analysis, time_saver at
 * 5 h + 8 h, and no badge awarded twice.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type BadgeFacts, CRITERIA } from "../../../lib/badges/criteria.ts";
import type { BadgeDefinition } from "../../../lib/badges/definitions.ts";
import {
  badgeJson,
  badgeStatuses,
  formatBadgeProgress,
  newlyEarned,
} from "../../../lib/badges/evaluate.ts";
import { type BadgeAward, STATUSES } from "../../../lib/opportunities/types.ts";
import { opportunities, seedOpportunities } from "../opportunities/builders.ts";

/** The five seed badges as db/migrations/0002_opportunities.sql defines them. */
function def(
  key: string,
  criterion: string,
  params: Record<string, unknown>,
  points: number,
  icon: string,
  sortOrder: number,
  en: string,
  fr: string,
): BadgeDefinition {
  return {
    key,
    version: 1,
    criterion,
    params,
    points,
    icon,
    sortOrder,
    name: { en, fr },
    description: { en: `${en}!`, fr: `${fr}!` },
    active: true,
  };
}
const SEED_DEFINITIONS: BadgeDefinition[] = [
  def("first_step", "any_progress", {}, 10, "🎯", 1, "First Step", "Premier Pas"),
  def(
    "quick_win",
    "implemented_within_days",
    { days: 7 },
    25,
    "⚡",
    2,
    "Quick Win",
    "Victoire Rapide",
  ),
  def(
    "time_saver",
    "implemented_hours_at_least",
    { hours_per_week: 10 },
    50,
    "⏰",
    3,
    "Time Saver",
    "Économiseur de Temps",
  ),
  def(
    "efficiency_expert",
    "all_implemented",
    {},
    100,
    "🏆",
    4,
    "Efficiency Expert",
    "Expert Efficacité",
  ),
  def(
    "streak_master",
    "activity_streak_days",
    { days: 7 },
    75,
    "🔥",
    5,
    "Streak Master",
    "Maître de la Constance",
  ),
];

const NOW = Temporal.Instant.from("2025-10-29T10:00:00Z");

function facts(overrides: Partial<BadgeFacts> = {}): BadgeFacts {
  return {
    analysisCreatedAt: NOW.subtract({ hours: 24 }),
    opportunities: seedOpportunities(),
    activityDays: [],
    zone: "UTC",
    now: NOW,
    ...overrides,
  };
}

const keys = (defs: BadgeDefinition[]) => defs.map((d) => d.key);
const award = (badgeKey: string, version = 1): BadgeAward => ({
  badgeKey,
  version,
  earnedAt: "2025-10-28T10:00:00.000Z",
});

// ---- the seed's unit tests ----

Deno.test("seed: first_step is awarded on the first progress (IN_PROGRESS)", () => {
  const earned = newlyEarned(
    SEED_DEFINITIONS,
    facts({ opportunities: seedOpportunities(["IN_PROGRESS", "NOT_STARTED", "NOT_STARTED"]) }),
    [],
  );
  assert.deepEqual(keys(earned), ["first_step"]);
  assert.equal(badgeJson(earned[0], "x", "fr").badge_name, "Premier Pas");
});

Deno.test("seed: an analysis created 8 days ago gets no quick_win for an implementation today", () => {
  const earned = newlyEarned(
    SEED_DEFINITIONS,
    facts({
      analysisCreatedAt: NOW.subtract({ hours: 24 * 8 }),
      opportunities: opportunities({
        hours: 5,
        status: "IMPLEMENTED",
        implementedAt: NOW.toString(),
      }),
    }),
    [],
  );
  assert.ok(!keys(earned).includes("quick_win"));
  assert.ok(keys(earned).includes("first_step"));
});

Deno.test("seed: 5 h + 8 h implemented (13 h/week) earns time_saver", () => {
  const earned = newlyEarned(
    SEED_DEFINITIONS,
    facts({ opportunities: seedOpportunities(["IMPLEMENTED", "IMPLEMENTED", "NOT_STARTED"]) }),
    [],
  );
  assert.ok(keys(earned).includes("time_saver"));
  assert.ok(!keys(earned).includes("efficiency_expert"));
});

Deno.test("seed: a badge already awarded is never awarded again", () => {
  const earned = newlyEarned(
    SEED_DEFINITIONS,
    facts({ opportunities: seedOpportunities(["IN_PROGRESS", "NOT_STARTED", "NOT_STARTED"]) }),
    [award("first_step")],
  );
  assert.deepEqual(earned, []);
});

// ---- each criterion ----

Deno.test("any_progress: earned once anything left NOT_STARTED", () => {
  assert.equal(CRITERIA.any_progress(facts(), {}).earned, false);
  assert.equal(
    CRITERIA.any_progress(
      facts({ opportunities: seedOpportunities(["NOT_STARTED", "NOT_STARTED", "IMPLEMENTED"]) }),
      {},
    ).earned,
    true,
  );
  assert.equal(CRITERIA.any_progress(facts({ opportunities: [] }), {}).earned, false);
});

Deno.test("implemented_within_days: 7 days to the millisecond from created_at", () => {
  const created = Temporal.Instant.from("2025-10-01T12:00:00Z");
  const at = (instant: Temporal.Instant) =>
    CRITERIA.implemented_within_days(
      facts({
        analysisCreatedAt: created,
        opportunities: opportunities({
          hours: 1,
          status: "IMPLEMENTED",
          implementedAt: instant.toString(),
        }),
        now: instant,
      }),
      { days: 7 },
    ).earned;
  assert.equal(at(created.add({ hours: 1 })), true);
  assert.equal(at(created.add({ hours: 24 * 7 })), true);
  assert.equal(at(created.add({ hours: 24 * 7, milliseconds: 1 })), false);
  assert.equal(at(created.add({ hours: 24 * 8 })), false);
});

Deno.test("implemented_within_days: judged by the FIRST implementation, not the latest", () => {
  const created = Temporal.Instant.from("2025-10-01T12:00:00Z");
  const result = CRITERIA.implemented_within_days(
    facts({
      analysisCreatedAt: created,
      now: created.add({ hours: 24 * 20 }),
      opportunities: opportunities(
        {
          hours: 1,
          status: "IMPLEMENTED",
          implementedAt: created.add({ hours: 24 * 15 }).toString(),
        },
        {
          hours: 1,
          status: "IMPLEMENTED",
          implementedAt: created.add({ hours: 24 * 2 }).toString(),
        },
      ),
    }),
    { days: 7 },
  );
  assert.equal(result.earned, true);
});

Deno.test("implemented_within_days: progress says how many days are left, 0 once closed", () => {
  const created = Temporal.Instant.from("2025-10-01T12:00:00Z");
  const progress = (now: Temporal.Instant) =>
    CRITERIA.implemented_within_days(facts({ analysisCreatedAt: created, now }), { days: 7 })
      .progress;
  assert.equal(progress(created).daysLeft, 7);
  assert.equal(progress(created.add({ hours: 24 * 6 + 1 })).daysLeft, 1);
  assert.equal(progress(created.add({ hours: 24 * 8 })).daysLeft, 0);
  assert.equal(
    formatBadgeProgress(progress(created.add({ hours: 24 * 8 })), "en"),
    "Window closed",
  );
  assert.equal(formatBadgeProgress(progress(created.add({ hours: 24 * 5 })), "en"), "2 days left");
  assert.equal(
    formatBadgeProgress(progress(created.add({ hours: 24 * 5 })), "fr"),
    "2 jours restants",
  );
  assert.equal(
    formatBadgeProgress(progress(created.add({ hours: 24 * 6 + 1 })), "en"),
    "1 day left",
  );
});

Deno.test("implemented_hours_at_least (property): earned iff implemented hours ≥ the target", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          centihours: fc.integer({ min: 0, max: 2000 }),
          status: fc.constantFrom(...STATUSES),
        }),
        {
          maxLength: 3,
        },
      ),
      fc.integer({ min: 1, max: 60 }),
      (specs, target) => {
        const opps = opportunities(
          ...specs.map((s) => ({ hours: s.centihours / 100, status: s.status })),
        );
        const implemented = specs.filter((s) => s.status === "IMPLEMENTED").reduce(
          (a, s) => a + s.centihours,
          0,
        );
        const result = CRITERIA.implemented_hours_at_least(facts({ opportunities: opps }), {
          hours_per_week: target,
        });
        assert.equal(result.earned, implemented >= target * 100);
        assert.deepEqual(result.progress, {
          current: implemented / 100,
          target,
          unit: "hours_per_week",
        });
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("implemented_hours_at_least: exactly 10 h counts; 9.99 h does not; fractional sums are exact", () => {
  const at = (...hours: number[]) =>
    CRITERIA.implemented_hours_at_least(
      facts({
        opportunities: opportunities(
          ...hours.map((h) => ({ hours: h, status: "IMPLEMENTED" as const })),
        ),
      }),
      { hours_per_week: 10 },
    ).earned;
  assert.equal(at(10), true);
  assert.equal(at(9.99), false);
  assert.equal(at(3.3, 3.3, 3.4), true); // 3.3 + 3.3 + 3.4 = 9.999999999999998 in floats
  assert.equal(at(5, 8), true);
});

Deno.test("all_implemented (property): earned iff every opportunity (at least one) is implemented", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...STATUSES), { maxLength: 3 }), (statuses) => {
      const result = CRITERIA.all_implemented(
        facts({
          opportunities: opportunities(...statuses.map((status) => ({ hours: 1, status }))),
        }),
        {},
      );
      const done = statuses.filter((s) => s === "IMPLEMENTED").length;
      assert.equal(result.earned, statuses.length > 0 && done === statuses.length);
      assert.deepEqual(result.progress, {
        current: done,
        target: statuses.length,
        unit: "opportunities",
      });
    }),
  );
});

Deno.test("activity_streak_days: 7 consecutive days earn it; 6 report 6 / 7", () => {
  const days = (n: number, end = "2025-10-29") =>
    Array.from(
      { length: n },
      (_, i) => Temporal.PlainDate.from(end).subtract({ days: n - 1 - i }).toString(),
    );
  const seven = CRITERIA.activity_streak_days(facts({ activityDays: days(7) }), { days: 7 });
  assert.equal(seven.earned, true);
  const six = CRITERIA.activity_streak_days(facts({ activityDays: days(6) }), { days: 7 });
  assert.equal(six.earned, false);
  assert.deepEqual(six.progress, { current: 6, target: 7, unit: "days" });
  assert.equal(formatBadgeProgress(six.progress, "en"), "6 / 7 consecutive days");
  assert.equal(formatBadgeProgress(six.progress, "fr"), "6 / 7 jours consécutifs");
  // A past 7-day run earns it even if the streak has since broken.
  const past = CRITERIA.activity_streak_days(facts({ activityDays: days(7, "2025-10-10") }), {
    days: 7,
  });
  assert.equal(past.earned, true);
  // Ending yesterday still counts as the current streak.
  const yesterday = CRITERIA.activity_streak_days(facts({ activityDays: days(4, "2025-10-28") }), {
    days: 7,
  });
  assert.equal(yesterday.progress.current, 4);
  // A gap resets it.
  const gap = CRITERIA.activity_streak_days(
    facts({
      activityDays: [
        "2025-10-22",
        "2025-10-23",
        "2025-10-24",
        "2025-10-26",
        "2025-10-27",
        "2025-10-28",
        "2025-10-29",
      ],
    }),
    { days: 7 },
  );
  assert.equal(gap.earned, false);
  assert.equal(gap.progress.current, 4);
});

Deno.test("criteria fall back to the seed's parameters when params are missing or malformed", () => {
  const opps = opportunities({ hours: 10, status: "IMPLEMENTED" });
  assert.equal(
    CRITERIA.implemented_hours_at_least(facts({ opportunities: opps }), {}).progress.target,
    10,
  );
  assert.equal(
    CRITERIA.implemented_hours_at_least(facts({ opportunities: opps }), { hours_per_week: "lots" })
      .progress.target,
    10,
  );
  assert.equal(CRITERIA.activity_streak_days(facts(), { days: null }).progress.target, 7);
});

// ---- evaluation over definitions ----

Deno.test("newlyEarned: inactive definitions and unknown criteria are never awarded", () => {
  const opps = seedOpportunities(["IMPLEMENTED", "IMPLEMENTED", "IMPLEMENTED"]);
  const inactive = SEED_DEFINITIONS.map((d) => ({ ...d, active: d.key !== "time_saver" }));
  assert.ok(
    !keys(newlyEarned(inactive, facts({ opportunities: opps }), [])).includes("time_saver"),
  );
  const unknown = [...SEED_DEFINITIONS, {
    ...SEED_DEFINITIONS[0],
    key: "mystery",
    criterion: "no_such_rule",
  }];
  assert.deepEqual(
    keys(newlyEarned(unknown, facts({ opportunities: opps }), [])),
    ["first_step", "quick_win", "time_saver", "efficiency_expert"],
  );
});

Deno.test("newlyEarned: a new definition using an existing criterion works with no code change", () => {
  const threeHours = def(
    "three_hours",
    "implemented_hours_at_least",
    { hours_per_week: 3 },
    5,
    "⭐",
    6,
    "Three",
    "Trois",
  );
  const definitions = [...SEED_DEFINITIONS, threeHours];
  const none = newlyEarned(
    definitions,
    facts({ opportunities: seedOpportunities(["NOT_STARTED", "NOT_STARTED", "IMPLEMENTED"]) }),
    [
      award("first_step"),
      award("quick_win"),
    ],
  );
  assert.deepEqual(keys(none), []); // 2 h < 3 h
  const some = newlyEarned(
    definitions,
    facts({ opportunities: seedOpportunities(["IMPLEMENTED", "NOT_STARTED", "NOT_STARTED"]) }),
    [
      award("first_step"),
      award("quick_win"),
    ],
  );
  assert.deepEqual(keys(some), ["three_hours"]);
});

Deno.test("newlyEarned (property): never returns an awarded key, and only active, met definitions", () => {
  fc.assert(
    fc.property(
      fc.tuple(
        fc.constantFrom(...STATUSES),
        fc.constantFrom(...STATUSES),
        fc.constantFrom(...STATUSES),
      ),
      fc.subarray(SEED_DEFINITIONS.map((d) => d.key)),
      fc.integer({ min: 0, max: 20 }),
      (statuses, awarded, ageDays) => {
        const f = facts({
          opportunities: seedOpportunities(statuses),
          analysisCreatedAt: NOW.subtract({ hours: 24 * ageDays }),
        });
        const earned = newlyEarned(SEED_DEFINITIONS, f, awarded.map((k) => award(k)));
        for (const d of earned) {
          assert.ok(!awarded.includes(d.key));
          assert.ok(CRITERIA[d.criterion](f, d.params).earned);
        }
        for (const d of SEED_DEFINITIONS) {
          if (!awarded.includes(d.key) && CRITERIA[d.criterion](f, d.params).earned) {
            assert.ok(keys(earned).includes(d.key), `${d.key} should be earned`);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("badgeStatuses: one entry per key; awards described by the version they were earned under", () => {
  const v2 = {
    ...SEED_DEFINITIONS[2],
    version: 2,
    points: 60,
    name: { en: "Time Saver v2", fr: "v2" },
  };
  const v1 = { ...SEED_DEFINITIONS[2], active: false };
  const definitions = [
    SEED_DEFINITIONS[0],
    SEED_DEFINITIONS[1],
    v2,
    v1,
    ...SEED_DEFINITIONS.slice(3),
  ];
  const statuses = badgeStatuses(definitions, facts(), [award("time_saver", 1)]);
  assert.deepEqual(statuses.map((s) => s.definition.key), [
    "first_step",
    "quick_win",
    "time_saver",
    "efficiency_expert",
    "streak_master",
  ]);
  const timeSaver = statuses.find((s) => s.definition.key === "time_saver")!;
  assert.equal(timeSaver.definition.version, 1);
  assert.equal(timeSaver.definition.points, 50);
  assert.equal(timeSaver.progress, null);
  for (const s of statuses.filter((s) => s.award === null)) assert.ok(s.progress);
});

Deno.test("formatBadgeProgress: '6.5 / 10 h per week' in English, '6,5 / 10 h par semaine' in French", () => {
  const progress = { current: 6.5, target: 10, unit: "hours_per_week" as const };
  assert.equal(formatBadgeProgress(progress, "en"), "6.5 / 10 h per week");
  assert.equal(formatBadgeProgress(progress, "fr"), "6,5 / 10 h par semaine");
  assert.equal(
    formatBadgeProgress({ current: 2, target: 3, unit: "opportunities" }, "en"),
    "2 / 3 opportunities implemented",
  );
  assert.equal(
    formatBadgeProgress({ current: 0, target: 1, unit: "steps" }, "fr"),
    "Commencez une opportunité",
  );
});

Deno.test("badgeJson: the seed's names, icons and points in both languages", () => {
  const expected = [
    ["first_step", "First Step", "Premier Pas", "🎯", 10],
    ["quick_win", "Quick Win", "Victoire Rapide", "⚡", 25],
    ["time_saver", "Time Saver", "Économiseur de Temps", "⏰", 50],
    ["efficiency_expert", "Efficiency Expert", "Expert Efficacité", "🏆", 100],
    ["streak_master", "Streak Master", "Maître de la Constance", "🔥", 75],
  ] as const;
  for (const [i, [key, en, fr, icon, points]] of expected.entries()) {
    const d = SEED_DEFINITIONS[i];
    assert.equal(badgeJson(d, "t", "en").badge_name, en);
    assert.deepEqual(badgeJson(d, "t", "fr"), {
      badge_type: key,
      badge_name: fr,
      description: d.description.fr,
      icon,
      points,
      earned_at: "t",
    });
  }
});

Deno.test("changesAt: a quick-win countdown changes when the next whole day of its window has passed", () => {
  const created = Temporal.Instant.from("2025-10-28T15:30:00Z");
  const at = (now: Temporal.Instant) =>
    CRITERIA.implemented_within_days(facts({ analysisCreatedAt: created, now }), { days: 7 });
  // Deadline 2025-11-04T15:30Z. At 10:00 on the 29th, 6 d 5.5 h are left: "7 days" until 15:30.
  const now = NOW;
  const result = at(now);
  assert.equal(result.progress.daysLeft, 7);
  assert.equal(result.changesAt, Temporal.Instant.from("2025-10-29T15:30:00Z").epochMilliseconds);
  // Just before that instant it still says 7; at it, 6.
  assert.equal(
    at(Temporal.Instant.fromEpochMilliseconds(result.changesAt! - 1)).progress.daysLeft,
    7,
  );
  assert.equal(at(Temporal.Instant.fromEpochMilliseconds(result.changesAt!)).progress.daysLeft, 6);
  // Once the window has closed nothing the clock does changes the answer.
  assert.equal(at(Temporal.Instant.from("2025-11-05T00:00:00Z")).changesAt, undefined);
});

Deno.test("changesAt: a running streak can change at the owner's next midnight (DST-aware)", () => {
  const result = CRITERIA.activity_streak_days(
    facts({
      activityDays: ["2025-10-28", "2025-10-29"],
      zone: "America/Toronto",
      now: Temporal.Instant.from("2025-11-02T03:00:00Z"), // Nov 1, 23:00 in Toronto (EDT)
    }),
    { days: 7 },
  );
  // Midnight of Nov 2 in Toronto is 04:00Z (still EDT; the clocks go back at 02:00 local).
  assert.equal(result.changesAt, Temporal.Instant.from("2025-11-02T04:00:00Z").epochMilliseconds);
  // No activity, or the badge already earned: the clock changes nothing.
  assert.equal(CRITERIA.activity_streak_days(facts(), { days: 7 }).changesAt, undefined);
  const days = Array.from(
    { length: 7 },
    (_, i) => Temporal.PlainDate.from("2025-10-23").add({ days: i }).toString(),
  );
  assert.equal(
    CRITERIA.activity_streak_days(facts({ activityDays: days }), { days: 7 }).changesAt,
    undefined,
  );
  // Rules that read no clock never set it.
  assert.equal(
    CRITERIA.implemented_hours_at_least(facts(), { hours_per_week: 10 }).changesAt,
    undefined,
  );
});
