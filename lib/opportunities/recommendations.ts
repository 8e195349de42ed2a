/**
 * What to do next: NOT_STARTED opportunities by priority = hours per week / complexity (highest
 * first; ties: lower complexity, then more hours), each with a reason in the reader's language.
 */
import { numberFormat } from "../i18n/formatters.ts";
import type { Locale } from "../i18n/i18n.ts";
import { weeklyHours } from "./metrics.ts";
import type { Opportunity } from "./types.ts";

export interface Recommendation {
  opportunity_id: string;
  category: string;
  hours_per_week: number;
  complexity_level: number;
  priority_score: number;
  reason: string;
}

/** Exact comparison of a.h/a.c against b.h/b.c without floating-point ties going astray. */
function byPriority(a: Opportunity, b: Opportunity): number {
  const cross = b.centihoursPerWeek * a.complexityLevel - a.centihoursPerWeek * b.complexityLevel;
  if (cross !== 0) return cross;
  if (a.complexityLevel !== b.complexityLevel) return a.complexityLevel - b.complexityLevel;
  if (a.centihoursPerWeek !== b.centihoursPerWeek) return b.centihoursPerWeek - a.centihoursPerWeek;
  return a.position - b.position;
}

function formatHours(hours: number, locale: Locale): string {
  return numberFormat(locale === "fr" ? "fr-CA" : "en-CA", { maximumFractionDigits: 2 })
    .format(hours);
}

export function reasonFor(opportunity: Opportunity, locale: Locale): string {
  const h = formatHours(weeklyHours(opportunity.centihoursPerWeek), locale);
  const c = opportunity.complexityLevel;
  const fr = locale === "fr";
  if (c <= 3) {
    return fr
      ? `Victoire rapide : complexité faible (${c}/10) pour ${h} h/semaine économisées`
      : `Quick win: low complexity (${c}/10) for ${h} h/week saved`;
  }
  if (opportunity.centihoursPerWeek >= 500) {
    return fr
      ? `Fort impact : ${h} h/semaine économisées, complexité ${
        c <= 6 ? "modérée" : "élevée"
      } (${c}/10)`
      : `High impact: ${h} h/week saved at ${c <= 6 ? "moderate" : "high"} complexity (${c}/10)`;
  }
  return fr
    ? `Gain régulier : ${h} h/semaine pour une complexité de ${c}/10`
    : `Steady gain: ${h} h/week for complexity ${c}/10`;
}

export function recommend(opportunities: Opportunity[], locale: Locale): Recommendation[] {
  return opportunities
    .filter((o) => o.status === "NOT_STARTED")
    .sort(byPriority)
    .map((o) => ({
      opportunity_id: o.opportunityId,
      category: o.category,
      hours_per_week: weeklyHours(o.centihoursPerWeek),
      complexity_level: o.complexityLevel,
      // centihours / complexity is the score × 100, computed without an intermediate rounding
      // (161.14 / 4 = 40.285 exactly must round to 40.29, not the float's 40.28).
      priority_score: Math.round(o.centihoursPerWeek / o.complexityLevel) / 100,
      reason: reasonFor(o, locale),
    }));
}
