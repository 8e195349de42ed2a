/** Input schemas for accounts, shared by the JSON API (and its OpenAPI document) and the forms. */
import { z } from "zod";
import { isValidTimeZone } from "../time/zones.ts";
import { checkPassword, PASSWORD_RULE } from "./password_policy.ts";

export const emailSchema = z.string().trim().max(254, { error: "at most 254 characters" })
  .pipe(z.email({ error: "a valid email address" }));

export const newPasswordSchema = z.string({ error: "a string" })
  .refine((value) => checkPassword(value).ok, { error: `password must be ${PASSWORD_RULE}` });

export const timezoneSchema = z.string({ error: "a string" })
  .refine(isValidTimeZone, { error: "an IANA time zone such as America/Toronto" });

export const localeSchema = z.enum(["en", "fr"], { error: "en or fr" });

// Postgres text cannot hold U+0000: refuse it as input rather than fail the insert with a 500.
const noNul = (value: string) => !value.includes("\u0000");

export const nameSchema = z.string().trim().max(100, { error: "at most 100 characters" })
  .refine(noNul, { error: "no NUL characters" });

export const hourlyRateSchema = z.number({ error: "a number" })
  .min(20, { error: "at least 20" })
  .max(500, { error: "at most 500" })
  .multipleOf(0.01, { error: "at most two decimals" });

export const signupSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: nameSchema.optional(),
  timezone: timezoneSchema.optional(),
  locale: localeSchema.optional(),
});

export const loginSchema = z.object({
  email: z.string().max(254),
  password: z.string().max(200),
});

export const settingsSchema = z.object({
  name: nameSchema.optional(),
  timezone: timezoneSchema.optional(),
  locale: localeSchema.optional(),
  hourly_rate: hourlyRateSchema.nullable().optional(),
});

export const passwordChangeSchema = z.object({
  current_password: z.string().max(200),
  new_password: newPasswordSchema,
});

export const tokenCreateSchema = z.object({
  name: z.string().trim().min(1, { error: "a name of 1–80 characters" })
    .max(80, { error: "a name of 1–80 characters" })
    .refine(noNul, { error: "no NUL characters" }),
});
