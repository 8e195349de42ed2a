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
import { ACTIVITY_LOOKBACK_DAYS, snapshotFromJson, type SnapshotJson } from "./analyses.ts";
import { canTransition } from "./transitions.ts";
import { type BadgeAward, type DashboardSnapshot, type Status, STATUSES } from "./types.ts";

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

type ApplyProgressResult =
  | { outcome: "analysis_not_found" | "opportunity_not_found" }
  | { outcome: "invalid_transition"; from: Status }
  | { outcome: "ok"; from: Status; rate_changed: boolean; snapshot: SnapshotJson };

/** Every status a change to `to` may come from (the rule of transitions.ts, as data for SQL). */
const allowedFrom = (to: Status) =>
  STATUSES.filter((from) => from !== to && canTransition(from, to));

/**
 * Applies one status change. Two round trips, in one transaction on one connection: BEGIN and
 * `apply_progress()` go out together (for a change, the function takes the lock before it reads
 * what it decides on, so nothing is read early; a post that changes nothing is answered from an
 * unlocked read, migration 0005), then COMMIT — with the badge awards in front of it when any
 * were earned. Badges are evaluated here, in between, with the analysis still locked, so
 * concurrent changes take turns and every award is made once.
 */
export async function updateProgress(sql: Sql, change: ProgressChange): Promise<ProgressOutcome> {
  const tx = await sql.reserve();
  try {
    const [, [{ result }]] = await Promise.all([
      tx`begin`,
      tx<{ result: ApplyProgressResult }[]>`
        select apply_progress(
          ${change.analysisId}, ${change.userId}, ${change.opportunityId}, ${change.status},
          ${allowedFrom(change.status)}::text[], ${change.hourlyRateCents ?? null}::integer,
          ${ACTIVITY_LOOKBACK_DAYS}
        ) as result`,
    ]);
    if (result.outcome !== "ok") throw outcomeError(result, change);
    const snapshot = snapshotFromJson(result.snapshot);
    const rateChanged = result.rate_changed;
    const changed = result.from !== change.status;
    const earned = changed
      ? newlyEarned(change.definitions, {
        analysisCreatedAt: Temporal.Instant.from(snapshot.createdAt),
        opportunities: snapshot.opportunities,
        activityDays: activityDays(snapshot.activity, change.zone),
        zone: change.zone,
        now: Temporal.Now.instant(),
      }, snapshot.awards)
      : [];
    if (earned.length === 0) {
      await tx`commit`;
      return { snapshot, changed, newAwards: [], rateChanged };
    }
    const [inserted] = await Promise.all([
      tx<{ badge_key: string; badge_version: number; earned_at: Date }[]>`
        insert into user_badges ${
        tx(earned.map((d) => ({
          analysis_id: change.analysisId,
          badge_key: d.key,
          badge_version: d.version,
        })))
      }
        on conflict (analysis_id, badge_key) do nothing
        returning badge_key, badge_version, earned_at`,
      // Had the insert failed, the transaction would be aborted and this COMMIT a rollback.
      tx`commit`,
    ]);
    const newAwards = inserted.map((r) => ({
      badgeKey: r.badge_key,
      version: r.badge_version,
      earnedAt: r.earned_at.toISOString(),
    }));
    snapshot.awards = [...snapshot.awards, ...newAwards];
    return { snapshot, changed, newAwards, rateChanged };
  } catch (error) {
    // Whatever failed, leave no transaction open on a connection going back to the pool.
    await tx`rollback`.catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}

function outcomeError(
  result: Exclude<ApplyProgressResult, { outcome: "ok" }>,
  change: ProgressChange,
): Error {
  switch (result.outcome) {
    case "analysis_not_found":
      return new AnalysisNotFoundError(`Analysis ${change.analysisId} not found.`);
    case "opportunity_not_found":
      return new OpportunityNotFoundError(
        `Opportunity '${change.opportunityId}' not found in analysis results.`,
      );
    case "invalid_transition":
      return new InvalidTransitionError(
        `Cannot transition from ${result.from} to ${change.status}.`,
      );
  }
}
