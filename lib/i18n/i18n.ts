/**
 * Locale negotiation and message lookup. One catalogue per language in `messages_*.ts`; French
 * must define every English key (the type checker enforces it).
 *
 * @example
 * ```ts
 * const t = translator("fr");
 * t("dashboard.greeting", { name: "Ana" }); // "Bonjour, Ana"
 * ```
 */
import { en, type MessageKey } from "./messages_en.ts";
import { fr } from "./messages_fr.ts";

export const LOCALES = ["en", "fr"] as const;
export type Locale = typeof LOCALES[number];
export type { MessageKey };

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, fr };

export function isLocale(value: unknown): value is Locale {
  return value === "en" || value === "fr";
}

/** Picks the best supported locale from an `Accept-Language` header (q-values honoured). */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return "en";
  const ranked = acceptLanguage.split(",").map((part, index) => {
    const [tag, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    return { lang: tag.trim().toLowerCase().split("-")[0], weight, index };
  }).filter((entry) => Number.isFinite(entry.weight) && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.find((entry) => isLocale(entry.lang))?.lang as Locale | undefined ?? "en";
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Returns `t(key, params)` for a locale; `{name}` placeholders are filled from `params`. */
export function translator(locale: Locale): Translate {
  return translators[locale];
}

function makeTranslator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, params) => {
    const template = catalogue[key] ?? en[key] ?? key;
    if (!params) return template;
    return template.replace(
      /\{(\w+)\}/g,
      (whole, name: string) => name in params ? String(params[name]) : whole,
    );
  };
}

// One per locale, made once: pages ask for one on every request.
const translators: Record<Locale, Translate> = {
  en: makeTranslator("en"),
  fr: makeTranslator("fr"),
};
