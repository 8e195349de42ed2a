/** Friendly error pages (404, 403, 500, 503) that show the request id for support. */
import type { MessageKey } from "../lib/i18n/i18n.ts";
import { usePage } from "../lib/render/page_context.ts";
import { AppShell } from "./app_shell.tsx";

export type ErrorKind = "not_found" | "forbidden" | "rate_limited" | "server" | "unavailable";

export function ErrorPage({ kind }: { kind: ErrorKind }) {
  const { t, requestId } = usePage();
  return (
    <AppShell>
      <section class="error-page">
        <h1>{t(`error.${kind}.title` as MessageKey)}</h1>
        <p>{t(`error.${kind}.body` as MessageKey)}</p>
        <p class="muted">
          <small>{t("error.request_id", { id: requestId })}</small>
        </p>
        <p>
          <a href="/" class="button">{t("error.home")}</a>
        </p>
      </section>
    </AppShell>
  );
}
