/** The opportunities domain's shapes. Snapshots are plain JSON so they can live in the cache. */
export const CATEGORIES = ["digital_presence", "value_creation", "business_management"] as const;
export type Category = typeof CATEGORIES[number];

export const STATUSES = ["NOT_STARTED", "IN_PROGRESS", "IMPLEMENTED"] as const;
export type Status = typeof STATUSES[number];

export interface Opportunity {
  opportunityId: string;
  category: Category;
  position: number;
  /** Hundredths of an hour per week (6.5 h → 650), so sums stay exact. */
  centihoursPerWeek: number;
  complexityLevel: number;
  problemTeaser: string;
  toolsHint: string;
  status: Status;
  /** ISO instant, set when the opportunity reached IMPLEMENTED. */
  implementedAt: string | null;
}

export interface Identity {
  company_name: string;
  sector: string;
  estimated_size: string;
  tier: string;
}

export interface BadgeAward {
  badgeKey: string;
  version: number;
  /** ISO instant. */
  earnedAt: string;
}

/** Everything the dashboard shows about one analysis, as loaded in one query. */
export interface DashboardSnapshot {
  analysisId: string;
  /** Owner: checked on every read, cached or not. */
  userId: string;
  url: string;
  identity: Identity;
  /** The rate remembered for this analysis (progress update or subscription), cents per hour. */
  hourlyRateCents: number | null;
  createdAt: string;
  completedAt: string | null;
  opportunities: Opportunity[];
  awards: BadgeAward[];
  /** Progress-event instants bucketed to 15 minutes (every UTC offset is a multiple of 15). */
  activity: string[];
}
