/**
 * `POST /api/v1/analyses`: import, the 7-day duplicate-URL rule (seed FR-6) — also under a burst
 * of identical imports and with the cache empty or down — created_at/completed_at rules, and
 * validation errors that name the field.
 */
import assert from "node:assert/strict";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { type Harness, startHarness } from "../../support/harness.ts";
import {
  assertError,
  type Client,
  CountingStore,
  FailingStore,
  getJson,
  importSample,
} from "./helpers.ts";

const uniqueHost = () => `example-${crypto.randomUUID().slice(0, 8)}.com`;

async function post(client: Client, body: unknown) {
  const res = await client.post("/api/v1/analyses", body);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

async function analysesOf(h: Harness, userId: string): Promise<string[]> {
  const rows = await h.db.sql<{ id: string }[]>`
    select id from analyses where user_id = ${userId} order by imported_at`;
  return rows.map((r) => r.id);
}

Deno.test("import: 201, then the same URL spelled differently within 7 days → 200 cached, same id", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const host = uniqueHost();
    const first = await post(alice, sampleAnalysis({ url: `https://www.${host}/` }));
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.cached, false);
    assert.equal(first.body.dashboard_url, `/analyses/${first.body.analysis_id}`);
    for (
      const spelling of [
        `https://www.${host}/`,
        `https://${host}`,
        `http://${host}/`,
        `HTTPS://WWW.${host.toUpperCase()}`,
        `https://${host}:443/#pricing`,
        `http://www.${host}:80`,
        `  https://${host}/  `,
      ]
    ) {
      const again = await post(alice, sampleAnalysis({ url: spelling }));
      assert.equal(again.status, 200, `${spelling}: ${again.text}`);
      assert.equal(again.body.cached, true);
      assert.equal(again.body.analysis_id, first.body.analysis_id, spelling);
      assert.equal(again.body.created_at, first.body.created_at);
    }
    // A different page, query or port is a different analysis.
    for (
      const other of [`https://${host}/about`, `https://${host}/?lang=fr`, `https://${host}:8443`]
    ) {
      const res = await post(alice, sampleAnalysis({ url: other }));
      assert.equal(res.status, 201, other);
      assert.notEqual(res.body.analysis_id, first.body.analysis_id);
    }
    assert.equal((await analysesOf(h, alice.userId)).length, 4);
  } finally {
    await h.close();
  }
});

Deno.test("import: after 7 days the same URL is a new analysis (6 days 23 h is still a duplicate)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const url = `https://${uniqueHost()}`;
    const first = await post(alice, sampleAnalysis({ url }));
    assert.equal(first.status, 201);
    await h.db.sql`update analyses set imported_at = now() - interval '6 days 23 hours'
                   where id = ${first.body.analysis_id}`;
    const stillCached = await post(alice, sampleAnalysis({ url }));
    assert.equal(stillCached.status, 200);
    assert.equal(stillCached.body.analysis_id, first.body.analysis_id);

    await h.db.sql`update analyses set imported_at = now() - interval '7 days 1 minute'
                   where id = ${first.body.analysis_id}`;
    const fresh = await post(alice, sampleAnalysis({ url }));
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(fresh.body.cached, false);
    assert.notEqual(fresh.body.analysis_id, first.body.analysis_id);
    // …and now the new one is the duplicate target.
    const again = await post(alice, sampleAnalysis({ url: `${url}/` }));
    assert.equal(again.status, 200);
    assert.equal(again.body.analysis_id, fresh.body.analysis_id);
    // An old analysis (created_at in the past) imported today is inside the window: imported_at counts.
    const old = await post(alice, sampleAnalysis({ created_at: "2024-01-01T00:00:00Z" }));
    assert.equal(old.status, 201);
    assert.equal(old.body.created_at, "2024-01-01T00:00:00.000Z");
  } finally {
    await h.close();
  }
});

async function burst(h: Harness, n = 20) {
  const alice = await h.signup();
  const body = sampleAnalysis({ url: `https://${uniqueHost()}` });
  const results = await Promise.all(Array.from({ length: n }, () => post(alice, body)));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [...Array(n - 1).fill(200), 201].sort(), JSON.stringify(statuses));
  const ids = new Set(results.map((r) => r.body.analysis_id));
  assert.equal(ids.size, 1);
  assert.deepEqual(await analysesOf(h, alice.userId), [...ids]);
  const [{ count }] = await h.db.sql<{ count: number }[]>`
    select count(*)::int as count from opportunities where analysis_id = ${[...ids][0]}`;
  assert.equal(count, 3);
}

Deno.test("import: 20 concurrent identical imports make exactly one analysis", async () => {
  const h = await startHarness();
  try {
    await burst(h);
  } finally {
    await h.close();
  }
});

Deno.test("import: duplicates are detected with the cache down", async () => {
  const store = new FailingStore();
  const h = await startHarness({ cacheStore: store });
  try {
    const alice = await h.signup();
    const url = `https://${uniqueHost()}`;
    const first = await post(alice, sampleAnalysis({ url }));
    assert.equal(first.status, 201, first.text);
    const again = await post(alice, sampleAnalysis({ url: `${url}/#x` }));
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.analysis_id, again.body.cached], [first.body.analysis_id, true]);
    await burst(h);
    // The dashboard works too, straight from Postgres.
    const dashboard = await getJson(alice, `/api/v1/dashboard/${first.body.analysis_id}`);
    assert.equal(dashboard.identity.company_name, "Example Inc.");
    assert.ok(store.calls > 0, "the app did try the cache");
  } finally {
    await h.close();
  }
});

Deno.test("import: the seed's analysis:cache:{sha256} entry is written, and duplicates survive it being emptied", async () => {
  const store = new CountingStore();
  const h = await startHarness({ cacheStore: store });
  try {
    const alice = await h.signup();
    const url = `https://${uniqueHost()}`;
    const first = await post(alice, sampleAnalysis({ url }));
    assert.equal(first.status, 201);
    const keys = [...store.sets.keys()].filter((k) => k.startsWith("analysis:cache:"));
    assert.equal(keys.length, 1);
    assert.match(keys[0], /^analysis:cache:[0-9a-f]{64}$/);
    assert.deepEqual(JSON.parse((await store.get(keys[0]))!), {
      analysis_id: first.body.analysis_id,
    });
    await store.delete(keys); // the cache forgets (eviction, restart, flush)
    const again = await post(
      alice,
      sampleAnalysis({ url: url.replace("https://", "http://www.") }),
    );
    assert.equal(again.status, 200);
    assert.equal(again.body.analysis_id, first.body.analysis_id);
    // A cached duplicate does not rewrite the entry.
    assert.equal(store.count(store.sets, "analysis:cache:"), 1);
  } finally {
    await h.close();
  }
});

Deno.test("import: created_at may be in the past, never the future; completed_at not before created_at", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const inHour = new Date(Date.now() + 3_600_000).toISOString();
    const future = await alice.post("/api/v1/analyses", sampleAnalysis({ created_at: inHour }));
    const futureBody = await assertError(future, 400, "INVALID_INPUT");
    assert.match(futureBody.detail, /created_at/);

    const base = sampleAnalysis();
    const before = await alice.post("/api/v1/analyses", {
      ...base,
      created_at: "2025-10-20T12:00:00Z",
      completed_at: "2025-10-20T11:59:59Z",
    });
    assert.match((await assertError(before, 400, "INVALID_INPUT")).detail, /completed_at/);

    const completedFuture = await alice.post("/api/v1/analyses", {
      ...sampleAnalysis(),
      completed_at: inHour,
    });
    assert.match((await assertError(completedFuture, 400, "INVALID_INPUT")).detail, /completed_at/);
    // Without created_at it defaults to now, so a past completed_at is "before created_at".
    const completedOnly = await alice.post("/api/v1/analyses", {
      ...sampleAnalysis(),
      completed_at: "2020-01-01T00:00:00Z",
    });
    assert.match((await assertError(completedOnly, 400, "INVALID_INPUT")).detail, /completed_at/);
    assert.equal((await analysesOf(h, alice.userId)).length, 0, "nothing was stored");

    const ok = await post(alice, {
      ...sampleAnalysis(),
      created_at: "2025-10-20T12:00:00+05:30",
      completed_at: "2025-10-20T06:31:00Z",
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.created_at, "2025-10-20T06:30:00.000Z");
    const dashboard = await getJson(alice, `/api/v1/dashboard/${ok.body.analysis_id}`);
    assert.equal(dashboard.created_at, "2025-10-20T06:30:00.000Z");
    assert.equal(dashboard.completed_at, "2025-10-20T06:31:00.000Z");
    const id = await importSample(alice);
    const plain = await getJson(alice, `/api/v1/dashboard/${id}`);
    assert.equal(plain.completed_at, null);
    assert.ok(Math.abs(Date.parse(plain.created_at) - Date.now()) < 60_000);
  } finally {
    await h.close();
  }
});

Deno.test("import: bad shapes are 400 INVALID_INPUT naming the field", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const s = () => sampleAnalysis();
    const withSummary = (patch: Record<string, unknown>) => {
      const body = s();
      return { ...body, results_summary: { ...body.results_summary, ...patch } };
    };
    const withOpportunity = (patch: Record<string, unknown>) => {
      const body = s();
      return withSummary({ value_creation: { ...body.results_summary.value_creation, ...patch } });
    };
    const cases: [string, unknown, RegExp][] = [
      ["no url", { results_summary: s().results_summary }, /^url: /],
      ["url not a string", { ...s(), url: 42 }, /^url: /],
      ["relative url", { ...s(), url: "example.com" }, /^url: /],
      ["ftp url", { ...s(), url: "ftp://example.com" }, /^url: /],
      ["credentials in url", { ...s(), url: "https://me:pw@example.com" }, /^url: /],
      ["huge url", { ...s(), url: `https://example.com/${"a".repeat(3000)}` }, /^url: /],
      ["no results_summary", { url: "https://example.com" }, /^results_summary: /],
      ["results_summary not an object", { ...s(), results_summary: [] }, /^results_summary/],
      ["no identity", withSummary({ identity_a1: undefined }), /results_summary\.identity_a1/],
      [
        "empty company name",
        withSummary({ identity_a1: { company_name: "  " } }),
        /results_summary\.identity_a1\.company_name/,
      ],
      [
        "hours as a string",
        withOpportunity({ hours_per_week: "8" }),
        /results_summary\.value_creation\.hours_per_week/,
      ],
      [
        "negative hours",
        withOpportunity({ hours_per_week: -1 }),
        /results_summary\.value_creation\.hours_per_week/,
      ],
      [
        "more hours than a week has",
        withOpportunity({ hours_per_week: 169 }),
        /results_summary\.value_creation\.hours_per_week/,
      ],
      [
        "complexity 0",
        withOpportunity({ complexity_level: 0 }),
        /results_summary\.value_creation\.complexity_level/,
      ],
      [
        "complexity 11",
        withOpportunity({ complexity_level: 11 }),
        /results_summary\.value_creation\.complexity_level/,
      ],
      [
        "fractional complexity",
        withOpportunity({ complexity_level: 5.5 }),
        /results_summary\.value_creation\.complexity_level/,
      ],
      [
        "no opportunity at all",
        withSummary({ digital_presence: null, value_creation: null, business_management: null }),
        /results_summary: .*at least one opportunity/,
      ],
      ["created_at not a date", { ...s(), created_at: "yesterday" }, /^created_at: /],
      ["created_at without zone", { ...s(), created_at: "2025-10-20T12:00:00" }, /^created_at: /],
      ["impossible date", { ...s(), created_at: "2025-02-30T12:00:00Z" }, /^created_at: /],
      ["year zero", { ...s(), created_at: "0000-01-01T00:00:00Z" }, /^created_at: /],
      [
        "completed in year zero",
        { ...s(), completed_at: "0000-06-01T00:00:00Z" },
        /^completed_at: /,
      ],
      ["body is an array", [], /^body: /],
      ["body is null", null, /^body: /],
    ];
    for (const [name, body, field] of cases) {
      const error = await assertError(
        await alice.post("/api/v1/analyses", body),
        400,
        "INVALID_INPUT",
      ).catch((e) => {
        throw new Error(`${name}: ${e.message}`);
      });
      assert.match(error.detail, field, `${name}: ${error.detail}`);
    }
    assert.equal((await analysesOf(h, alice.userId)).length, 0);
    // Not JSON at all.
    const form = await alice.request("/api/v1/analyses", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "url=https://example.com",
    });
    assert.equal(form.status, 415);
    // Not signed in.
    await assertError(await h.client().post("/api/v1/analyses", s()), 401, "UNAUTHENTICATED");
  } finally {
    await h.close();
  }
});

Deno.test("import: text with NUL characters or broken UTF-16 is refused (400), never a 500", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const s = () => sampleAnalysis();
    const cases: [string, unknown, RegExp][] = [
      ["NUL in url", { ...s(), url: `https://${uniqueHost()}/a\u0000b` }, /^url: /],
      [
        "NUL in company name",
        {
          ...s(),
          results_summary: {
            ...s().results_summary,
            identity_a1: { company_name: "Ex\u0000ample" },
          },
        },
        /identity_a1\.company_name/,
      ],
      [
        "lone surrogate in a teaser",
        {
          ...s(),
          results_summary: {
            ...s().results_summary,
            digital_presence: { hours_per_week: 1, complexity_level: 1, problem_teaser: "\ud800" },
          },
        },
        /digital_presence\.problem_teaser/,
      ],
    ];
    for (const [name, body, field] of cases) {
      const error = await assertError(
        await alice.post("/api/v1/analyses", body),
        400,
        "INVALID_INPUT",
      ).catch((e) => {
        throw new Error(`${name}: ${e.message}`);
      });
      assert.match(error.detail, field, name);
    }
    // Ordinary non-ASCII text is fine.
    const ok = await post(alice, {
      ...s(),
      results_summary: {
        ...s().results_summary,
        identity_a1: { company_name: "Café Œuvre 日本 🚀", sector: "Économie" },
      },
    });
    assert.equal(ok.status, 201, ok.text);
    const dashboard = await getJson(alice, `/api/v1/dashboard/${ok.body.analysis_id}`);
    assert.equal(dashboard.identity.company_name, "Café Œuvre 日本 🚀");
    assert.equal(dashboard.identity.sector, "Économie");
  } finally {
    await h.close();
  }
});
