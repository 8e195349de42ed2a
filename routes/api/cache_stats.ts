/** `GET /api/v1/cache/stats` (admins): cache health, hits, misses, hit rate. */
import { createRoute, z } from "@hono/zod-openapi";
import { createApi, errorResponses, jsonResponse, signedIn } from "../../lib/http/api.ts";
import { requireUser } from "../../lib/http/authenticate.ts";
import { ApiError, ErrorCode } from "../../lib/http/errors.ts";

const CacheStats = z.object({
  health: z.enum(["healthy", "degraded"]),
  kind: z.string(),
  circuit: z.enum(["closed", "open"]),
  hits: z.number().int(),
  misses: z.number().int(),
  errors: z.number().int(),
  hit_rate: z.number().openapi({ description: "Percentage of lookups served from the cache" }),
}).openapi("CacheStats");

export const cacheStatsApi = createApi().openapi(
  createRoute({
    method: "get",
    path: "/cache/stats",
    tags: ["operations"],
    summary: "Cache statistics for this instance (admin only)",
    security: signedIn,
    responses: { 200: jsonResponse("Statistics", CacheStats), ...errorResponses(401, 403) },
  }),
  async (c) => {
    const user = requireUser(c);
    if (user.role !== "admin") throw new ApiError(403, ErrorCode.FORBIDDEN, "Administrators only.");
    const { cache } = c.get("deps");
    const stats = cache.stats();
    const reachable = await cache.ping();
    return c.json({
      health: reachable && stats.healthy ? "healthy" as const : "degraded" as const,
      kind: stats.kind,
      circuit: stats.circuit,
      hits: stats.hits,
      misses: stats.misses,
      errors: stats.errors,
      hit_rate: Math.round(stats.hitRate * 10_000) / 100,
    }, 200);
  },
);
