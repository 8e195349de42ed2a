/** `/api/v1/dashboard/{analysisId}/…`: seed 001's dashboard API, plus `/metrics`. */
import { createRoute } from "@hono/zod-openapi";
import {
  createApi,
  errorResponses,
  jsonBody,
  jsonBytes,
  jsonResponse,
  signedIn,
} from "../../lib/http/api.ts";
import { serviceDeps } from "../../lib/http/account_deps.ts";
import { requireUser } from "../../lib/http/authenticate.ts";
import {
  changeProgress,
  type DashboardJson,
  getBadges,
  getDashboardJson,
  getMetrics,
  getRecommendations,
  listReportSubscriptions,
  stopReportSubscription,
  subscribeToReports,
} from "../../lib/opportunities/service.ts";
import type { Subscription } from "../../lib/opportunities/subscriptions.ts";
import {
  AnalysisIdParam,
  BadgesResponse,
  DashboardResponse,
  EmailSubscriptionRequest,
  EmailSubscriptionResponse,
  MetricsResponse,
  ProgressUpdateRequest,
  ProgressUpdateResponse,
  RecommendationsResponse,
  SubscriptionListResponse,
  SubscriptionParams,
} from "./dashboard_schemas.ts";

const tags = ["dashboard"];
const subscriptionJson = (subscription: Subscription) => ({
  subscription_id: subscription.id,
  analysis_id: subscription.analysisId,
  email: subscription.email,
  frequency: subscription.frequency,
  active: subscription.active,
  created_at: subscription.createdAt.toISOString(),
});

const cents = (rate: number | null | undefined) =>
  rate === undefined ? undefined : rate === null ? null : Math.round(rate * 100);

export const dashboardApi = createApi()
  .openapi(
    createRoute({
      method: "get",
      path: "/dashboard/{analysisId}",
      tags,
      summary: "Dashboard data: identity, opportunities with progress, badges, metrics",
      security: signedIn,
      request: { params: AnalysisIdParam },
      responses: {
        200: jsonResponse("The dashboard", DashboardResponse),
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      // Already serialised: the same bytes are reused until the dashboard changes.
      const json = await getDashboardJson(
        serviceDeps(c),
        c.req.valid("param").analysisId,
        user,
        c.get("locale"),
      );
      return jsonBytes<DashboardJson>(c, json);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/dashboard/{analysisId}/progress",
      tags,
      summary: "Change an opportunity's status; returns new badges and fresh metrics",
      security: signedIn,
      request: { params: AnalysisIdParam, body: jsonBody(ProgressUpdateRequest) },
      responses: {
        200: jsonResponse(
          "Progress updated (or unchanged if the status was the same)",
          ProgressUpdateResponse,
        ),
        ...errorResponses(400, 401, 404, 415),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const input = c.req.valid("json");
      const { response } = await changeProgress(
        serviceDeps(c),
        c.req.valid("param").analysisId,
        user,
        c.get("locale"),
        {
          opportunityId: input.opportunity_id,
          status: input.status,
          hourlyRateCents: cents(input.hourly_rate) ?? undefined,
        },
      );
      return c.json(response, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dashboard/{analysisId}/recommendations",
      tags,
      summary: "NOT_STARTED opportunities by priority (hours per week / complexity)",
      security: signedIn,
      request: { params: AnalysisIdParam },
      responses: {
        200: jsonResponse("Recommendations, best first", RecommendationsResponse),
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json(
        await getRecommendations(
          serviceDeps(c),
          c.req.valid("param").analysisId,
          user,
          c.get("locale"),
        ),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dashboard/{analysisId}/badges",
      tags,
      summary: "Badges earned, and progress toward the rest",
      security: signedIn,
      request: { params: AnalysisIdParam },
      responses: { 200: jsonResponse("Badges", BadgesResponse), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json(
        await getBadges(serviceDeps(c), c.req.valid("param").analysisId, user, c.get("locale")),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dashboard/{analysisId}/metrics",
      tags,
      summary: "Time and money saved",
      security: signedIn,
      request: { params: AnalysisIdParam },
      responses: { 200: jsonResponse("Metrics", MetricsResponse), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const user = requireUser(c);
      return c.json(await getMetrics(serviceDeps(c), c.req.valid("param").analysisId, user), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/dashboard/{analysisId}/subscribe",
      tags,
      summary: "Subscribe to weekly or monthly email reports (same email again updates it)",
      security: signedIn,
      request: { params: AnalysisIdParam, body: jsonBody(EmailSubscriptionRequest) },
      responses: {
        201: jsonResponse("Subscription created", EmailSubscriptionResponse),
        200: jsonResponse("Existing subscription updated", EmailSubscriptionResponse),
        ...errorResponses(400, 401, 404, 415),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const input = c.req.valid("json");
      const { subscription, created } = await subscribeToReports(serviceDeps(c), user, {
        analysisId: c.req.valid("param").analysisId,
        email: input.email,
        frequency: input.frequency,
        hourlyRateCents: cents(input.hourly_rate),
      });
      return c.json(subscriptionJson(subscription), created ? 201 : 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dashboard/{analysisId}/subscriptions",
      tags,
      summary: "The analysis' active email report subscriptions",
      security: signedIn,
      request: { params: AnalysisIdParam },
      responses: {
        200: jsonResponse("Active subscriptions, oldest first", SubscriptionListResponse),
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const { analysisId } = c.req.valid("param");
      const list = await listReportSubscriptions(serviceDeps(c), requireUser(c), analysisId);
      return c.json({
        analysis_id: analysisId.toLowerCase(),
        subscriptions: list.map(subscriptionJson),
      }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/dashboard/{analysisId}/subscriptions/{subscriptionId}",
      tags,
      summary: "Stop a subscription (idempotent; subscribing the same email again revives it)",
      security: signedIn,
      request: { params: SubscriptionParams },
      responses: { 204: { description: "Stopped" }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { analysisId, subscriptionId } = c.req.valid("param");
      await stopReportSubscription(serviceDeps(c), requireUser(c), analysisId, subscriptionId);
      return c.body(null, 204);
    },
  );
