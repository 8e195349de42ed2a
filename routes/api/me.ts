/** `/api/v1/me`: the signed-in user and their settings. */
import { createRoute } from "@hono/zod-openapi";
import { settingsSchema } from "../../lib/auth/schemas.ts";
import { updateSettings, userJson } from "../../lib/auth/users.ts";
import { authDeps } from "../../lib/http/account_deps.ts";
import { createApi, errorResponses, jsonBody, jsonResponse, signedIn } from "../../lib/http/api.ts";
import { requireUser } from "../../lib/http/authenticate.ts";
import { UserSchema } from "./schemas.ts";

export const meApi = createApi()
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["account"],
      summary: "The signed-in user",
      security: signedIn,
      responses: { 200: jsonResponse("The user", UserSchema), ...errorResponses(401) },
    }),
    (c) => c.json(userJson(requireUser(c)), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      tags: ["account"],
      summary: "Change name, time zone, locale or hourly rate",
      security: signedIn,
      request: { body: jsonBody(settingsSchema) },
      responses: {
        200: jsonResponse("The updated user", UserSchema),
        ...errorResponses(400, 401, 415),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const input = c.req.valid("json");
      const updated = await updateSettings(authDeps(c), user.id, {
        name: input.name,
        timezone: input.timezone,
        locale: input.locale,
        hourlyRate: input.hourly_rate,
      });
      return c.json(userJson(updated), 200);
    },
  );
