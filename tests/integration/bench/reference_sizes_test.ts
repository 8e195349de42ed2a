/**
 * The bench's reference rows stand for two of Headway's answers by size (tests/bench/scenarios.ts):
 * keep those sizes within 20 % of what the app really sends, and the framing the same, or the
 * comparison drifts.
 */
import assert from "node:assert/strict";
import { DASHBOARD_JSON_BYTES, LANDING_BYTES } from "../../bench/scenarios.ts";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { startHarness } from "../../support/harness.ts";

const near = (actual: number, expected: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= expected * 0.2,
    `${what} is ${actual} bytes; the bench's reference row assumes ${expected}`,
  );

Deno.test("bench reference sizes: the landing page and a warm dashboard", async () => {
  const h = await startHarness();
  try {
    const landing = await h.client().get("/", { headers: { "accept-language": "en-US" } });
    near((await landing.arrayBuffer()).byteLength, LANDING_BYTES, "the landing page");
    // …and its framing: the one-write reference row is chunked like Headway's kept responses.
    assert.equal(landing.headers.get("transfer-encoding"), "chunked");

    const alice = await h.signup({ timezone: "Europe/Paris" });
    const imported = await (await alice.post("/api/v1/analyses", sampleAnalysis())).json();
    const dashboard = await alice.get(`/api/v1/dashboard/${imported.analysis_id}`);
    near((await dashboard.arrayBuffer()).byteLength, DASHBOARD_JSON_BYTES, "a dashboard");
    assert.equal(dashboard.headers.get("transfer-encoding"), "chunked", "served kept");
  } finally {
    await h.close();
  }
});
