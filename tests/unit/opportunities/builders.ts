/** Builds in-memory opportunities for the pure-function tests (metrics, recommendations, badges). */
import { CATEGORIES, type Opportunity, type Status } from "../../../lib/opportunities/types.ts";

export interface OpportunitySpec {
  hours: number;
  complexity?: number;
  status?: Status;
  implementedAt?: string | null;
}

/** Opportunities in category order; `hours` are weekly hours (6.5 → 650 centihours). */
export function opportunities(...specs: OpportunitySpec[]): Opportunity[] {
  return specs.map((spec, position) => {
    const status = spec.status ?? "NOT_STARTED";
    return {
      opportunityId: CATEGORIES[position % CATEGORIES.length] +
        (position >= CATEGORIES.length ? `_${position}` : ""),
      category: CATEGORIES[position % CATEGORIES.length],
      position,
      centihoursPerWeek: Math.round(spec.hours * 100),
      complexityLevel: spec.complexity ?? 5,
      problemTeaser: "",
      toolsHint: "",
      status,
      implementedAt: spec.implementedAt !== undefined
        ? spec.implementedAt
        : status === "IMPLEMENTED"
        ? "2025-10-29T10:00:00.000Z"
        : null,
    };
  });
}

/** The seed's example analysis: 5 h (complexity 7), 8 h (5), 2 h (3). */
export function seedOpportunities(statuses: [Status, Status, Status] = [
  "NOT_STARTED",
  "NOT_STARTED",
  "NOT_STARTED",
]): Opportunity[] {
  return opportunities(
    { hours: 5, complexity: 7, status: statuses[0] },
    { hours: 8, complexity: 5, status: statuses[1] },
    { hours: 2, complexity: 3, status: statuses[2] },
  );
}
