/**
 * The one error envelope. Every `/api/*` error is `{error, detail, timestamp, request_id}` with a
 * stable upper-case code; lib code throws {@link ApiError} (or a domain error mapped to one) and
 * the app's `onError` renders it.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Codes shared by every feature. Features add their own (e.g. `ANALYSIS_NOT_FOUND`). */
export const ErrorCode = {
  INVALID_INPUT: "INVALID_INPUT",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  EMAIL_TAKEN: "EMAIL_TAKEN",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  RATE_LIMIT_EXCEEDED: "RATE_LIMIT_EXCEEDED",
  DATABASE_UNAVAILABLE: "DATABASE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

export interface ErrorBody {
  error: string;
  detail: string;
  timestamp: string;
  request_id: string;
}

/** An error with an HTTP status and a stable code; `detail` is safe to show to the caller. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    detail: string,
    options: { headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

export const invalidInput = (detail: string) => new ApiError(400, ErrorCode.INVALID_INPUT, detail);
export const notFound = (detail = "Not found.") => new ApiError(404, ErrorCode.NOT_FOUND, detail);
export const unauthenticated = (detail = "Sign in or send a valid bearer token.") =>
  new ApiError(401, ErrorCode.UNAUTHENTICATED, detail);

/** Builds the envelope for the current request. */
export function errorBody(c: Context, code: string, detail: string): ErrorBody {
  return {
    error: code,
    detail,
    timestamp: new Date().toISOString(),
    request_id: (c.get("requestId") as string | undefined) ?? "",
  };
}

/** Responds with the envelope. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json(errorBody(c, code, detail), status);
}

/** Turns zod issues into one readable sentence naming each field and what is wrong with it. */
export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string {
  return issues.slice(0, 5).map((issue) => {
    const field = issue.path.map(String).join(".") || "body";
    return `${field}: ${issue.message}`;
  }).join("; ");
}
