/** `/api/v1/auth/*`: JSON sign-up, log-in and log-out for programmatic clients and tests. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  InvalidCredentialsError,
  logIn,
  LoginThrottledError,
  signUp,
} from "../../lib/auth/accounts.ts";
import { loginSchema, signupSchema } from "../../lib/auth/schemas.ts";
import { deleteSession } from "../../lib/auth/sessions.ts";
import { EmailTakenError, userJson } from "../../lib/auth/users.ts";
import { createApi, errorResponses, jsonBody, jsonResponse } from "../../lib/http/api.ts";
import { accountDeps, authDeps } from "../../lib/http/account_deps.ts";
import { ApiError, ErrorCode } from "../../lib/http/errors.ts";
import { clientIp } from "../../lib/http/rate_limit.ts";
import { clearSessionCookie, writeSessionCookie } from "../../lib/http/session_cookie.ts";
import { UserSchema } from "./schemas.ts";

const AuthResult = z.object({ user: UserSchema }).openapi("AuthResult");

export const authApi = createApi()
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/signup",
      tags: ["auth"],
      summary: "Create an account and sign in",
      request: { body: jsonBody(signupSchema) },
      responses: {
        201: jsonResponse("Account created; the session cookie is set", AuthResult),
        ...errorResponses(400, 409, 415),
      },
    }),
    async (c) => {
      try {
        const { user, sessionSecret } = await signUp(accountDeps(c), c.req.valid("json"));
        writeSessionCookie(c, c.get("deps").config, sessionSecret);
        return c.json({ user: userJson(user) }, 201);
      } catch (error) {
        if (error instanceof EmailTakenError) {
          throw new ApiError(
            409,
            ErrorCode.EMAIL_TAKEN,
            "An account with this email already exists.",
          );
        }
        throw error;
      }
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/login",
      tags: ["auth"],
      summary: "Sign in with email and password",
      request: { body: jsonBody(loginSchema) },
      responses: {
        200: jsonResponse("Signed in; a new session cookie is set", AuthResult),
        ...errorResponses(400, 401, 415),
      },
    }),
    async (c) => {
      const input = c.req.valid("json");
      try {
        const { user, sessionSecret } = await logIn(accountDeps(c), {
          ...input,
          ip: clientIp(c),
          previousSession: c.get("sessionSecret"),
        });
        writeSessionCookie(c, c.get("deps").config, sessionSecret);
        return c.json({ user: userJson(user) }, 200);
      } catch (error) {
        if (error instanceof InvalidCredentialsError) {
          throw new ApiError(401, ErrorCode.UNAUTHENTICATED, error.message);
        }
        if (error instanceof LoginThrottledError) {
          throw new ApiError(429, ErrorCode.RATE_LIMIT_EXCEEDED, error.message, {
            headers: { "Retry-After": String(error.retryAfterSeconds) },
          });
        }
        throw error;
      }
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/logout",
      tags: ["auth"],
      summary: "End the current session",
      responses: { 204: { description: "Signed out; the cookie is cleared" } },
    }),
    async (c) => {
      const secret = c.get("sessionSecret");
      if (secret) await deleteSession(authDeps(c), secret);
      clearSessionCookie(c, c.get("deps").config);
      return c.body(null, 204);
    },
  );
