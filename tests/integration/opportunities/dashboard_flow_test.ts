import assert from "node:assert/strict";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { startHarness } from "../../support/harness.ts";

Deno.test("import → progress → badges → metrics → recommendations → subscribe (seed example)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ locale: "fr" });
    const imported = await alice.post("/api/v1/analyses", sampleAnalysis());
    assert.equal(imported.status, 201, await imported.clone().text());
    const { analysis_id: id, cached } = await imported.json();
    assert.equal(cached, false);

    let res = await alice.get(`/api/v1/dashboard/${id}`);
    assert.equal(res.status, 200);
    let dashboard = await res.json();
    assert.equal(dashboard.identity.company_name, "Example Inc.");
    assert.equal(dashboard.opportunities.length, 3);
    assert.deepEqual(dashboard.metrics.time_saved, {
      potential_weekly: 15,
      implemented_weekly: 0,
      potential_annual: 780,
      implemented_annual: 0,
    });
    assert.equal(dashboard.metrics.money_saved.potential_annual, null);

    res = await alice.post(`/api/v1/dashboard/${id}/progress`, {
      opportunity_id: "digital_presence",
      status: "IN_PROGRESS",
    });
    assert.equal(res.status, 200);
    let progress = await res.json();
    assert.deepEqual(progress.new_badges.map((b: { badge_type: string }) => b.badge_type), [
      "first_step",
    ]);
    assert.equal(progress.new_badges[0].badge_name, "Premier Pas");

    res = await alice.post(`/api/v1/dashboard/${id}/progress`, {
      opportunity_id: "digital_presence",
      status: "IMPLEMENTED",
      hourly_rate: 50,
    });
    progress = await res.json();
    assert.deepEqual(progress.new_badges.map((b: { badge_type: string }) => b.badge_type), [
      "quick_win",
    ]);
    assert.deepEqual(progress.metrics.money_saved, {
      hourly_rate: 50,
      potential_annual: 39000,
      implemented_annual: 13000,
      currency: "CAD",
    });

    dashboard = await (await alice.get(`/api/v1/dashboard/${id}`)).json();
    assert.equal(dashboard.progress_summary.completion_percentage, 33);
    assert.equal(dashboard.metrics.time_saved.implemented_weekly, 5);

    const recs = await (await alice.get(`/api/v1/dashboard/${id}/recommendations`)).json();
    assert.deepEqual(
      recs.recommendations.map((r: { opportunity_id: string }) => r.opportunity_id),
      [
        "value_creation",
        "business_management",
      ],
    );
    assert.equal(recs.recommendations[0].priority_score, 1.6);
    assert.equal(recs.recommendations[1].priority_score, 0.67);

    const badges = await (await alice.get(`/api/v1/dashboard/${id}/badges`)).json();
    assert.equal(badges.total_badges, 2);
    const timeSaver = badges.upcoming_badges.find((b: { badge_type: string }) =>
      b.badge_type === "time_saver"
    );
    assert.equal(timeSaver.progress_text, "5 / 10 h par semaine");

    res = await alice.post(`/api/v1/dashboard/${id}/subscribe`, {
      email: "Me@Example.com",
      frequency: "weekly",
    });
    assert.equal(res.status, 201);
    res = await alice.post(`/api/v1/dashboard/${id}/subscribe`, {
      email: "me@example.com",
      frequency: "monthly",
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).frequency, "monthly");

    const again = await alice.post("/api/v1/analyses", {
      ...sampleAnalysis(),
      url: dashboard.url.replace("https://www.", "HTTP://"),
    });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json().then((b) => [b.analysis_id, b.cached]), [id, true]);

    const bob = await h.signup();
    for (const path of ["", "/badges", "/recommendations", "/metrics"]) {
      const r = await bob.get(`/api/v1/dashboard/${id}${path}`);
      assert.equal(r.status, 404);
      assert.equal((await r.json()).error, "ANALYSIS_NOT_FOUND");
    }
  } finally {
    await h.close();
  }
});
