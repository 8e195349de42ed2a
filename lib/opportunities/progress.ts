/**
 * Status changes. Rules: forward moves (including NOT_STARTED → IMPLEMENTED); IN_PROGRESS →
 * NOT_STARTED (undo a start); nothing out of IMPLEMENTED; the same status is a no-op. Each change
 * is appended to `progress_events` and badges are evaluated in the same transaction, with the
 * analysis row locked so concurrent updates of one analysis take turns and awards stay unique.
 */
import { newlyEarned } from "../badges/evaluate.ts";
import type { BadgeDefinition } from "../badges/definitions.ts";
import type { Sql } from "../db/client.ts";
import { activityDays } from "../time/streaks.ts";
import { loadSnapshot } from "./analyses.ts";
import { canTransition } from "./transitions.ts";
import type { BadgeAward, DashboardSnapshot, Status } from "./types.ts";

export class AnalysisNotFoundError extends Error {
  override name = "AnalysisNotFoundError";
}
export class OpportunityNotFoundError extends Error {
  override name = "OpportunityNotFoundError";
}
export class InvalidTransitionError extends Error {
  override name = "InvalidTransitionError";
}

export { canTransition } from "./transitions.ts";

export interface ProgressChange {
  analysisId: string;
  userId: string;
  opportunityId: string;
  status: Status;
  /** Remembered for the analysis when given. */
  hourlyRateCents?: number;
  /** The owner's zone, for streak days. */
  zone: string;
  definitions: BadgeDefinition[];
}

export interface ProgressOutcome {
  /** The analysis after the change (or as it is, when nothing changed). */
  snapshot: DashboardSnapshot;
  changed: boolean;
  newAwards: BadgeAward[];
  /** Whether the remembered hourly rate changed. */
  rateChanged: boolean;
}

// Activity is kept in 15-minute buckets (see loadSnapshot): the bucket of an instant.
const BUCKET_MS = 15 * 60_000;
const bucketOf = (instant: Date) =>
  new Date(Math.floor(instant.getTime() / BUCKET_MS) * BUCKET_MS).toISOString();

export async function updateProgress(sql: Sql, change: ProgressChange): Promise<ProgressOutcome> {
  return await sql.begin(async (tx) => {
    // Lock first, then read in LATER statements: under READ COMMITTED a statement that waited for
    // the lock still reads other rows from the snapshot it started with, so statuses read together
    // with the lock could be stale (and let a change out of IMPLEMENTED through).
    const [target] = await tx<{ hourly_rate_cents: number | null }[]>`
      select hourly_rate_cents from analyses
      where id = ${change.analysisId} and user_id = ${change.userId}
      for update`;
    if (!target) throw new AnalysisNotFoundError(`Analysis ${change.analysisId} not found.`);
    // Everything the answer and the badges need, read once under the lock; the change is then
    // applied to it in memory rather than read back (one round trip fewer while locked).
    const snapshot = (await loadSnapshot(tx as unknown as Sql, change.analysisId, change.userId))!;
    const opportunity = snapshot.opportunities.find((o) =>
      o.opportunityId === change.opportunityId
    );
    if (!opportunity) {
      throw new OpportunityNotFoundError(
        `Opportunity '${change.opportunityId}' not found in analysis results.`,
      );
    }
    const from = opportunity.status;
    if (!canTransition(from, change.status)) {
      throw new InvalidTransitionError(`Cannot transition from ${from} to ${change.status}.`);
    }
    const rateChanged = change.hourlyRateCents !== undefined &&
      change.hourlyRateCents !== target.hourly_rate_cents;
    if (rateChanged) {
      await tx`update analyses set hourly_rate_cents = ${change.hourlyRateCents!}
               where id = ${change.analysisId}`;
      snapshot.hourlyRateCents = change.hourlyRateCents!;
    }
    const changed = from !== change.status;
    if (!changed) return { snapshot, changed, newAwards: [], rateChanged };

    const [moved] = await tx<{ implemented_at: Date | null; occurred_at: Date }[]>`
      with moved as (
        update opportunities
        set status = ${change.status},
            implemented_at = case when ${change.status} = 'IMPLEMENTED' then now() end,
            status_changed_at = now()
        where analysis_id = ${change.analysisId} and opportunity_id = ${change.opportunityId}
        returning analysis_id, opportunity_id, implemented_at
      ), logged as (
        insert into progress_events (analysis_id, opportunity_id, from_status, to_status)
        select analysis_id, opportunity_id, ${from}, ${change.status} from moved
        returning occurred_at
      )
      select (select implemented_at from moved) as implemented_at,
             (select occurred_at from logged) as occurred_at`;
    opportunity.status = change.status;
    opportunity.implementedAt = moved.implemented_at?.toISOString() ?? null;
    const bucket = bucketOf(moved.occurred_at);
    if (!snapshot.activity.includes(bucket)) snapshot.activity.push(bucket);

    const earned = newlyEarned(change.definitions, {
      analysisCreatedAt: Temporal.Instant.from(snapshot.createdAt),
      opportunities: snapshot.opportunities,
      activityDays: activityDays(snapshot.activity, change.zone),
      zone: change.zone,
      now: Temporal.Now.instant(),
    }, snapshot.awards);
    let newAwards: BadgeAward[] = [];
    if (earned.length > 0) {
      const inserted = await tx<{ badge_key: string; badge_version: number; earned_at: Date }[]>`
        insert into user_badges ${
        tx(earned.map((d) => ({
          analysis_id: change.analysisId,
          badge_key: d.key,
          badge_version: d.version,
        })))
      }
        on conflict (analysis_id, badge_key) do nothing
        returning badge_key, badge_version, earned_at`;
      newAwards = inserted.map((r) => ({
        badgeKey: r.badge_key,
        version: r.badge_version,
        earnedAt: r.earned_at.toISOString(),
      }));
      snapshot.awards = [...snapshot.awards, ...newAwards];
    }
    return { snapshot, changed, newAwards, rateChanged };
  });
}
