/**
 * The budget: at most 3 SQL round trips for a cold dashboard (session lookup included),
 * and none at all for a warm one (session and dashboard both answered by the cache).
 */
import assert from "node:assert/strict";
import { invalidateUserAuth } from "../../../lib/auth/auth_cache.ts";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { startHarness } from "../../support/harness.ts";

Deno.test("a cold dashboard costs ≤ 3 SQL round trips, a warm one none", async () => {
  const queries: string[] = [];
  let counting = false;
  const h = await startHarness({ onQuery: (q) => counting && queries.push(q) });
  try {
    const alice = await h.signup();
    const { analysis_id: id } = await (await alice.post("/api/v1/analyses", sampleAnalysis()))
      .json();
    // Badge definitions are loaded once per process; warm that up like any running server.
    await alice.get(`/api/v1/dashboard/${id}`);
    await h.deps.cache.delete(`dashboard:${id}`);
    await invalidateUserAuth(h.auth, alice.userId);

    counting = true;
    const cold = await alice.get(`/api/v1/dashboard/${id}`);
    counting = false;
    assert.equal(cold.status, 200);
    assert.ok(queries.some((q) => /from sessions/.test(q)), "the session was cold too");
    assert.ok(queries.length <= 3, `cold dashboard sent ${queries.length}:\n${queries.join("\n")}`);

    queries.length = 0;
    counting = true;
    const warm = await alice.get(`/api/v1/dashboard/${id}`);
    counting = false;
    assert.equal(warm.status, 200);
    assert.deepEqual(queries, [], "a warm dashboard sends no SQL");
  } finally {
    await h.close();
  }
});
