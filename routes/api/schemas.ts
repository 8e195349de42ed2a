/** Response schemas shared by API resources. */
import { z } from "@hono/zod-openapi";

export const UserSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  timezone: z.string().openapi({ example: "America/Toronto" }),
  locale: z.enum(["en", "fr"]),
  hourly_rate: z.number().nullable().openapi({ example: 75 }),
  role: z.enum(["member", "coach", "admin"]),
  created_at: z.string(),
}).openapi("User");
