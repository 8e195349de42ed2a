/** `/`: what Headway is, with the way in. Signed-in visitors go straight to their dashboard. */
import { Hono } from "hono";
import { AppShell } from "../../components/app_shell.tsx";
import type { AppEnv } from "../../lib/http/context.ts";
import { renderPublicPage } from "../../lib/render/page.tsx";
import { usePage } from "../../lib/render/page_context.ts";

function Landing() {
  const { t } = usePage();
  const features = ["track", "progress", "share"] as const;
  return (
    <AppShell>
      <section class="hero">
        <h1>{t("landing.title")}</h1>
        <p class="lead">{t("landing.lead")}</p>
        <p class="hero-actions">
          <a href="/signup" class="button button-large">{t("landing.cta")}</a>
          <span>
            {t("landing.have_account")} <a href="/login">{t("nav.login")}</a>
          </span>
        </p>
      </section>
      <ul class="features">
        {features.map((key) => (
          <li class="card">
            <h2>{t(`landing.feature.${key}.title`)}</h2>
            <p>{t(`landing.feature.${key}.body`)}</p>
          </li>
        ))}
      </ul>
    </AppShell>
  );
}

export const landingRoutes = new Hono<AppEnv>().get("/", (c) => {
  if (c.get("user")) return c.redirect("/dashboard", 303);
  return renderPublicPage(c, () => <Landing />, {});
});
