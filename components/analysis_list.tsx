/** A user's analyses (company, date, progress), as on `/analyses` and the dashboard. */
import type { AnalysisListItem } from "../lib/opportunities/analyses.ts";
import { formatDate } from "../lib/opportunities/dashboard_view.ts";
import { usePage } from "../lib/render/page_context.ts";

export function AnalysisList(
  { items, headingLevel = 2 }: { items: AnalysisListItem[]; headingLevel?: 2 | 3 },
) {
  const { t, locale, user } = usePage();
  const format = { locale, timeZone: user?.timezone ?? "UTC" };
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <ul class="analysis-list">
      {items.map((item) => {
        let host = item.url;
        try {
          host = new URL(item.url).host.replace(/^www\./, "");
        } catch {
          // shown as stored
        }
        return (
          <li class="card analysis-item">
            <div class="analysis-item-main">
              <Heading class="analysis-item-title">
                <a href={`/analyses/${item.analysisId}`}>{item.companyName}</a>
              </Heading>
              <p class="muted analysis-item-meta">
                <span class="analysis-host">{host}</span>
                {" · "}
                {t("analyses.analysed_on", {
                  date: formatDate(item.createdAt.toISOString(), format),
                })}
              </p>
            </div>
            <div class="analysis-item-progress">
              <progress
                class="meter"
                max={Math.max(item.total, 1)}
                value={item.implemented}
                aria-label={t("analyses.progress_label", { company: item.companyName })}
              />
              <span class="muted">
                {t("analyses.progress", { implemented: item.implemented, total: item.total })}
              </span>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
