/**
 * `POST /dashboard/{id}/subscribe`: 201 then 200 for the same (case-insensitive) email, frequency
 * validated, hourly_rate optional (and adopted by the analysis when it has none).
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import { assertError, getJson, importSample } from "./helpers.ts";

Deno.test("subscribe: 201, then 200 updating the same subscription (email case-insensitive)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const created = await alice.post(`/api/v1/dashboard/${id}/subscribe`, {
      email: "  Owner@Example.COM ",
      frequency: "weekly",
    });
    assert.equal(created.status, 201, await created.clone().text());
    const first = await created.json();
    assert.equal(first.analysis_id, id);
    assert.equal(first.email, "owner@example.com");
    assert.equal(first.frequency, "weekly");
    assert.equal(first.active, true);
    assert.match(first.subscription_id, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(first.created_at)));

    for (
      const [email, frequency] of [["owner@example.com", "monthly"], [
        "OWNER@example.com",
        "weekly",
      ]]
    ) {
      const updated = await alice.post(`/api/v1/dashboard/${id}/subscribe`, { email, frequency });
      assert.equal(updated.status, 200);
      const body = await updated.json();
      assert.equal(body.subscription_id, first.subscription_id);
      assert.equal(body.frequency, frequency);
      assert.equal(body.created_at, first.created_at);
    }
    const rows = await h.db.sql<{ email: string; frequency: string; active: boolean }[]>`
      select email, frequency, active from email_subscriptions where analysis_id = ${id}`;
    assert.deepEqual([...rows], [{
      email: "owner@example.com",
      frequency: "weekly",
      active: true,
    }]);

    // A re-activated subscription (e.g. after unsubscribing) is the same row, active again.
    await h.db.sql`update email_subscriptions set active = false where analysis_id = ${id}`;
    const again = await alice.post(`/api/v1/dashboard/${id}/subscribe`, {
      email: "owner@example.com",
      frequency: "monthly",
    });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).active, true);

    // A different email is a second subscription.
    const other = await alice.post(`/api/v1/dashboard/${id}/subscribe`, {
      email: "partner@example.com",
      frequency: "monthly",
    });
    assert.equal(other.status, 201);
    // The same email on another analysis is independent.
    const id2 = await importSample(alice);
    const elsewhere = await alice.post(`/api/v1/dashboard/${id2}/subscribe`, {
      email: "owner@example.com",
      frequency: "weekly",
    });
    assert.equal(elsewhere.status, 201);
  } finally {
    await h.close();
  }
});

Deno.test("subscribe: concurrent identical subscriptions make one row", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        alice.post(`/api/v1/dashboard/${id}/subscribe`, {
          email: i % 2 ? "Same@Example.com" : "same@example.com",
          frequency: "weekly",
        })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(
      await Promise.all(results.map(async (r) => (await r.json()).subscription_id)),
    );
    assert.equal(ids.size, 1);
  } finally {
    await h.close();
  }
});

Deno.test("subscribe: frequency and email are validated; hourly_rate is optional and bounded", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const url = `/api/v1/dashboard/${id}/subscribe`;
    const cases: [unknown, RegExp][] = [
      [{ email: "a@example.com" }, /^frequency: /],
      [{ email: "a@example.com", frequency: "daily" }, /^frequency: /],
      [{ email: "a@example.com", frequency: "Weekly" }, /^frequency: /],
      [{ email: "a@example.com", frequency: 7 }, /^frequency: /],
      [{ frequency: "weekly" }, /^email: /],
      [{ email: "not-an-email", frequency: "weekly" }, /^email: /],
      [{ email: "", frequency: "weekly" }, /^email: /],
      [{ email: `${"a".repeat(250)}@example.com`, frequency: "weekly" }, /^email: /],
      [{ email: "a@example.com", frequency: "weekly", hourly_rate: 19 }, /^hourly_rate: /],
      [{ email: "a@example.com", frequency: "weekly", hourly_rate: 501 }, /^hourly_rate: /],
      [{ email: "a@example.com", frequency: "weekly", hourly_rate: "50" }, /^hourly_rate: /],
      [[], /^body: /],
    ];
    for (const [body, field] of cases) {
      const error = await assertError(await alice.post(url, body), 400, "INVALID_INPUT");
      assert.match(error.detail, field, JSON.stringify(body));
    }
    const none = await h.db.sql`select 1 from email_subscriptions where analysis_id = ${id}`;
    assert.equal(none.length, 0);

    // No rate: fine, and money stays unknown.
    const noRate = await alice.post(url, { email: "a@example.com", frequency: "weekly" });
    assert.equal(noRate.status, 201);
    const explicitNull = await alice.post(url, {
      email: "b@example.com",
      frequency: "weekly",
      hourly_rate: null,
    });
    assert.equal(explicitNull.status, 201);
    const metrics = await getJson(alice, `/api/v1/dashboard/${id}/metrics`);
    assert.equal(metrics.metrics.money_saved.hourly_rate, null);
    await getJson(alice, `/api/v1/dashboard/${id}`); // warm the dashboard too

    // With a rate and none known for the analysis: adopted, and the cached reads show it.
    const withRate = await alice.post(url, {
      email: "c@example.com",
      frequency: "monthly",
      hourly_rate: 80,
    });
    assert.equal(withRate.status, 201);
    const [{ hourly_rate_cents }] = await h.db.sql<{ hourly_rate_cents: number }[]>`
      select hourly_rate_cents from email_subscriptions where email = 'c@example.com'
        and analysis_id = ${id}`;
    assert.equal(hourly_rate_cents, 8000);
    const after = await getJson(alice, `/api/v1/dashboard/${id}/metrics`);
    assert.equal(after.metrics.money_saved.hourly_rate, 80);
    assert.equal(after.metrics.money_saved.potential_annual, 780 * 80);
    const dashboard = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(dashboard.metrics.money_saved.hourly_rate, 80);

    // Updating without a rate keeps the subscription's rate.
    const keep = await alice.post(url, { email: "C@example.com", frequency: "weekly" });
    assert.equal(keep.status, 200);
    const [kept] = await h.db.sql<{ hourly_rate_cents: number }[]>`
      select hourly_rate_cents from email_subscriptions where email = 'c@example.com'
        and analysis_id = ${id}`;
    assert.equal(kept.hourly_rate_cents, 8000);
  } finally {
    await h.close();
  }
});
