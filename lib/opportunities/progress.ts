/**
 * Status changes. Rules: forward moves (including NOT_STARTED → IMPLEMENTED); IN_PROGRESS →
 * NOT_STARTED (undo a start); nothing out of IMPLEMENTED; the same status is a no-op. Each change
 * is appended to `progress_events`, and the badges it earns are awarded atomically with it: each
 * change of an analysis is decided on the state the previous one left, so awards stay unique and
 * are made exactly when that state earns them.
 */
import { badgeFacts, newlyEarned } from "../badges/evaluate.ts";
import type { BadgeDefinition } from "../badges/definitions.ts";
import type { Sql, TransactionSql } from "../db/client.ts";
import { ACTIVITY_LOOKBACK_DAYS, snapshotFromJson, type SnapshotJson } from "./analyses.ts";
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

/** Why a change is refused (each becomes its domain error). */
type Refusal =
  | { outcome: "analysis_not_found" | "opportunity_not_found" }
  | { outcome: "invalid_transition"; from: Status };

/** Optimistic attempts before a change is decided with the analysis locked. */
const OPTIMISTIC_ATTEMPTS = 3;

const BUCKET_MS = 15 * 60 * 1000;

type CommitProgressResult =
  | { outcome: "analysis_not_found" }
  | { outcome: "conflict"; revision: number; snapshot: SnapshotJson }
  | {
    outcome: "ok";
    revision: number;
    awards: { badge_key: string; badge_version: number; earned_at: string }[];
  };

/**
 * Applies one status change, optimistically (migration 0005): read the snapshot and the analysis'
 * revision (one statement, no lock), apply the change to that snapshot here, evaluate badges on the
 * result, then `commit_progress()` applies change and awards in one statement if, under the lock,
 * the revision is still the one read. If someone changed the analysis in between, nothing is
 * written and the answer carries the current state, to decide on again; after
 * {@link OPTIMISTIC_ATTEMPTS} the change is decided with the analysis locked. A post that changes
 * nothing, or is refused, is answered from the state read (true at that moment). The lock is never held
 * across a round trip to the application, which it used to be for the whole badge evaluation
 * (docs/benchmarks.md).
 */
export function updateProgress(sql: Sql, change: ProgressChange): Promise<ProgressOutcome> {
  return oneAtATime(change.analysisId, () => updateOptimistically(sql, change));
}

// Changes of one analysis from this process take turns: the next decides on what the previous
// committed (remembered, no read) instead of racing it into a conflict and a second round trip.
const turns = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
  const result = (turns.get(key) ?? Promise.resolve()).then(run);
  const done = result.then(() => {}, () => {});
  turns.set(key, done);
  done.then(() => {
    if (turns.get(key) === done) turns.delete(key);
  });
  return result;
}

async function updateOptimistically(sql: Sql, change: ProgressChange): Promise<ProgressOutcome> {
  // What this process last committed for the analysis, if it says the post is a change: a guess
  // that spares the read, checked by commit_progress() like any other (a stale one is a conflict,
  // answered with the current state). Only a commit attempt is ever decided on it: a no-op or a
  // refusal must be true of the database, so those are decided on a fresh read.
  const known = lastCommitted.get(change.analysisId);
  let state = known && known.snapshot.userId === change.userId && isChange(known.snapshot, change)
    ? known
    : await readState(sql, change);
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
    const outcome = await decideAndCommit(sql, change, state.snapshot, state.revision);
    if ("conflict" in outcome) {
      state = outcome.conflict; // read under the lock: a no-op or refusal decided on it is true
      continue;
    }
    if (outcome.revision !== undefined) {
      remember(change.analysisId, outcome.result.snapshot, outcome.revision);
    }
    return outcome.result;
  }
  lastCommitted.delete(change.analysisId);
  return await updateUnderLock(sql, change);
}

interface KnownState {
  snapshot: DashboardSnapshot;
  revision: number;
}

/** How many analyses' last committed state a process keeps (a guess per analysis, ~2 KB each). */
const REMEMBERED_ANALYSES = 1_000;
const lastCommitted = new Map<string, KnownState>();

function remember(analysisId: string, snapshot: DashboardSnapshot, revision: number): void {
  lastCommitted.delete(analysisId);
  lastCommitted.set(analysisId, { snapshot, revision });
  if (lastCommitted.size > REMEMBERED_ANALYSES) {
    lastCommitted.delete(lastCommitted.keys().next().value!);
  }
}

/** What the post would do to `snapshot`: its opportunity, and whether status or rate change. */
function planOn(snapshot: DashboardSnapshot, change: ProgressChange) {
  const target = snapshot.opportunities.find((o) => o.opportunityId === change.opportunityId);
  return {
    target,
    changed: target !== undefined && target.status !== change.status,
    rateChanged: change.hourlyRateCents !== undefined &&
      change.hourlyRateCents !== snapshot.hourlyRateCents,
  };
}

/** Whether, applied to `snapshot`, the post would write something (and be allowed to). */
function isChange(snapshot: DashboardSnapshot, change: ProgressChange): boolean {
  const { target, changed, rateChanged } = planOn(snapshot, change);
  if (!target) return false;
  return changed ? canTransition(target.status, change.status) : rateChanged;
}

/** The analysis and its revision, from one statement (so both are from the same moment). */
async function readState(sql: Sql | TransactionSql, change: ProgressChange): Promise<KnownState> {
  const [row] = await sql<{ snapshot: SnapshotJson | null; revision: number | null }[]>`
    select analysis_snapshot(${change.analysisId}, ${ACTIVITY_LOOKBACK_DAYS}) as snapshot,
           (select revision from analyses where id = ${change.analysisId}) as revision`;
  if (!row.snapshot || row.revision === null || row.snapshot.user_id !== change.userId) {
    throw outcomeError({ outcome: "analysis_not_found" }, change);
  }
  return { snapshot: snapshotFromJson(row.snapshot), revision: row.revision };
}

/** A decision: applied (with the new revision when something was written), or a conflict. */
type Attempt = { result: ProgressOutcome; revision?: number } | { conflict: KnownState };

async function decideAndCommit(
  sql: Sql | TransactionSql,
  change: ProgressChange,
  snapshot: DashboardSnapshot,
  revision: number,
): Promise<Attempt> {
  const { target, changed, rateChanged } = planOn(snapshot, change);
  if (!target) throw outcomeError({ outcome: "opportunity_not_found" }, change);
  const from = target.status;
  if (!changed && !rateChanged) {
    return { result: { snapshot, changed, newAwards: [], rateChanged } };
  }
  if (changed && !canTransition(from, change.status)) {
    throw outcomeError({ outcome: "invalid_transition", from }, change);
  }

  // The analysis as this change leaves it, timed by this request's clock (the same instant is
  // written as `implemented_at`, the event's time and the awards' `earned_at`).
  const now = Temporal.Now.instant();
  const at = new Date(now.epochMilliseconds).toISOString();
  const after: DashboardSnapshot = {
    ...snapshot,
    hourlyRateCents: rateChanged ? change.hourlyRateCents! : snapshot.hourlyRateCents,
    opportunities: snapshot.opportunities.map((o) =>
      o === target && changed
        ? {
          ...o,
          status: change.status,
          implementedAt: change.status === "IMPLEMENTED" ? at : null,
        }
        : o
    ),
    activity: changed ? withBucketOf(snapshot.activity, now.epochMilliseconds) : snapshot.activity,
  };
  const earned = changed
    ? newlyEarned(change.definitions, badgeFacts(after, change.zone, now), after.awards)
    : [];

  const [{ result }] = await sql<{ result: CommitProgressResult }[]>`
    select commit_progress(
      ${change.analysisId}, ${change.userId}, ${revision}::integer, ${change.opportunityId},
      ${from}, ${change.status}, ${rateChanged ? change.hourlyRateCents! : null}::integer,
      ${at}::timestamptz, ${earned.map((d) => d.key)}::text[],
      ${earned.map((d) => d.version)}::integer[], ${ACTIVITY_LOOKBACK_DAYS}
    ) as result`;
  if (result.outcome === "conflict") {
    return { conflict: { snapshot: snapshotFromJson(result.snapshot), revision: result.revision } };
  }
  if (result.outcome !== "ok") throw outcomeError(result, change);
  const newAwards = result.awards.map((a) => ({
    badgeKey: a.badge_key,
    version: a.badge_version,
    earnedAt: new Date(a.earned_at).toISOString(),
  }));
  after.awards = [...after.awards, ...newAwards];
  return {
    result: { snapshot: after, changed, newAwards, rateChanged },
    revision: result.revision,
  };
}

/** Activity buckets (ascending ISO instants) with the 15-minute bucket of `epochMs` added. */
function withBucketOf(activity: string[], epochMs: number): string[] {
  // date_bin('15 minutes', t, '2000-01-01') in SQL: that origin is itself on a quarter hour.
  const bucket = new Date(Math.floor(epochMs / BUCKET_MS) * BUCKET_MS).toISOString();
  return activity.includes(bucket) ? activity : [...activity, bucket].sort();
}

/**
 * The last resort of a change that kept meeting conflicts: the same decision, made with the
 * analysis locked (one transaction: lock, read, commit_progress(), COMMIT), so nobody can change
 * it in between.
 */
async function updateUnderLock(sql: Sql, change: ProgressChange): Promise<ProgressOutcome> {
  return await sql.begin(async (tx) => {
    await tx`select 1 from analyses where id = ${change.analysisId} for update`;
    const state = await readState(tx, change);
    const outcome = await decideAndCommit(tx, change, state.snapshot, state.revision);
    if ("conflict" in outcome) throw new Error("progress conflict with the analysis locked");
    return outcome.result;
  });
}

function outcomeError(
  result: Refusal,
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
