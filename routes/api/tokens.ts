/** `/api/v1/tokens`: personal API tokens (created, listed, revoked). */
import { createRoute, z } from "@hono/zod-openapi";
import {
  apiTokenJson,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from "../../lib/auth/api_tokens.ts";
import { tokenCreateSchema } from "../../lib/auth/schemas.ts";
import { createApi, errorResponses, jsonBody, jsonResponse, signedIn } from "../../lib/http/api.ts";
import { authDeps } from "../../lib/http/account_deps.ts";
import { requireUser } from "../../lib/http/authenticate.ts";
import { notFound } from "../../lib/http/errors.ts";

const TokenSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
}).openapi("ApiToken");

const CreatedTokenSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  token: z.string().openapi({ description: "The secret. Shown once; store it now." }),
}).openapi("CreatedApiToken");

export const tokensApi = createApi()
  .openapi(
    createRoute({
      method: "post",
      path: "/tokens",
      tags: ["account"],
      summary: "Create a personal API token",
      security: signedIn,
      request: { body: jsonBody(tokenCreateSchema) },
      responses: {
        201: jsonResponse("The token, shown once", CreatedTokenSchema),
        ...errorResponses(400, 401, 415),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const { token, secret } = await createApiToken(
        c.get("deps").db.sql,
        user.id,
        c.req.valid("json").name,
      );
      return c.json({ id: token.id, name: token.name, token: secret }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tokens",
      tags: ["account"],
      summary: "List live tokens (never their secrets)",
      security: signedIn,
      responses: {
        200: jsonResponse("Tokens", z.object({ tokens: z.array(TokenSchema) })),
        ...errorResponses(401),
      },
    }),
    async (c) => {
      const tokens = await listApiTokens(c.get("deps").db.sql, requireUser(c).id);
      return c.json({ tokens: tokens.map(apiTokenJson) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/tokens/{id}",
      tags: ["account"],
      summary: "Revoke a token",
      security: signedIn,
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: { 204: { description: "Revoked" }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      const revoked = await revokeApiToken(
        authDeps(c),
        requireUser(c).id,
        c.req.valid("param").id,
      );
      if (!revoked) throw notFound("No such token.");
      return c.body(null, 204);
    },
  );
