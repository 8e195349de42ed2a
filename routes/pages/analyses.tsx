/**
 * `/analyses`: the user's analyses; `/import`: import one from pasted JSON or an uploaded
 * .json file. Problems are shown in place (which field, why) with what the user sent kept in the
 * text box; success goes to the analysis (303), with a notice when it was already imported.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AnalysisList } from "../../components/analysis_list.tsx";
import { AppShell } from "../../components/app_shell.tsx";
import { Notice } from "../../components/form.tsx";
import { serviceDeps } from "../../lib/http/account_deps.ts";
import type { AppEnv } from "../../lib/http/context.ts";
import { requirePageUser } from "../../lib/http/page_auth.ts";
import { numberFormat } from "../../lib/i18n/formatters.ts";
import type { Locale } from "../../lib/i18n/i18n.ts";
import { type AnalysisListItem, InvalidImportError } from "../../lib/opportunities/analyses.ts";
import {
  domainProblem,
  type ImportProblem,
  importProblems,
} from "../../lib/opportunities/import_issues.ts";
import { importSchema } from "../../lib/opportunities/import_schema.ts";
import { importForUser, listAnalysesFor } from "../../lib/opportunities/service.ts";
import { InvalidUrlError } from "../../lib/opportunities/url.ts";
import { pageT, renderPage } from "../../lib/render/page.tsx";
import { usePage } from "../../lib/render/page_context.ts";

function AnalysesPage({ items }: { items: AnalysisListItem[] }) {
  const { t } = usePage();
  return (
    <AppShell>
      <div class="page-head">
        <h1>{t("analyses.title")}</h1>
        {items.length > 0 && <a href="/import" class="button">{t("analyses.import_another")}</a>}
      </div>
      {items.length === 0
        ? (
          <section class="empty-state card" aria-labelledby="analyses-empty-title">
            <h2 id="analyses-empty-title">{t("analyses.empty.title")}</h2>
            <p>{t("analyses.empty.body")}</p>
            <p>
              <a href="/import" class="button">{t("analyses.import")}</a>
            </p>
          </section>
        )
        : (
          <>
            <p class="muted">{t("analyses.lead")}</p>
            <AnalysisList items={items} />
          </>
        )}
    </AppShell>
  );
}

interface ImportView {
  /** The JSON text to show again (pasted, or read from the uploaded file). */
  text: string;
  /** A problem with the whole input (empty, not JSON, too large, not UTF-8). */
  error?: string;
  /** The JSON parser's own words, shown under `error`. */
  detail?: string;
  /** Field-by-field validation problems. */
  problems?: ImportProblem[];
  /** Name of the uploaded file whose content is shown. */
  fromFile?: string;
}

const EXAMPLE = JSON.stringify(
  {
    url: "https://www.example.com",
    results_summary: {
      identity_a1: {
        company_name: "Example Inc.",
        sector: "Professional services",
        estimated_size: "50-100",
        tier: "Tier 2",
      },
      digital_presence: {
        hours_per_week: 5,
        complexity_level: 7,
        problem_teaser: "Slow website with little online visibility",
        tools_hint: "SEO automation, analytics integration",
      },
      value_creation: {
        hours_per_week: 8,
        complexity_level: 5,
        problem_teaser: "Manual invoicing",
        tools_hint: "Invoice automation, CRM integration",
      },
    },
  },
  null,
  2,
);

function formatSize(bytes: number, locale: Locale): string {
  const mb = bytes / (1024 * 1024);
  const [value, unit] = mb >= 1 ? [mb, "megabyte"] : [bytes / 1024, "kilobyte"];
  return numberFormat(locale === "fr" ? "fr-CA" : "en-CA", {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(value);
}

function ImportPage({ view, maxBytes }: { view: ImportView; maxBytes: number }) {
  const { t, locale } = usePage();
  const problems = view.problems ?? [];
  const invalid = view.error !== undefined || problems.length > 0;
  const describedBy = [
    "json-hint",
    view.error && "json-error",
    problems.length > 0 && "json-problems",
    view.fromFile && "json-from-file",
  ].filter(Boolean).join(" ");
  return (
    <AppShell>
      <p class="breadcrumb">
        <a href="/analyses">{t("import.cancel")}</a>
      </p>
      <h1>{t("import.title")}</h1>
      <p class="lead">{t("import.lead")}</p>
      {invalid && <Notice kind="error">{t("import.failed")}</Notice>}
      <form
        method="post"
        action="/import"
        enctype="multipart/form-data"
        class="card import-form"
        novalidate
      >
        <div class="field">
          <label for="json">{t("import.json")}</label>
          <p id="json-hint" class="field-hint">{t("import.json_hint")}</p>
          {view.error && (
            <div id="json-error" class="field-error import-error">
              <p>{view.error}</p>
              {view.detail && (
                <p class="error-detail">
                  <code>{view.detail}</code>
                </p>
              )}
            </div>
          )}
          {problems.length > 0 && (
            <div id="json-problems" class="import-problems">
              <p class="field-error">{t("import.problems")}</p>
              <ul>
                {problems.map((problem) => (
                  <li>
                    <code>{problem.path || t("import.document")}</code> {problem.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {view.fromFile && (
            <p id="json-from-file" class="field-hint">
              {t("import.error.from_file", { file: view.fromFile })}
            </p>
          )}
          <textarea
            id="json"
            name="json"
            rows={16}
            spellcheck={false}
            autocomplete="off"
            aria-invalid={invalid ? "true" : undefined}
            aria-describedby={describedBy}
          >
            {
              /* Content, not a value attribute: that is what HTML shows. A leading newline is
                eaten by the parser, so one more keeps the user's own. */
            }
            {view.text.startsWith("\n") ? `\n${view.text}` : view.text}
          </textarea>
        </div>
        <div class="field">
          <label for="file">{t("import.file")}</label>
          <input
            id="file"
            name="file"
            type="file"
            accept=".json,application/json"
            aria-describedby="file-hint"
          />
          <p id="file-hint" class="field-hint">
            {t("import.file_hint", { size: formatSize(maxBytes, locale) })}
          </p>
        </div>
        <button type="submit" class="button">{t("import.submit")}</button>
      </form>
      <details class="example">
        <summary>{t("import.example")}</summary>
        <pre><code>{EXAMPLE}</code></pre>
      </details>
    </AppShell>
  );
}

function renderImport(c: Context<AppEnv>, view: ImportView, status: 200 | 400 | 413 = 200) {
  requirePageUser(c);
  return renderPage(
    c,
    <ImportPage view={view} maxBytes={c.get("deps").config.BODY_LIMIT_BYTES} />,
    { title: pageT(c)("import.title"), robots: "noindex" },
    status,
  );
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export const analysesPages = new Hono<AppEnv>()
  .get("/analyses", async (c) => {
    const user = requirePageUser(c);
    const items = await listAnalysesFor(serviceDeps(c), user);
    return renderPage(c, <AnalysesPage items={items} />, {
      title: pageT(c)("analyses.title"),
      robots: "noindex",
    });
  })
  .get("/import", (c) => renderImport(c, { text: "" }))
  .post(
    "/import",
    (c, next) => {
      requirePageUser(c);
      const maxSize = c.get("deps").config.BODY_LIMIT_BYTES;
      return bodyLimit({
        maxSize,
        onError: (c) =>
          renderImport(c as Context<AppEnv>, {
            text: "",
            error: pageT(c as Context<AppEnv>)("import.error.too_large", {
              size: formatSize(maxSize, c.get("locale")),
            }),
          }, 413),
      })(c, next);
    },
    async (c) => {
      const user = requirePageUser(c);
      const t = pageT(c);
      const body = await c.req.parseBody();
      // Browsers send a textarea's line breaks as CRLF; show them back as typed.
      const pasted = typeof body.json === "string" ? body.json.replace(/\r\n?/g, "\n") : "";
      const file = body.file instanceof File && body.file.size > 0 ? body.file : null;
      let text = pasted;
      let fromFile: string | undefined;
      if (file) {
        fromFile = file.name || "file.json";
        try {
          text = strictUtf8.decode(await file.arrayBuffer()).replace(/^\uFEFF/, "");
        } catch {
          return renderImport(c, { text: pasted, error: t("import.error.encoding") }, 400);
        }
      }
      if (text.trim() === "") {
        return renderImport(c, { text, error: t("import.error.empty") }, 400);
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        return renderImport(c, {
          text,
          fromFile,
          error: t("import.error.json"),
          detail: (error as Error).message.slice(0, 300),
        }, 400);
      }
      const parsed = importSchema.safeParse(data);
      if (!parsed.success) {
        return renderImport(c, {
          text,
          fromFile,
          problems: importProblems(parsed.error.issues, data, t),
        }, 400);
      }
      let result;
      try {
        result = await importForUser(serviceDeps(c), user, parsed.data);
      } catch (error) {
        if (!(error instanceof InvalidImportError) && !(error instanceof InvalidUrlError)) {
          throw error;
        }
        return renderImport(c, {
          text,
          fromFile,
          problems: [domainProblem(error.message, t, error instanceof InvalidUrlError)],
        }, 400);
      }
      const query = result.cached
        ? `?notice=duplicate&imported=${encodeURIComponent(result.importedAt)}`
        : "?notice=imported";
      return c.redirect(`/analyses/${result.analysisId}${query}`, 303);
    },
  );
