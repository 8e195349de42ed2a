/**
 * Domain errors → the API's error codes, in one table, so lib code throws plain domain errors and
 * routes stay thin. Consulted by the app's error handler.
 */
import { InvalidImportError } from "../opportunities/analyses.ts";
import {
  AnalysisNotFoundError,
  InvalidTransitionError,
  OpportunityNotFoundError,
} from "../opportunities/progress.ts";
import { SubscriptionNotFoundError } from "../opportunities/subscriptions.ts";
import { InvalidUrlError } from "../opportunities/url.ts";
import { ApiError, ErrorCode } from "./errors.ts";

export const DomainErrorCode = {
  ANALYSIS_NOT_FOUND: "ANALYSIS_NOT_FOUND",
  OPPORTUNITY_NOT_FOUND: "OPPORTUNITY_NOT_FOUND",
  INVALID_STATUS_TRANSITION: "INVALID_STATUS_TRANSITION",
} as const;

export function toApiError(error: unknown): ApiError | null {
  if (error instanceof AnalysisNotFoundError) {
    return new ApiError(404, DomainErrorCode.ANALYSIS_NOT_FOUND, error.message);
  }
  if (error instanceof OpportunityNotFoundError) {
    return new ApiError(404, DomainErrorCode.OPPORTUNITY_NOT_FOUND, error.message);
  }
  if (error instanceof InvalidTransitionError) {
    return new ApiError(400, DomainErrorCode.INVALID_STATUS_TRANSITION, error.message);
  }
  if (error instanceof SubscriptionNotFoundError) {
    return new ApiError(404, ErrorCode.NOT_FOUND, error.message);
  }
  if (error instanceof InvalidImportError || error instanceof InvalidUrlError) {
    return new ApiError(400, ErrorCode.INVALID_INPUT, error.message);
  }
  return null;
}
