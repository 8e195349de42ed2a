/**
 * Analyses: import (with the 7-day duplicate-URL rule), listing, and the one-query dashboard
 * snapshot. Every read is scoped to the owner: another user's analysis does not exist for them.
 */
import type { Sql } from "../db/client.ts";
import type { ImportInput } from "./import_schema.ts";
import { CATEGORIES, type DashboardSnapshot, type Opportunity } from "./types.ts";
import { normalizeUrl, urlHash } from "./url.ts";

/** Re-importing the same URL within this window returns the existing analysis. */
export const DUPLICATE_WINDOW_DAYS = 7;

export class InvalidImportError extends Error {
  override name = "InvalidImportError";
}

export interface ImportResult {
  analysisId: string;
  cached: boolean;
  createdAt: string;
  /** When this user imported it (for a duplicate: the earlier import). */
  importedAt: string;
  urlHash: string;
}

/**
 * Finds the user's import of the same URL from the last 7 days, or stores a new analysis with its
 * opportunities. A transaction-scoped advisory lock on the URL key serialises concurrent imports
 * of the same URL by the same user, so a double submit creates one analysis.
 */
export async function importAnalysis(
  sql: Sql,
  userId: string,
  input: ImportInput,
  now = new Date(),
): Promise<ImportResult> {
  const normalized = normalizeUrl(input.url);
  const hash = urlHash(userId, normalized);
  const createdAt = input.created_at ? new Date(input.created_at) : now;
  const completedAt = input.completed_at ? new Date(input.completed_at) : null;
  // Allow a minute of clock skew between the analyser and us, no more.
  if (createdAt.getTime() > now.getTime() + 60_000) {
    throw new InvalidImportError("created_at: must not be in the future");
  }
  if (completedAt && completedAt.getTime() > now.getTime() + 60_000) {
    throw new InvalidImportError("completed_at: must not be in the future");
  }
  if (completedAt && completedAt < createdAt) {
    throw new InvalidImportError("completed_at: must not be before created_at");
  }
  const summary = input.results_summary;
  const identity = summary.identity_a1;
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${hash}, 0))`;
    const [existing] = await tx<{ id: string; created_at: Date; imported_at: Date }[]>`
      select id, created_at, imported_at from analyses
      where user_id = ${userId} and url_hash = ${hash}
        and imported_at > now() - make_interval(days => ${DUPLICATE_WINDOW_DAYS})
      order by imported_at desc limit 1`;
    if (existing) {
      return {
        analysisId: existing.id,
        cached: true,
        createdAt: existing.created_at.toISOString(),
        importedAt: existing.imported_at.toISOString(),
        urlHash: hash,
      };
    }
    const [row] = await tx<{ id: string; imported_at: Date }[]>`
      insert into analyses (user_id, url, url_hash, company_name, sector, estimated_size, tier,
                            results_summary, created_at, completed_at)
      values (${userId}, ${input.url.trim()}, ${hash}, ${identity.company_name}, ${identity.sector},
              ${identity.estimated_size}, ${identity.tier}, ${
      tx.json(JSON.parse(JSON.stringify(summary)))
    },
              ${createdAt}, ${completedAt})
      returning id, imported_at`;
    const rows = CATEGORIES.flatMap((category, position) => {
      const opportunity = summary[category];
      if (!opportunity) return [];
      return [{
        analysis_id: row.id,
        opportunity_id: category,
        category,
        position,
        centihours_per_week: Math.round(opportunity.hours_per_week * 100),
        complexity_level: opportunity.complexity_level,
        problem_teaser: opportunity.problem_teaser,
        tools_hint: opportunity.tools_hint,
      }];
    });
    await tx`insert into opportunities ${tx(rows)}`;
    return {
      analysisId: row.id,
      cached: false,
      createdAt: createdAt.toISOString(),
      importedAt: row.imported_at.toISOString(),
      urlHash: hash,
    };
  });
}

/** The duplicate-URL cache key for the seed's `analysis:cache:{sha256}` entry. */
export const duplicateCacheKey = (hash: string) => `analysis:cache:${hash}`;

export interface AnalysisListItem {
  analysisId: string;
  url: string;
  companyName: string;
  createdAt: Date;
  total: number;
  implemented: number;
}

export async function listAnalyses(sql: Sql, userId: string): Promise<AnalysisListItem[]> {
  const rows = await sql<
    {
      id: string;
      url: string;
      company_name: string;
      created_at: Date;
      total: number;
      implemented: number;
    }[]
  >`
    select a.id, a.url, a.company_name, a.created_at,
           count(o.*)::int as total,
           count(*) filter (where o.status = 'IMPLEMENTED')::int as implemented
    from analyses a left join opportunities o on o.analysis_id = a.id
    where a.user_id = ${userId}
    group by a.id
    order by a.created_at desc, a.id
    limit 200`;
  return rows.map((r) => ({
    analysisId: r.id,
    url: r.url,
    companyName: r.company_name,
    createdAt: r.created_at,
    total: r.total,
    implemented: r.implemented,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/** How far back progress events are read for streaks (longer runs are not shown anyway). */
export const ACTIVITY_LOOKBACK_DAYS = 400;

/** `analysis_snapshot()`'s JSON (db/migrations/0003_progress_function.sql). */
export interface SnapshotJson {
  id: string;
  user_id: string;
  url: string;
  company_name: string;
  sector: string;
  estimated_size: string;
  tier: string;
  hourly_rate_cents: number | null;
  created_at: string;
  completed_at: string | null;
  opportunities: {
    opportunity_id: string;
    category: Opportunity["category"];
    position: number;
    centihours_per_week: number;
    complexity_level: number;
    problem_teaser: string;
    tools_hint: string;
    status: Opportunity["status"];
    implemented_at: string | null;
  }[];
  awards: { badge_key: string; badge_version: number; earned_at: string }[];
  activity: string[];
}

// Postgres writes `2026-12-01T19:47:32.637123+00:00`; the app speaks `…32.637Z` everywhere.
const iso = (value: string) => new Date(value).toISOString();

/** The snapshot as the app uses it, from `analysis_snapshot()`'s JSON. */
export function snapshotFromJson(row: SnapshotJson): DashboardSnapshot {
  return {
    analysisId: row.id,
    userId: row.user_id,
    url: row.url,
    identity: {
      company_name: row.company_name,
      sector: row.sector,
      estimated_size: row.estimated_size,
      tier: row.tier,
    },
    hourlyRateCents: row.hourly_rate_cents,
    createdAt: iso(row.created_at),
    completedAt: row.completed_at === null ? null : iso(row.completed_at),
    opportunities: row.opportunities.map((o) => ({
      opportunityId: o.opportunity_id,
      category: o.category,
      position: o.position,
      centihoursPerWeek: o.centihours_per_week,
      complexityLevel: o.complexity_level,
      problemTeaser: o.problem_teaser,
      toolsHint: o.tools_hint,
      status: o.status,
      implementedAt: o.implemented_at === null ? null : iso(o.implemented_at),
    })),
    awards: row.awards.map((a) => ({
      badgeKey: a.badge_key,
      version: a.badge_version,
      earnedAt: iso(a.earned_at),
    })),
    activity: row.activity.map(iso),
  };
}

/**
 * Everything the dashboard needs in ONE round trip (analysis, opportunities, awards, activity),
 * or null if the analysis does not exist (for this user, when `userId` is given; `null` loads
 * regardless of owner — for the shared cache, whose readers check `snapshot.userId` themselves).
 * Pass a transaction to read inside it.
 */
export async function loadSnapshot(
  sql: Sql,
  analysisId: string,
  userId: string | null,
): Promise<DashboardSnapshot | null> {
  if (!isUuid(analysisId)) return null;
  const [{ snapshot }] = await sql<{ snapshot: SnapshotJson | null }[]>`
    select analysis_snapshot(${analysisId}, ${ACTIVITY_LOOKBACK_DAYS}) as snapshot`;
  if (!snapshot || (userId !== null && snapshot.user_id !== userId)) return null;
  return snapshotFromJson(snapshot);
}
