/**
 * Time and money saved, and the progress summary — pure functions over opportunities, rounded
 * once at the edge the way the seed's contract says: annual hours = weekly hours × 52 (integer),
 * money = annual hours × hourly rate (integer CAD), null while no rate is known.
 */
import type { Opportunity } from "./types.ts";

export interface Metrics {
  time_saved: {
    potential_weekly: number;
    implemented_weekly: number;
    potential_annual: number;
    implemented_annual: number;
  };
  money_saved: {
    hourly_rate: number | null;
    potential_annual: number | null;
    implemented_annual: number | null;
    currency: "CAD";
  };
}

export interface ProgressSummary {
  total_opportunities: number;
  not_started: number;
  in_progress: number;
  implemented: number;
  completion_percentage: number;
}

/** Weekly hours as a number with at most two decimals (650 → 6.5). */
export const weeklyHours = (centihours: number) => centihours / 100;
/** Annual hours, rounded to a whole hour (6.5 h/week → 338). */
export const annualHours = (centihours: number) => Math.round((centihours * 52) / 100);

export function computeMetrics(
  opportunities: Opportunity[],
  hourlyRateCents: number | null,
): Metrics {
  const potential = opportunities.reduce((sum, o) => sum + o.centihoursPerWeek, 0);
  const implemented = opportunities
    .filter((o) => o.status === "IMPLEMENTED")
    .reduce((sum, o) => sum + o.centihoursPerWeek, 0);
  const potentialAnnual = annualHours(potential);
  const implementedAnnual = annualHours(implemented);
  const money = (hours: number) =>
    hourlyRateCents === null ? null : Math.round((hours * hourlyRateCents) / 100);
  return {
    time_saved: {
      potential_weekly: weeklyHours(potential),
      implemented_weekly: weeklyHours(implemented),
      potential_annual: potentialAnnual,
      implemented_annual: implementedAnnual,
    },
    money_saved: {
      hourly_rate: hourlyRateCents === null ? null : hourlyRateCents / 100,
      potential_annual: money(potentialAnnual),
      implemented_annual: money(implementedAnnual),
      currency: "CAD",
    },
  };
}

export function summarizeProgress(opportunities: Opportunity[]): ProgressSummary {
  const count = (status: Opportunity["status"]) =>
    opportunities.filter((o) => o.status === status).length;
  const total = opportunities.length;
  const implemented = count("IMPLEMENTED");
  return {
    total_opportunities: total,
    not_started: count("NOT_STARTED"),
    in_progress: count("IN_PROGRESS"),
    implemented,
    // Integer arithmetic: (29 / 50) * 100 is 57.99999999999999 in floating point.
    completion_percentage: total === 0 ? 0 : Math.floor((implemented * 100) / total),
  };
}
