/** `/api/v1/analyses`: import an analysis (with duplicate-URL detection) and list yours. */
import { createRoute, z } from "@hono/zod-openapi";
import { createApi, errorResponses, jsonBody, jsonResponse, signedIn } from "../../lib/http/api.ts";
import { serviceDeps } from "../../lib/http/account_deps.ts";
import { requireUser } from "../../lib/http/authenticate.ts";
import { importSchema } from "../../lib/opportunities/import_schema.ts";
import { importForUser, listAnalysesFor } from "../../lib/opportunities/service.ts";

const ImportResponse = z.object({
  analysis_id: z.string(),
  cached: z.boolean().openapi({
    description: "True when the same URL was imported in the last 7 days",
  }),
  created_at: z.string(),
  dashboard_url: z.string(),
}).openapi("ImportResponse");

const AnalysisSummary = z.object({
  analysis_id: z.string(),
  url: z.string(),
  company_name: z.string(),
  created_at: z.string(),
  total_opportunities: z.number().int(),
  implemented: z.number().int(),
}).openapi("AnalysisSummary");

export const analysesApi = createApi()
  .openapi(
    createRoute({
      method: "post",
      path: "/analyses",
      tags: ["analyses"],
      summary: "Import an analysis; the same URL within 7 days returns the existing one",
      security: signedIn,
      request: { body: jsonBody(importSchema.openapi("AnalysisImport")) },
      responses: {
        201: jsonResponse("Imported", ImportResponse),
        200: jsonResponse("Already imported in the last 7 days (cached: true)", ImportResponse),
        ...errorResponses(400, 401, 413, 415),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const result = await importForUser(serviceDeps(c), user, c.req.valid("json"));
      return c.json({
        analysis_id: result.analysisId,
        cached: result.cached,
        created_at: result.createdAt,
        dashboard_url: `/analyses/${result.analysisId}`,
      }, result.cached ? 200 : 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/analyses",
      tags: ["analyses"],
      summary: "Your analyses, newest first",
      security: signedIn,
      responses: {
        200: jsonResponse("Analyses", z.object({ analyses: z.array(AnalysisSummary) })),
        ...errorResponses(401),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const rows = await listAnalysesFor(serviceDeps(c), user);
      return c.json({
        analyses: rows.map((r) => ({
          analysis_id: r.analysisId,
          url: r.url,
          company_name: r.companyName,
          created_at: r.createdAt.toISOString(),
          total_opportunities: r.total,
          implemented: r.implemented,
        })),
      }, 200);
    },
  );
