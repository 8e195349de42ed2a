/**
 * Building blocks for `/api/v1` resources: an OpenAPIHono factory whose validation failures become
 * the `INVALID_INPUT` envelope, the shared error schema, and helpers that keep route definitions
 * short. Every route's zod schemas feed both validation and `GET /api/openapi.json`.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { AppEnv } from "./context.ts";
import { describeIssues, invalidInput } from "./errors.ts";
import { keptResponse } from "./kept_response.ts";

/** A sub-app for one API resource; mount it under `/api/v1` with `app.route()`. */
export function createApi(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidInput(describeIssues(result.error.issues));
    },
  });
}

/**
 * A 200 JSON response from JSON serialised (and encoded) earlier and reused — a kept response
 * (`kept_response.ts`): pass the same bytes again for the same answer. Typed as
 * `c.json(value, 200)` would be, so the route still checks against its OpenAPI response schema.
 */
export function jsonBytes<T>(
  c: Context<AppEnv>,
  json: Uint8Array<ArrayBuffer>,
): TypedResponse<T, 200, "json"> {
  return keptResponse(c, json, "application/json") as unknown as TypedResponse<T, 200, "json">;
}

export const ErrorSchema = z.object({
  error: z.string().openapi({ example: "INVALID_INPUT" }),
  detail: z.string().openapi({ example: "email: a valid email address" }),
  timestamp: z.string().openapi({ example: "2026-11-23T19:00:00.000Z" }),
  request_id: z.string().openapi({ example: "6f1c2d8e-1b7a-4a43-9a57-2a3f0e6f3e1a" }),
}).openapi("Error");

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input (`INVALID_INPUT`)",
  401: "Not signed in (`UNAUTHENTICATED`)",
  403: "Cross-site request refused (`FORBIDDEN`)",
  404: "Not found",
  409: "Conflict",
  413: "Body too large (`PAYLOAD_TOO_LARGE`)",
  415: "Body must be JSON (`UNSUPPORTED_MEDIA_TYPE`)",
  429: "Rate limited (`RATE_LIMIT_EXCEEDED`); see `Retry-After`",
  503: "Database unavailable (`DATABASE_UNAVAILABLE`); see `Retry-After`",
};

/** The error responses a route can produce, for its OpenAPI definition. */
export function errorResponses(...statuses: number[]) {
  const all = [...new Set([...statuses, 429, 503])];
  return Object.fromEntries(all.map((status) => [status, {
    description: ERROR_DESCRIPTIONS[status] ?? "Error",
    content: { "application/json": { schema: ErrorSchema } },
  }]));
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/** A JSON response. */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}

/** Security requirement: session cookie or bearer token. */
export const signedIn: Record<string, string[]>[] = [{ cookieAuth: [] }, { bearerAuth: [] }];
