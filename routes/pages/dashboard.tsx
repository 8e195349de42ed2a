/**
 * `/dashboard`: the signed-in home. With analyses, it lists them with a way to import another;
 * new users get an empty state that says what to do next.
 */
import { Hono } from "hono";
import { AnalysisList } from "../../components/analysis_list.tsx";
import { AppShell } from "../../components/app_shell.tsx";
import type { AppEnv } from "../../lib/http/context.ts";
import { requirePageUser } from "../../lib/http/page_auth.ts";
import type { AnalysisListItem } from "../../lib/opportunities/analyses.ts";
import { listAnalysesFor, peekAnalysesFor } from "../../lib/opportunities/service.ts";
import { serviceDeps } from "../../lib/http/account_deps.ts";
import { pageT, renderPageFrom } from "../../lib/render/page.tsx";
import { usePage } from "../../lib/render/page_context.ts";

/** How many analyses the dashboard shows before "See all analyses". */
const SHOWN = 5;

function Dashboard({ analyses }: { analyses: AnalysisListItem[] }) {
  const { t, user } = usePage();
  return (
    <AppShell>
      <h1>
        {user?.name
          ? t("dashboard.greeting", { name: user.name })
          : t("dashboard.greeting_anonymous")}
      </h1>
      {analyses.length === 0
        ? (
          <section class="empty-state card" aria-labelledby="empty-title">
            <h2 id="empty-title">{t("dashboard.empty.title")}</h2>
            <p>{t("dashboard.empty.body")}</p>
            <ol class="steps">
              <li>
                <a href="/import">{t("dashboard.empty.step_import")}</a>
              </li>
              <li>
                <a href="/settings">{t("dashboard.empty.step_settings")}</a>
              </li>
              <li>
                <a href="/settings#tokens">{t("dashboard.empty.step_token")}</a>
              </li>
            </ol>
          </section>
        )
        : (
          <section aria-labelledby="analyses-title">
            <div class="page-head">
              <h2 id="analyses-title">{t("dashboard.analyses.title")}</h2>
              <a href="/import" class="button">{t("analyses.import_another")}</a>
            </div>
            <AnalysisList items={analyses.slice(0, SHOWN)} headingLevel={3} />
            {analyses.length > SHOWN && (
              <p>
                <a href="/analyses">{t("dashboard.analyses.all")}</a>
              </p>
            )}
          </section>
        )}
    </AppShell>
  );
}

export const dashboardPages = new Hono<AppEnv>().get(
  "/dashboard",
  (c): Response | Promise<Response> => {
    const user = requirePageUser(c);
    const deps = serviceDeps(c);
    const render = (analyses: AnalysisListItem[]) => {
      // Everything of the reader the page shows (header, greeting, dates in their zone).
      const reader = `${user.id}\u0000${user.name}\u0000${user.email}\u0000${user.timezone}`;
      return renderPageFrom(c, analyses, reader, () => <Dashboard analyses={analyses} />, {
        title: pageT(c)("dashboard.title"),
        robots: "noindex",
      });
    };
    // A warm list is rendered (or served from memory) without a promise in between.
    const cached = peekAnalysesFor(deps, user);
    return cached ? render(cached) : listAnalysesFor(deps, user).then(render);
  },
);
