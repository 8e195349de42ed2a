/**
 * Streak activity is kept per (analysis, 15-minute bucket) by a trigger on progress_events
 * (migration 0004). The snapshot must report exactly what the event log says: the distinct
 * buckets of the events that overlap the lookback window, oldest first, however the events
 * arrive (a bucket straddling the window's start counts whole: the log is not re-read).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ACTIVITY_LOOKBACK_DAYS } from "../../../lib/opportunities/analyses.ts";
import { startHarness } from "../../support/harness.ts";
import { importSample, progressOk } from "./helpers.ts";

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

Deno.test("activity buckets: the snapshot's activity is the event log's, bucketed", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    // Through the API: a real change logs an event and its bucket.
    const viaApi = await importSample(alice);
    await progressOk(alice, viaApi, "digital_presence", "IN_PROGRESS");
    await progressOk(alice, viaApi, "digital_presence", "IN_PROGRESS"); // no change, no event
    const [{ count }] = await h.db.sql<{ count: number }[]>`
      select count(*)::int as count from activity_buckets where analysis_id = ${viaApi}`;
    assert.equal(count, 1);

    // Written straight into the log, in any order, inside and outside the lookback window.
    const now = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: (ACTIVITY_LOOKBACK_DAYS + 30) * DAY_MS }),
            // Around the window's start, where a bucket can straddle it.
            fc.integer({ min: -40 * MINUTE_MS, max: 40 * MINUTE_MS })
              .map((offset) => ACTIVITY_LOOKBACK_DAYS * DAY_MS + offset),
          ),
          { maxLength: 40 },
        ),
        async (agesMs) => {
          const id = await importSample(alice, { url: `https://a${crypto.randomUUID()}.example/` });
          if (agesMs.length > 0) {
            await h.db.sql`insert into progress_events ${
              h.db.sql(agesMs.map((age) => ({
                analysis_id: id,
                opportunity_id: "value_creation",
                from_status: "NOT_STARTED",
                to_status: "IN_PROGRESS",
                occurred_at: new Date(now - age),
              })))
            }`;
          }
          const [{ expected, actual }] = await h.db.sql<
            { expected: string[]; actual: string[] }[]
          >`
            select
              coalesce((select json_agg(distinct bucket) from (
                          select date_bin('15 minutes', occurred_at,
                                          timestamptz '2000-01-01 00:00:00+00') as bucket
                          from progress_events where analysis_id = ${id}) events
                        where bucket + interval '15 minutes'
                              > now() - make_interval(days => ${ACTIVITY_LOOKBACK_DAYS})),
                       '[]') as expected,
              analysis_snapshot(${id}, ${ACTIVITY_LOOKBACK_DAYS})->'activity' as actual`;
          assert.deepEqual(actual, expected);
        },
      ),
      { numRuns: 25 },
    );
  } finally {
    await h.close();
  }
});
