/**
 * Fuzzing the write endpoints (and the id in every path) with fast-check: arbitrary JSON, valid
 * bodies with one field replaced by anything (including NUL, lone surrogates, huge numbers and
 * dates out of range), and raw text. Never a 500; every error is the envelope.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { startHarness } from "../../support/harness.ts";
import { importSample } from "./helpers.ts";

const NUM_RUNS = 150;

/** Strings of arbitrary UTF-16 code units, plus the ones that have broken things before. */
const nastyString = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff\ud800",
    "https://example.com/\u0000",
    "https://exa\u0000mple.com",
    "https://[::1]:99999",
    "http://",
    "https://xn--",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z",
    "2025-10-20T12:00:00+14:00",
    "2025-10-20T12:00:00.123456789Z",
    "NaN",
    "IMPLEMENTED",
    "digital_presence",
    "__proto__",
    "constructor",
    "a".repeat(5000),
  ),
);

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: nastyString },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 168, 168.0001, 20, 500, 19.999),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { a: "\u0000" }) },
);

/** Replaces (or deletes) the value at a random path of `base`. */
function mutate(base: unknown, paths: string[][]): fc.Arbitrary<unknown> {
  return fc.tuple(fc.constantFrom(...paths), fc.option(nastyValue, { freq: 8 })).map(
    ([path, value]) => {
      const copy = structuredClone(base) as Record<string, unknown>;
      let node = copy;
      for (const key of path.slice(0, -1)) {
        if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
      const last = path[path.length - 1];
      if (value === null) delete node[last];
      else node[last] = value;
      return copy;
    },
  );
}

function bodies(base: unknown, paths: string[][]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: mutate(base, paths) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.constantFrom(...paths.map((p) => p[0])), nastyValue),
    },
  );
}

/** A response that is not a server error and, if an error, is exactly the envelope. */
async function assertSane(res: Response, allowed: number[], what: string) {
  const text = await res.text();
  assert.ok(res.status < 500, `${what} → ${res.status} ${text}`);
  assert.ok(allowed.includes(res.status), `${what} → unexpected ${res.status} ${text}`);
  const body = JSON.parse(text);
  if (res.status >= 400) {
    assert.deepEqual(
      Object.keys(body).sort(),
      ["detail", "error", "request_id", "timestamp"],
      text,
    );
    assert.match(body.error, /^[A-Z_]+$/);
    assert.equal(typeof body.detail, "string");
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
    assert.ok(body.request_id.length > 0);
  }
  return body;
}

const IMPORT_PATHS = [
  ["url"],
  ["created_at"],
  ["completed_at"],
  ["results_summary"],
  ["results_summary", "identity_a1"],
  ["results_summary", "identity_a1", "company_name"],
  ["results_summary", "identity_a1", "sector"],
  ["results_summary", "identity_a1", "tier"],
  ["results_summary", "digital_presence"],
  ["results_summary", "digital_presence", "hours_per_week"],
  ["results_summary", "digital_presence", "complexity_level"],
  ["results_summary", "value_creation", "problem_teaser"],
  ["results_summary", "value_creation", "tools_hint"],
  ["results_summary", "business_management"],
  ["results_summary", "total_hours_per_week"],
  ["results_summary", "total_hours_per_year"],
];

Deno.test({
  name: "fuzz: POST /api/v1/analyses never answers 500, errors are the envelope",
  fn: async () => {
    const h = await startHarness();
    try {
      const alice = await h.signup();
      await fc.assert(
        fc.asyncProperty(bodies(sampleAnalysis(), IMPORT_PATHS), async (body) => {
          const res = await alice.post("/api/v1/analyses", body);
          const json = await assertSane(res, [200, 201, 400], JSON.stringify(body).slice(0, 500));
          if (res.status < 300) {
            assert.match(json.analysis_id, /^[0-9a-f-]{36}$/);
            // Whatever was accepted can be shown.
            const dashboard = await alice.get(`/api/v1/dashboard/${json.analysis_id}`);
            await assertSane(
              dashboard,
              [200],
              `dashboard of ${JSON.stringify(body).slice(0, 300)}`,
            );
          }
        }),
        {
          numRuns: NUM_RUNS,
          // Found by this fuzzer once; always tried since.
          examples: [
            [{ ...sampleAnalysis(), url: "https://example.com/\u0000" }],
            [{ ...sampleAnalysis(), created_at: "0000-01-01T00:00:00Z" }],
            [{ ...sampleAnalysis(), completed_at: "0000-01-01T00:00:00Z" }],
            [{
              ...sampleAnalysis(),
              results_summary: {
                ...sampleAnalysis().results_summary,
                identity_a1: { company_name: "\ud800" },
              },
            }],
          ],
        },
      );
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "fuzz: POST progress and subscribe never answer 500, errors are the envelope",
  fn: async () => {
    const h = await startHarness();
    try {
      const alice = await h.signup();
      const id = await importSample(alice);
      await fc.assert(
        fc.asyncProperty(
          bodies({ opportunity_id: "value_creation", status: "IN_PROGRESS", hourly_rate: 50 }, [
            ["opportunity_id"],
            ["status"],
            ["hourly_rate"],
          ]),
          async (body) => {
            const res = await alice.post(`/api/v1/dashboard/${id}/progress`, body);
            await assertSane(res, [200, 400, 404], JSON.stringify(body).slice(0, 500));
          },
        ),
        {
          numRuns: NUM_RUNS,
          examples: [[{ opportunity_id: "a\u0000b", status: "IN_PROGRESS" }], [{
            opportunity_id: "\ud800",
            status: "IN_PROGRESS",
          }]],
        },
      );
      await fc.assert(
        fc.asyncProperty(
          bodies({ email: "owner@example.com", frequency: "weekly", hourly_rate: 50 }, [
            ["email"],
            ["frequency"],
            ["hourly_rate"],
          ]),
          async (body) => {
            const res = await alice.post(`/api/v1/dashboard/${id}/subscribe`, body);
            await assertSane(res, [200, 201, 400], JSON.stringify(body).slice(0, 500));
          },
        ),
        {
          numRuns: NUM_RUNS,
          examples: [[{ email: "a\u0000@example.com", frequency: "weekly" }], [{
            email: "owner@example.com",
            frequency: "weekly\u0000",
          }]],
        },
      );
      // Whatever the fuzzing did, the dashboard still reads and agrees with the database.
      const res = await alice.get(`/api/v1/dashboard/${id}`);
      const dashboard = await assertSane(res, [200], "final dashboard");
      const rows = await h.db.sql<{ opportunity_id: string; status: string }[]>`
        select opportunity_id, status from opportunities where analysis_id = ${id}`;
      for (const row of rows) {
        assert.equal(
          dashboard.opportunities.find((o: { opportunity_id: string }) =>
            o.opportunity_id === row.opportunity_id
          ).status,
          row.status,
        );
      }
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "fuzz: raw (non-JSON or odd JSON) bodies and arbitrary ids in paths",
  fn: async () => {
    const h = await startHarness();
    try {
      const alice = await h.signup();
      const id = await importSample(alice);
      const targets = [
        "/api/v1/analyses",
        `/api/v1/dashboard/${id}/progress`,
        `/api/v1/dashboard/${id}/subscribe`,
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...targets),
          fc.string({ maxLength: 200 }),
          async (path, raw) => {
            const res = await alice.request(path, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: raw,
            });
            await assertSane(res, [200, 201, 400], `${path} ${JSON.stringify(raw)}`);
          },
        ),
        { numRuns: NUM_RUNS },
      );
      const suffixes = ["", "/badges", "/recommendations", "/metrics"];
      await fc.assert(
        fc.asyncProperty(
          nastyString.filter((s) => s.length > 0 && s.isWellFormed()),
          fc.constantFrom(...suffixes),
          async (raw, suffix) => {
            const res = await alice.get(`/api/v1/dashboard/${encodeURIComponent(raw)}${suffix}`);
            const body = await assertSane(res, [404], JSON.stringify(raw));
            // "." and ".." collapse to another path; anything else is an unknown analysis.
            assert.ok(["ANALYSIS_NOT_FOUND", "NOT_FOUND"].includes(body.error), body.error);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    } finally {
      await h.close();
    }
  },
});
