/** OpenAPI/zod schemas of the dashboard API, named and shaped as in seed 001's contract. */
import { z } from "@hono/zod-openapi";
import { CATEGORIES, STATUSES } from "../../lib/opportunities/types.ts";

export const AnalysisIdParam = z.object({
  // No length limit here: any id that is not a UUID is simply not found (404), never a 400.
  analysisId: z.string().openapi({
    param: { name: "analysisId", in: "path" },
    format: "uuid",
    example: "550e8400-e29b-41d4-a716-446655440000",
  }),
});

export const Identity = z.object({
  company_name: z.string(),
  sector: z.string(),
  estimated_size: z.string(),
  tier: z.string(),
}).openapi("Identity");

export const OpportunityWithProgress = z.object({
  opportunity_id: z.string().openapi({ description: "Unique identifier (category name)" }),
  category: z.enum(CATEGORIES),
  hours_per_week: z.number(),
  hours_per_year: z.number().int(),
  problem_teaser: z.string(),
  complexity_level: z.number().int().min(1).max(10),
  tools_hint: z.string(),
  status: z.enum(STATUSES),
  implemented_at: z.string().nullable(),
}).openapi("OpportunityWithProgress");

export const ProgressSummary = z.object({
  total_opportunities: z.number().int(),
  not_started: z.number().int(),
  in_progress: z.number().int(),
  implemented: z.number().int(),
  completion_percentage: z.number().int().min(0).max(100),
}).openapi("ProgressSummary");

export const Badge = z.object({
  badge_type: z.string().openapi({ example: "first_step" }),
  badge_name: z.string(),
  description: z.string(),
  icon: z.string(),
  points: z.number().int(),
  earned_at: z.string(),
}).openapi("Badge");

export const UpcomingBadge = z.object({
  badge_type: z.string(),
  badge_name: z.string(),
  description: z.string(),
  icon: z.string(),
  points: z.number().int(),
  progress: z.object({
    current: z.number(),
    target: z.number(),
    unit: z.string(),
    days_left: z.number().int().optional(),
  }),
  progress_text: z.string().openapi({ example: "6.5 / 10 h per week" }),
}).openapi("UpcomingBadge");

export const Metrics = z.object({
  time_saved: z.object({
    potential_weekly: z.number(),
    implemented_weekly: z.number(),
    potential_annual: z.number().int(),
    implemented_annual: z.number().int(),
  }),
  money_saved: z.object({
    hourly_rate: z.number().nullable(),
    potential_annual: z.number().int().nullable(),
    implemented_annual: z.number().int().nullable(),
    currency: z.literal("CAD"),
  }),
}).openapi("Metrics");

export const DashboardResponse = z.object({
  analysis_id: z.string(),
  url: z.string(),
  identity: Identity,
  opportunities: z.array(OpportunityWithProgress),
  progress_summary: ProgressSummary,
  badges: z.array(Badge),
  upcoming_badges: z.array(UpcomingBadge),
  total_points: z.number().int(),
  metrics: Metrics,
  created_at: z.string(),
  completed_at: z.string().nullable(),
}).openapi("DashboardResponse");

export const ProgressUpdateRequest = z.object({
  // Postgres text cannot hold NUL: refuse it here rather than fail in the query.
  opportunity_id: z.string({ error: "a string" }).min(1).max(100)
    .refine((value) => !value.includes("\u0000"), { error: "no NUL characters" }),
  status: z.enum(STATUSES, { error: `one of ${STATUSES.join(", ")}` }),
  hourly_rate: z.number({ error: "a number" }).min(20, { error: "at least 20" })
    .max(500, { error: "at most 500" }).optional(),
}).openapi("ProgressUpdateRequest");

export const ProgressUpdateResponse = z.object({
  analysis_id: z.string(),
  opportunity_id: z.string(),
  status: z.enum(STATUSES),
  implemented_at: z.string().nullable(),
  new_badges: z.array(Badge),
  metrics: Metrics,
}).openapi("ProgressUpdateResponse");

export const Recommendation = z.object({
  opportunity_id: z.string(),
  category: z.string(),
  hours_per_week: z.number(),
  complexity_level: z.number().int(),
  priority_score: z.number().openapi({
    description: "hours_per_week / complexity_level, 2 decimals",
  }),
  reason: z.string(),
}).openapi("Recommendation");

export const RecommendationsResponse = z.object({
  analysis_id: z.string(),
  recommendations: z.array(Recommendation),
}).openapi("RecommendationsResponse");

export const BadgesResponse = z.object({
  analysis_id: z.string(),
  badges: z.array(Badge),
  total_badges: z.number().int(),
  total_points: z.number().int(),
  upcoming_badges: z.array(UpcomingBadge),
}).openapi("BadgesResponse");

export const MetricsResponse = z.object({
  analysis_id: z.string(),
  metrics: Metrics,
}).openapi("MetricsResponse");

export const EmailSubscriptionRequest = z.object({
  email: z.string().trim().max(254).pipe(z.email({ error: "a valid email address" })),
  frequency: z.enum(["weekly", "monthly"], { error: "weekly or monthly" }),
  hourly_rate: z.number({ error: "a number" }).min(20, { error: "at least 20" })
    .max(500, { error: "at most 500" }).nullable().optional(),
}).openapi("EmailSubscriptionRequest");

export const EmailSubscriptionResponse = z.object({
  subscription_id: z.string(),
  analysis_id: z.string(),
  email: z.string(),
  frequency: z.enum(["weekly", "monthly"]),
  active: z.boolean(),
  created_at: z.string(),
}).openapi("EmailSubscriptionResponse");

export const SubscriptionParams = AnalysisIdParam.extend({
  subscriptionId: z.string().openapi({
    param: { name: "subscriptionId", in: "path" },
    format: "uuid",
    example: "0b6f2c1e-7d0a-4c53-9a57-3f5e8f1f2d10",
  }),
});

export const SubscriptionListResponse = z.object({
  analysis_id: z.string(),
  subscriptions: z.array(EmailSubscriptionResponse),
}).openapi("SubscriptionListResponse");
