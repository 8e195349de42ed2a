/**
 * Badge criteria: one pure function per rule *kind*. Definitions (which badge uses which
 * criterion, with which parameters, points, icon, names) are data in `badge_definitions`; adding
 * a badge is adding a row and, only for a new kind of rule, a function here.
 */
import { currentStreak, longestStreak } from "../time/streaks.ts";
import type { Opportunity } from "../opportunities/types.ts";

/** What a criterion may look at. */
export interface BadgeFacts {
  analysisCreatedAt: Temporal.Instant;
  opportunities: Opportunity[];
  /** Days with activity in the owner's zone, ascending YYYY-MM-DD. */
  activityDays: string[];
  zone: string;
  now: Temporal.Instant;
}

/** How far along an unearned badge is ("6.5 / 10 h per week"). */
export interface BadgeProgress {
  current: number;
  target: number;
  unit: "steps" | "hours_per_week" | "opportunities" | "days";
  /** For time-boxed badges: whole days left to earn it; 0 when the window has closed. */
  daysLeft?: number;
}

export interface CriterionResult {
  earned: boolean;
  progress: BadgeProgress;
  /**
   * For rules that read the clock: the next instant (epoch ms) at which this result can change
   * with no new data — a day boundary. Absent when only new data can change it. Lets a rendered
   * dashboard be reused until then.
   */
  changesAt?: number;
}

export type Criterion = (facts: BadgeFacts, params: Record<string, unknown>) => CriterionResult;

const num = (params: Record<string, unknown>, key: string, fallback: number): number => {
  const value = params[key];
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
};

const DAY_MS = 86_400_000;

/** The start of the next day in `zone` (DST-aware: a day may start at 01:00), as epoch ms. */
function nextMidnight(now: Temporal.Instant, zone: string): number {
  return now.toZonedDateTimeISO(zone).toPlainDate().add({ days: 1 })
    .toZonedDateTime({ timeZone: zone }).epochMilliseconds;
}

const implemented = (facts: BadgeFacts) =>
  facts.opportunities.filter((o) => o.status === "IMPLEMENTED");

export const CRITERIA: Record<string, Criterion> = {
  /** Any opportunity moved past NOT_STARTED. */
  any_progress(facts) {
    const started = facts.opportunities.some((o) => o.status !== "NOT_STARTED");
    return { earned: started, progress: { current: started ? 1 : 0, target: 1, unit: "steps" } };
  },

  /** The first IMPLEMENTED opportunity within `days` of the analysis' creation. */
  implemented_within_days(facts, params) {
    const days = num(params, "days", 7);
    const deadline = facts.analysisCreatedAt.add({ hours: 24 * days });
    const first = implemented(facts)
      .map((o) => Temporal.Instant.from(o.implementedAt!))
      .sort(Temporal.Instant.compare)[0];
    const earned = first !== undefined && Temporal.Instant.compare(first, deadline) <= 0;
    const msLeft = deadline.epochMilliseconds - facts.now.epochMilliseconds;
    const daysLeft = Math.max(0, Math.ceil(msLeft / DAY_MS));
    return {
      earned,
      // `daysLeft` ticks down each time a whole day of the window has passed.
      ...(msLeft > 0
        ? { changesAt: facts.now.epochMilliseconds + msLeft - (daysLeft - 1) * DAY_MS }
        : {}),
      progress: {
        current: first ? 1 : 0,
        target: 1,
        unit: "opportunities",
        daysLeft,
      },
    };
  },

  /** At least `hours_per_week` implemented. */
  implemented_hours_at_least(facts, params) {
    const target = num(params, "hours_per_week", 10);
    const centihours = implemented(facts).reduce((sum, o) => sum + o.centihoursPerWeek, 0);
    return {
      earned: centihours >= Math.round(target * 100),
      progress: { current: centihours / 100, target, unit: "hours_per_week" },
    };
  },

  /** Every opportunity of the analysis implemented. */
  all_implemented(facts) {
    const done = implemented(facts).length;
    const total = facts.opportunities.length;
    return {
      earned: total > 0 && done === total,
      progress: { current: done, target: total, unit: "opportunities" },
    };
  },

  /** Activity on `days` consecutive days in the owner's zone (at any time). */
  activity_streak_days(facts, params) {
    const target = num(params, "days", 7);
    const earned = longestStreak(facts.activityDays) >= target;
    const current = currentStreak(facts.activityDays, facts.zone, facts.now);
    return {
      earned,
      // The current run is counted up to today, in the owner's zone: it can change at midnight.
      ...(earned || facts.activityDays.length === 0
        ? {}
        : { changesAt: nextMidnight(facts.now, facts.zone) }),
      progress: { current: earned ? target : Math.min(current, target), target, unit: "days" },
    };
  },
};
