/**
 * Email report subscriptions for an analysis. The same email again updates the existing
 * subscription (frequency, rate) and re-activates it. Sending lives in the digests feature.
 */
import type { Sql } from "../db/client.ts";
import { AnalysisNotFoundError } from "./progress.ts";

export interface Subscription {
  id: string;
  analysisId: string;
  email: string;
  frequency: "weekly" | "monthly";
  active: boolean;
  createdAt: Date;
}

export interface SubscribeInput {
  analysisId: string;
  userId: string;
  email: string;
  frequency: "weekly" | "monthly";
  hourlyRateCents?: number | null;
}

/** Creates or updates; `created` tells which. Also remembers the rate for the analysis if unset. */
export async function subscribe(
  sql: Sql,
  input: SubscribeInput,
): Promise<{ subscription: Subscription; created: boolean; rateAdopted: boolean }> {
  return await sql.begin(async (tx) => {
    const [analysis] = await tx<{ hourly_rate_cents: number | null }[]>`
      select hourly_rate_cents from analyses
      where id = ${input.analysisId} and user_id = ${input.userId}
      for update`;
    if (!analysis) throw new AnalysisNotFoundError(`Analysis ${input.analysisId} not found.`);
    const rate = input.hourlyRateCents ?? null;
    const [row] = await tx<
      {
        id: string;
        analysis_id: string;
        email: string;
        frequency: "weekly" | "monthly";
        active: boolean;
        created_at: Date;
        inserted: boolean;
      }[]
    >`
      insert into email_subscriptions (analysis_id, email, frequency, hourly_rate_cents)
      values (${input.analysisId}, ${input.email.trim().toLowerCase()}, ${input.frequency}, ${rate})
      on conflict (analysis_id, email) do update
        set frequency = excluded.frequency,
            hourly_rate_cents = coalesce(excluded.hourly_rate_cents, email_subscriptions.hourly_rate_cents),
            active = true,
            updated_at = now()
      returning id, analysis_id, email, frequency, active, created_at, (xmax = 0) as inserted`;
    const rateAdopted = rate !== null && analysis.hourly_rate_cents === null;
    if (rateAdopted) {
      // The revision tells progress changes decided on an older state to look again (migration 0005).
      await tx`update analyses set hourly_rate_cents = ${rate}, revision = revision + 1
               where id = ${input.analysisId}`;
    }
    return {
      subscription: {
        id: row.id,
        analysisId: row.analysis_id,
        email: row.email,
        frequency: row.frequency,
        active: row.active,
        createdAt: row.created_at,
      },
      created: row.inserted,
      rateAdopted,
    };
  });
}

export class SubscriptionNotFoundError extends Error {
  override name = "SubscriptionNotFoundError";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SubscriptionRow {
  id: string;
  analysis_id: string;
  email: string;
  frequency: "weekly" | "monthly";
  active: boolean;
  created_at: Date;
}

const fromRow = (row: SubscriptionRow): Subscription => ({
  id: row.id,
  analysisId: row.analysis_id,
  email: row.email,
  frequency: row.frequency,
  active: row.active,
  createdAt: row.created_at,
});

/** The active subscriptions of one of the user's analyses, oldest first. */
export async function listSubscriptions(
  sql: Sql,
  input: { analysisId: string; userId: string },
): Promise<Subscription[]> {
  // One statement for the owner check and the list: no row at all means "not yours / no such
  // analysis"; a row without a subscription means "none".
  const rows = await sql<(Omit<SubscriptionRow, "id"> & { id: string | null })[]>`
    select s.id, a.id as analysis_id, s.email, s.frequency, s.active, s.created_at
    from analyses a
    left join email_subscriptions s on s.analysis_id = a.id and s.active
    where a.id = ${input.analysisId} and a.user_id = ${input.userId}
    order by s.created_at, s.email`;
  if (rows.length === 0) throw new AnalysisNotFoundError(`Analysis ${input.analysisId} not found.`);
  return rows.filter((row): row is SubscriptionRow => row.id !== null).map(fromRow);
}

/**
 * Stops a subscription (it stays on record, inactive; subscribing the same email again revives
 * it). Stopping an already stopped one is fine. Unknown, or another analysis' → not found.
 */
export async function unsubscribe(
  sql: Sql,
  input: { analysisId: string; userId: string; subscriptionId: string },
): Promise<Subscription> {
  const [owner] = await sql<{ id: string }[]>`
    select id from analyses where id = ${input.analysisId} and user_id = ${input.userId}`;
  if (!owner) throw new AnalysisNotFoundError(`Analysis ${input.analysisId} not found.`);
  const missing = () =>
    new SubscriptionNotFoundError(`Subscription ${input.subscriptionId} not found.`);
  if (!UUID.test(input.subscriptionId)) throw missing();
  const [row] = await sql<SubscriptionRow[]>`
    update email_subscriptions set active = false, updated_at = now()
    where id = ${input.subscriptionId} and analysis_id = ${input.analysisId}
    returning id, analysis_id, email, frequency, active, created_at`;
  if (!row) throw missing();
  return fromRow(row);
}
