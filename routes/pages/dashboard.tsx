/** `/dashboard`: the signed-in home. New users get an empty state that says what to do next. */
import { Hono } from "hono";
import { AppShell } from "../../components/app_shell.tsx";
import type { AppEnv } from "../../lib/http/context.ts";
import { requirePageUser } from "../../lib/http/page_auth.ts";
import { pageT, renderPage } from "../../lib/render/page.tsx";
import { usePage } from "../../lib/render/page_context.ts";

function EmptyDashboard() {
  const { t, user } = usePage();
  return (
    <AppShell>
      <h1>{user?.name ? t("dashboard.greeting", { name: user.name }) : t("dashboard.greeting_anonymous")}</h1>
      <section class="empty-state card" aria-labelledby="empty-title">
        <h2 id="empty-title">{t("dashboard.empty.title")}</h2>
        <p>{t("dashboard.empty.body")}</p>
        <ol class="steps">
          <li><a href="/settings">{t("dashboard.empty.step_settings")}</a></li>
          <li><a href="/settings#tokens">{t("dashboard.empty.step_token")}</a></li>
        </ol>
      </section>
    </AppShell>
  );
}

export const dashboardPages = new Hono<AppEnv>().get("/dashboard", (c) => {
  requirePageUser(c);
  return renderPage(c, <EmptyDashboard />, { title: pageT(c)("dashboard.title"), robots: "noindex" });
});
