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
      await tx`update analyses set hourly_rate_cents = ${rate} where id = ${input.analysisId}`;
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
