/**
 * Import problems for people: each zod issue (or domain error) of an import becomes the field it
 * is about (its JSON path, e.g. `results_summary.digital_presence.complexity_level`) and why, in
 * the reader's language. The API keeps `describeIssues` (English, one line); the import page
 * lists these next to the text the user pasted.
 */
import type { Translate } from "../i18n/i18n.ts";
import type { MessageKey } from "../i18n/messages_en.ts";

export interface ImportProblem {
  /** Dotted JSON path, or "" for the whole document. */
  path: string;
  reason: string;
}

/** The subset of a zod 4 issue this module reads. */
export interface IssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
}

const TYPE_KEYS: Record<string, MessageKey> = {
  string: "import.type.string",
  number: "import.type.number",
  int: "import.type.int",
  object: "import.type.object",
  array: "import.type.array",
  boolean: "import.type.boolean",
};

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Why one issue failed, translated; falls back to the schema's own (English) message. */
function reasonFor(issue: IssueLike, input: unknown, t: Translate): string {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
        return t("import.issue.required");
      }
      const key = issue.expected ? TYPE_KEYS[issue.expected] : undefined;
      return key ? t("import.issue.type", { expected: t(key) }) : issue.message;
    }
    case "too_small":
      if (issue.origin === "string") return t("import.issue.empty");
      return t("import.issue.min", { min: String(issue.minimum) });
    case "too_big":
      if (issue.origin === "string") {
        return t("import.issue.max_length", { max: String(issue.maximum) });
      }
      return t("import.issue.max", { max: String(issue.maximum) });
    case "invalid_format":
      return issue.format === "datetime" ? t("import.issue.date") : issue.message;
    case "custom":
      return issue.path.join(".") === "results_summary"
        ? t("import.issue.no_opportunity")
        : issue.message;
    default:
      return issue.message;
  }
}

/** Every problem (at most `limit`), in the order zod found them. */
export function importProblems(
  issues: ReadonlyArray<IssueLike>,
  input: unknown,
  t: Translate,
  limit = 20,
): ImportProblem[] {
  return issues.slice(0, limit).map((issue) => ({
    path: issue.path.map(String).join("."),
    reason: reasonFor(issue, input, t),
  }));
}

const DOMAIN_REASONS: Record<string, MessageKey> = {
  "must not be in the future": "import.issue.future",
  "must not be before created_at": "import.issue.before_created",
};

/**
 * A domain refusal (`InvalidImportError` / `InvalidUrlError`, worded "field: reason") as a
 * problem; URL errors all read as "must be an absolute http(s) URL".
 */
export function domainProblem(message: string, t: Translate, isUrl: boolean): ImportProblem {
  const colon = message.indexOf(": ");
  const path = colon > 0 ? message.slice(0, colon) : "";
  const reason = colon > 0 ? message.slice(colon + 2) : message;
  if (isUrl) return { path: path || "url", reason: t("import.issue.url") };
  const key = DOMAIN_REASONS[reason];
  return { path, reason: key ? t(key) : reason };
}
