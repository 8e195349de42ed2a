/**
 * HTML form input: reads `application/x-www-form-urlencoded` / multipart bodies as plain string
 * fields and validates them with the same zod schemas as the JSON API.
 */
import type { Context } from "hono";
import type { z } from "zod";

export type FormValues = Record<string, string>;

export async function readForm(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody();
  const values: FormValues = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === "string") values[key] = value;
  }
  return values;
}

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; fields: Set<string> };

/** Validates; on failure returns the set of top-level field names that are wrong. */
export function validateForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
): FormResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, fields: new Set(parsed.error.issues.map((issue) => String(issue.path[0]))) };
}
