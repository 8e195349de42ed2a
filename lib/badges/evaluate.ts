/**
 * Evaluates the active badge definitions against an analysis' facts: which are newly earned, and
 * how far along each unearned one is. Also the badge's public JSON and progress text.
 */
import { numberFormat } from "../i18n/formatters.ts";
import type { Locale } from "../i18n/i18n.ts";
import type { BadgeAward, DashboardSnapshot } from "../opportunities/types.ts";
import { activityDays } from "../time/streaks.ts";
import { type BadgeFacts, type BadgeProgress, CRITERIA } from "./criteria.ts";
import type { BadgeDefinition } from "./definitions.ts";

export interface BadgeStatus {
  definition: BadgeDefinition;
  award: BadgeAward | null;
  /** Null once earned. */
  progress: BadgeProgress | null;
  /** When the progress may change with no new data (see `CriterionResult.changesAt`). */
  changesAt?: number;
}

/** What the criteria read of an analysis, for its owner in `zone`, at `now`. */
export function badgeFacts(
  snapshot: Pick<DashboardSnapshot, "createdAt" | "opportunities" | "activity">,
  zone: string,
  now: Temporal.Instant = Temporal.Now.instant(),
): BadgeFacts {
  return {
    analysisCreatedAt: Temporal.Instant.from(snapshot.createdAt),
    opportunities: snapshot.opportunities,
    activityDays: activityDays(snapshot.activity, zone),
    zone,
    now,
  };
}

/** Active definitions whose criterion is met and that have not been awarded yet. */
export function newlyEarned(
  definitions: BadgeDefinition[],
  facts: BadgeFacts,
  awards: BadgeAward[],
): BadgeDefinition[] {
  const have = new Set(awards.map((a) => a.badgeKey));
  return definitions.filter((d) => {
    if (!d.active || have.has(d.key)) return false;
    const criterion = CRITERIA[d.criterion];
    return criterion !== undefined && criterion(facts, d.params).earned;
  });
}

/** One status per badge key: earned ones with their award, the rest with their progress. */
export function badgeStatuses(
  definitions: BadgeDefinition[],
  facts: BadgeFacts,
  awards: BadgeAward[],
): BadgeStatus[] {
  const awardByKey = new Map(awards.map((a) => [a.badgeKey, a]));
  const statuses: BadgeStatus[] = [];
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (seen.has(definition.key)) continue;
    const award = awardByKey.get(definition.key) ?? null;
    if (award) {
      // Describe an award by the version it was earned under.
      const earnedUnder = definitions.find((d) =>
        d.key === award.badgeKey && d.version === award.version
      ) ?? definition;
      statuses.push({ definition: earnedUnder, award, progress: null });
      seen.add(definition.key);
    } else if (definition.active && CRITERIA[definition.criterion]) {
      const result = CRITERIA[definition.criterion](facts, definition.params);
      statuses.push({
        definition,
        award: null,
        progress: result.progress,
        ...(result.changesAt === undefined ? {} : { changesAt: result.changesAt }),
      });
      seen.add(definition.key);
    }
  }
  return statuses;
}

export interface BadgeJson {
  badge_type: string;
  badge_name: string;
  description: string;
  icon: string;
  points: number;
  earned_at: string;
}

export function badgeJson(
  definition: BadgeDefinition,
  earnedAt: string,
  locale: Locale,
): BadgeJson {
  return {
    badge_type: definition.key,
    badge_name: definition.name[locale] ?? definition.name.en,
    description: definition.description[locale] ?? definition.description.en,
    icon: definition.icon,
    points: definition.points,
    earned_at: earnedAt,
  };
}

/** "6.5 / 10 h per week", "2 / 3 opportunities", "3 / 7 days". */
export function formatBadgeProgress(progress: BadgeProgress, locale: Locale): string {
  const n = numberFormat(locale === "fr" ? "fr-CA" : "en-CA", {
    maximumFractionDigits: 2,
  });
  const fr = locale === "fr";
  const pair = `${n.format(progress.current)} / ${n.format(progress.target)}`;
  switch (progress.unit) {
    case "hours_per_week":
      return `${pair} ${fr ? "h par semaine" : "h per week"}`;
    case "days":
      return `${pair} ${fr ? "jours consécutifs" : "consecutive days"}`;
    case "opportunities":
      if (progress.daysLeft !== undefined) {
        if (progress.current >= progress.target) return fr ? "Délai dépassé" : "Window missed";
        if (progress.daysLeft === 0) return fr ? "Délai expiré" : "Window closed";
        return fr
          ? `${progress.daysLeft} jour${progress.daysLeft > 1 ? "s" : ""} restant${
            progress.daysLeft > 1 ? "s" : ""
          }`
          : `${progress.daysLeft} day${progress.daysLeft > 1 ? "s" : ""} left`;
      }
      return `${pair} ${fr ? "opportunités implémentées" : "opportunities implemented"}`;
    case "steps":
      return fr ? "Commencez une opportunité" : "Start any opportunity";
  }
}
