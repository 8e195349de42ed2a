/** The import payload: an analysis as produced by the external analyser (seed 001's shape). */
import { z } from "zod";
import { CATEGORIES } from "./types.ts";

/** Postgres text cannot hold NUL and jsonb refuses lone surrogates: refuse them as input errors. */
const storable = (value: string) => !value.includes("\u0000") && value.isWellFormed();
const STORABLE = { error: "text without NUL characters or broken Unicode" };

const text = (max: number) =>
  z.string({ error: "a string" }).trim().max(max, { error: `at most ${max} characters` })
    .refine(storable, STORABLE);

export const opportunityInputSchema = z.object({
  hours_per_week: z.number({ error: "a number of hours" }).min(0, { error: "0 or more" })
    .max(168, { error: "at most 168 (hours in a week)" }),
  complexity_level: z.number({ error: "a whole number from 1 to 10" }).int({
    error: "a whole number from 1 to 10",
  })
    .min(1, { error: "a whole number from 1 to 10" }).max(10, {
      error: "a whole number from 1 to 10",
    }),
  problem_teaser: text(1000).default(""),
  tools_hint: text(500).default(""),
});

export const resultsSummarySchema = z.object({
  identity_a1: z.object({
    company_name: text(200).min(1, { error: "the company name" }),
    sector: text(200).default(""),
    estimated_size: text(100).default(""),
    tier: text(100).default(""),
  }, { error: "an object with company_name, sector, estimated_size, tier" }),
  digital_presence: opportunityInputSchema.nullish(),
  value_creation: opportunityInputSchema.nullish(),
  business_management: opportunityInputSchema.nullish(),
  total_hours_per_week: z.number({ error: "a number" }).min(0).max(504).optional(),
  total_hours_per_year: z.number({ error: "a number" }).min(0).max(504 * 52).optional(),
}).refine((r) => CATEGORIES.some((c) => r[c]), {
  error: `at least one opportunity (${CATEGORIES.join(", ")})`,
});

const instant = z.iso.datetime({
  offset: true,
  error: "an ISO 8601 date-time such as 2025-10-27T12:00:00Z",
  // The format allows year 0000, which Postgres has no date for (and no analysis predates 1970).
}).refine((value) => Date.parse(value) >= 0, { error: "a date-time from 1970 on" });

export const importSchema = z.object({
  url: z.string({ error: "a URL" }).max(2048, { error: "at most 2048 characters" })
    .refine(storable, STORABLE),
  results_summary: resultsSummarySchema,
  created_at: instant.optional(),
  completed_at: instant.optional(),
});

export type ImportInput = z.output<typeof importSchema>;
