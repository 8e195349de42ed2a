/**
 * Seeding for the dashboard API scenarios, over the real API: sign up, create a personal API
 * token (bearer requests are CSRF-exempt, as a real API client's are), import analyses.
 */
import { sampleAnalysis } from "../fixtures/analysis.ts";
import type { RequestSpec } from "./load.ts";

export const CATEGORIES = ["digital_presence", "value_creation", "business_management"] as const;

export interface ApiUser {
  /** `Authorization` header for every request. */
  headers: Record<string, string>;
  analysisIds: string[];
}

async function call(url: string, path: string, init: RequestInit): Promise<Response> {
  const res = await fetch(`${url}${path}`, init);
  if (!res.ok) {
    throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${await res.text()}`);
  }
  return res;
}

/** A fresh user with a token and `count` imported analyses (imports run 8 at a time). */
export async function seedApiUser(url: string, count: number): Promise<ApiUser> {
  const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const signup = await call(url, "/api/v1/auth/signup", {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({
      email,
      password: `bench-${crypto.randomUUID()}`,
      timezone: "Europe/Paris",
    }),
  });
  const cookie = signup.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const token = await call(url, "/api/v1/tokens", {
    method: "POST",
    headers: { "content-type": "application/json", origin: url, cookie },
    body: JSON.stringify({ name: "bench" }),
  });
  const headers = { authorization: `Bearer ${(await token.json()).token}` };
  const analysisIds: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(8, count) }, async () => {
    while (next < count) {
      next++;
      const res = await call(url, "/api/v1/analyses", {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(sampleAnalysis()),
      });
      analysisIds.push((await res.json()).analysis_id);
    }
  }));
  return { headers, analysisIds };
}

/** GET the dashboard of each analysis, equal weights. */
export function dashboardRequests(ids: string[], weight = 1): RequestSpec[] {
  return ids.map((id) => ({ path: `/api/v1/dashboard/${id}`, weight }));
}

export function recommendationRequests(ids: string[], weight = 1): RequestSpec[] {
  return ids.map((id) => ({ path: `/api/v1/dashboard/${id}/recommendations`, weight }));
}

/**
 * POST progress for every opportunity of each analysis, to IN_PROGRESS and back to NOT_STARTED
 * (both allowed; IMPLEMENTED is terminal and would turn the rest into 400s). Picked at random,
 * about half the posts change the status (a write, an event, invalidation, badge evaluation);
 * the rest are the seed's "same status: 200, no change".
 */
export function progressRequests(ids: string[], weight = 1): RequestSpec[] {
  return ids.flatMap((id) =>
    CATEGORIES.flatMap((opportunity_id) =>
      (["IN_PROGRESS", "NOT_STARTED"] as const).map((status) => ({
        method: "POST",
        path: `/api/v1/dashboard/${id}/progress`,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ opportunity_id, status }),
        weight,
      }))
    )
  );
}
