/**
 * Formatting for the analysis dashboard, shared by the server render and the islands (so both
 * produce the same text and hydration matches). Pure: no server imports, only `Intl`.
 */
import { dateTimeFormat, numberFormat } from "../i18n/formatters.ts";

export type ViewLocale = "en" | "fr";

/** How a page formats numbers and dates: the reader's language and time zone. */
export interface ViewFormat {
  locale: ViewLocale;
  timeZone: string;
}

const tag = (locale: ViewLocale) => (locale === "fr" ? "fr-CA" : "en-CA");

/** Fills `{name}` placeholders, like the server's translator. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(
    /\{(\w+)\}/g,
    (whole, name: string) => (name in params ? String(params[name]) : whole),
  );
}

/** Hours with at most two decimals: 6.5 → "6.5" (en), "6,5" (fr). */
export function formatNumber(value: number, locale: ViewLocale): string {
  return numberFormat(tag(locale), { maximumFractionDigits: 2 }).format(value);
}

/** A whole percentage: 33 → "33%" (en), "33 %" (fr). */
export function formatPercent(percent: number, locale: ViewLocale): string {
  return numberFormat(tag(locale), { style: "percent", maximumFractionDigits: 0 })
    .format(percent / 100);
}

/** Whole Canadian dollars: 13000 → "$13,000" (en), "13 000 $" (fr). */
export function formatMoney(value: number, locale: ViewLocale): string {
  return numberFormat(tag(locale), {
    style: "currency",
    currency: "CAD",
    maximumFractionDigits: value % 1 === 0 ? 0 : 2,
    minimumFractionDigits: value % 1 === 0 ? 0 : 2,
  }).format(value);
}

/** A calendar date in the reader's zone: "Mar 5, 2026" / "5 mars 2026". */
export function formatDate(iso: string, format: ViewFormat): string {
  return dateTimeFormat(tag(format.locale), {
    dateStyle: "medium",
    timeZone: format.timeZone,
  }).format(new Date(iso));
}
