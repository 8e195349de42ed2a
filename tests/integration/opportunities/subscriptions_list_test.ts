/**
 * Seeing and stopping report subscriptions: `GET /dashboard/{id}/subscriptions`,
 * `DELETE /dashboard/{id}/subscriptions/{subscriptionId}`, and the same on the analysis page
 * (a list with a "Stop" form per address, working without JavaScript). Only the owner.
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import { assertError, getJson, importSample } from "./helpers.ts";

type Listed = { subscription_id: string; email: string; frequency: string; active: boolean };

Deno.test("subscriptions: listed, updated in place, stopped idempotently, revived by subscribing", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    const list = async () =>
      (await getJson(alice, `/api/v1/dashboard/${id}/subscriptions`)).subscriptions as Listed[];
    assert.deepEqual(await list(), []);

    const subscribe = (email: string, frequency: string) =>
      alice.post(`/api/v1/dashboard/${id}/subscribe`, { email, frequency });
    const owner = await (await subscribe("owner@example.com", "weekly")).json();
    await subscribe("partner@example.com", "monthly");
    await subscribe("OWNER@example.com", "monthly"); // an update, not a third one
    const listed = await list();
    assert.deepEqual(listed.map((s) => [s.email, s.frequency, s.active]), [
      ["owner@example.com", "monthly", true],
      ["partner@example.com", "monthly", true],
    ]);
    assert.equal(listed[0].subscription_id, owner.subscription_id);

    const stop = (subscriptionId: string) =>
      alice.request(`/api/v1/dashboard/${id}/subscriptions/${subscriptionId}`, {
        method: "DELETE",
      });
    assert.equal((await stop(owner.subscription_id)).status, 204);
    assert.equal((await stop(owner.subscription_id)).status, 204, "stopping twice is fine");
    assert.deepEqual((await list()).map((s) => s.email), ["partner@example.com"]);
    const [row] = await h.db.sql<{ active: boolean }[]>`
      select active from email_subscriptions where id = ${owner.subscription_id}`;
    assert.equal(row.active, false, "kept on record, inactive");

    const revived = await subscribe("owner@example.com", "weekly");
    assert.equal(revived.status, 200, "the same row again");
    assert.equal((await revived.json()).subscription_id, owner.subscription_id);
    assert.deepEqual((await list()).map((s) => s.email).sort(), [
      "owner@example.com",
      "partner@example.com",
    ]);

    // Unknown or malformed subscription ids, and unknown analyses, are not found.
    await assertError(await stop(crypto.randomUUID()), 404, "NOT_FOUND");
    await assertError(await stop("not-a-uuid"), 404, "NOT_FOUND");
    await assertError(
      await alice.get(`/api/v1/dashboard/${crypto.randomUUID()}/subscriptions`),
      404,
      "ANALYSIS_NOT_FOUND",
    );
    await assertError(
      await alice.get(`/api/v1/dashboard/nope/subscriptions`),
      404,
      "ANALYSIS_NOT_FOUND",
    );
    // A subscription of another analysis cannot be stopped through this one.
    const second = await importSample(alice);
    const elsewhere = await (await alice.post(`/api/v1/dashboard/${second}/subscribe`, {
      email: "x@example.com",
      frequency: "weekly",
    })).json();
    await assertError(await stop(elsewhere.subscription_id), 404, "NOT_FOUND");
  } finally {
    await h.close();
  }
});

Deno.test("subscriptions: another user can neither see nor stop them (404, nothing changes)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const mallory = await h.signup();
    const id = await importSample(alice);
    const sub = await (await alice.post(`/api/v1/dashboard/${id}/subscribe`, {
      email: "owner@example.com",
      frequency: "weekly",
    })).json();
    await assertError(
      await mallory.get(`/api/v1/dashboard/${id}/subscriptions`),
      404,
      "ANALYSIS_NOT_FOUND",
    );
    await assertError(
      await mallory.request(`/api/v1/dashboard/${id}/subscriptions/${sub.subscription_id}`, {
        method: "DELETE",
      }),
      404,
      "ANALYSIS_NOT_FOUND",
    );
    const page = await mallory.form(
      `/analyses/${id}/subscriptions/${sub.subscription_id}/stop`,
      {},
    );
    assert.equal(page.status, 404);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    await page.body?.cancel();
    assert.equal(
      (await getJson(alice, `/api/v1/dashboard/${id}/subscriptions`)).subscriptions.length,
      1,
      "still subscribed",
    );
    await assertError(
      await h.client().get(`/api/v1/dashboard/${id}/subscriptions`),
      401,
      "UNAUTHENTICATED",
    );
  } finally {
    await h.close();
  }
});

Deno.test("subscriptions page: the card lists who gets reports and each can be stopped without JS", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const id = await importSample(alice);
    let html = await (await alice.get(`/analyses/${id}`)).text();
    assert.match(html, /No one gets reports for this analysis yet\./);

    const res = await alice.form(`/analyses/${id}/subscribe`, {
      email: "reports@example.com",
      frequency: "monthly",
    });
    assert.equal(res.status, 303);
    html = await (await alice.get(`/analyses/${id}`)).text();
    assert.match(html, /<strong>reports@example\.com<\/strong>/);
    assert.match(html, /aria-label="Stop reports to reports@example\.com"/);
    const action = /action="(\/analyses\/[^"]+\/subscriptions\/[^"]+\/stop)"/.exec(html)?.[1];
    assert.ok(action, "a stop form per subscription");

    const stopped = await alice.form(action, {});
    assert.equal(stopped.status, 303);
    assert.equal(stopped.headers.get("location"), `/analyses/${id}?notice=unsubscribed#subscribe`);
    html = await (await alice.get(`/analyses/${id}?notice=unsubscribed`)).text();
    assert.match(html, /Subscription stopped/);
    assert.match(html, /No one gets reports for this analysis yet\./);

    // French, too.
    await alice.request("/api/v1/me", { method: "PATCH", json: { locale: "fr" } });
    html = await (await alice.get(`/analyses/${id}`)).text();
    assert.match(html, /Personne ne reçoit encore de rapports/);
  } finally {
    await h.close();
  }
});
