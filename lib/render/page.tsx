/**
 * Renders a page: the body (with its islands) inside a full HTML document with title, description,
 * Open Graph tags, the stylesheet, `modulepreload` links and — only if the page used islands — the
 * island data and one nonce'd module script that hydrates them. Pages without islands ship no JS.
 */
import type { Context } from "hono";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { translator } from "../i18n/i18n.ts";
import type { AppEnv } from "../http/context.ts";
import { collectIslands } from "../islands/registry.ts";
import { jsonForScript } from "../islands/props.ts";
import { keptResponse } from "../http/kept_response.ts";
import { cspNonce } from "../http/security.ts";
import { PageContext, type PageContextValue } from "./page_context.ts";
import { assetUrl } from "./static_assets.ts";

export interface PageMeta {
  /** Page title; " · Headway" is appended. Omitted: "Headway — tagline" (the landing page). */
  title?: string;
  description?: string;
  /** Open Graph overrides; title/description default to the page's. */
  og?: { title?: string; description?: string; image?: string; type?: string };
  /** e.g. "noindex" for private pages. */
  robots?: string;
}

export function pageContext(c: Context<AppEnv>): PageContextValue {
  const locale = c.get("locale") ?? "en";
  return {
    t: translator(locale),
    locale,
    user: c.get("user") ?? null,
    path: c.req.path,
    requestId: c.get("requestId"),
  };
}

/** The translator for the request's locale, for titles and messages built in routes. */
export function pageT(c: Context<AppEnv>) {
  return translator(c.get("locale") ?? "en");
}

type PageStatus = 200 | 400 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

/** Renders `body` as a complete HTML response. */
export function renderPage(
  c: Context<AppEnv>,
  body: VNode,
  meta: PageMeta,
  status: PageStatus = 200,
): Response {
  return c.html(renderDocument(c, body, meta).html, status);
}

const HTML_TYPE = "text/html; charset=UTF-8";
const encoder = new TextEncoder();

/**
 * Serves the document kept in `kept` under `key`, rendering and encoding it first if it is not
 * there; the encoded document is served as a kept response (`kept_response.ts`: headers copied
 * with it, one write). A page that turns out to use islands is not kept: its script carries a
 * per-response nonce.
 */
function renderKept(
  c: Context<AppEnv>,
  kept: Map<string, Uint8Array<ArrayBuffer>>,
  key: string,
  body: () => VNode,
  meta: PageMeta,
): Response {
  let html = kept.get(key);
  if (html === undefined) {
    const rendered = renderDocument(c, body(), meta);
    if (rendered.hasIslands) return c.html(rendered.html);
    html = encoder.encode(rendered.html);
    kept.set(key, html);
  }
  return keptResponse(c, html, HTML_TYPE);
}

// Per path and locale; a few entries at most (see renderPublicPage).
const publicPages = new Map<string, Uint8Array<ArrayBuffer>>();

/**
 * {@link renderPage} for a page that is the same for every anonymous visitor of a locale (the
 * landing page): rendered and UTF-8 encoded once, then served from memory — it is the page most
 * visitors hit and rendering it was most of its cost (docs/benchmarks.md). Signed-in visitors get
 * a fresh render.
 */
export function renderPublicPage(c: Context<AppEnv>, body: () => VNode, meta: PageMeta): Response {
  if (c.get("user")) return renderPage(c, body(), meta);
  return renderKept(c, publicPages, `${c.req.path}\u0000${c.get("locale")}`, body, meta);
}

// Documents rendered from a shared, frozen data object (see renderPageFrom), per path, locale and
// reader variant; they go when the object does.
const derivedPages = new WeakMap<object, Map<string, Uint8Array<ArrayBuffer>>>();

/**
 * {@link renderPage} for a page that is a pure function of `source` — a frozen value the cache
 * shares while its entry is unchanged (`Cache.get`) — and of `variant`, which must name every
 * other input the page shows (the reader's name, zone…; path and locale are added here). The
 * encoded document is kept while `source` lives, so a write (which replaces the cached object)
 * is seen on the next request. Anything rendered from a value that is not shared is rendered
 * per request.
 */
export function renderPageFrom(
  c: Context<AppEnv>,
  source: object,
  variant: string,
  body: () => VNode,
  meta: PageMeta,
): Response {
  if (!Object.isFrozen(source)) return renderPage(c, body(), meta);
  let kept = derivedPages.get(source);
  if (!kept) derivedPages.set(source, kept = new Map());
  return renderKept(c, kept, `${c.req.path}\u0000${c.get("locale")}\u0000${variant}`, body, meta);
}

function renderDocument(
  c: Context<AppEnv>,
  body: VNode,
  meta: PageMeta,
): { html: string; hasIslands: boolean } {
  const ctx = pageContext(c);
  const { result: bodyHtml, islands } = collectIslands(() =>
    renderToString(<PageContext.Provider value={ctx}>{body}</PageContext.Provider>)
  );
  const assets = c.get("deps").islands;
  const nonce = islands.uses.length === 0 ? undefined : cspNonce(c);
  const stems = [...islands.modules];
  const preloads = islands.uses.length === 0
    ? []
    : [...new Set(["boot", ...stems].flatMap((stem) => assets.preloads.get(stem) ?? []))];
  const bootScript = islands.uses.length === 0 ? "" : [
    `import{boot}from"${assets.bootUrl}";`,
    ...stems.map((stem, i) => `import*as m${i} from"${assets.moduleUrls.get(stem)}";`),
    `boot({${stems.map((stem, i) => `${JSON.stringify(stem)}:m${i}`).join(",")}});`,
  ].join("");
  const title = meta.title === undefined
    ? `${ctx.t("app.name")} — ${ctx.t("app.tagline")}`
    : `${meta.title} · ${ctx.t("app.name")}`;
  const description = meta.description ?? ctx.t("app.description");

  const document = (
    <html lang={ctx.locale === "fr" ? "fr-CA" : "en"}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={description} />
        <meta name="color-scheme" content="light dark" />
        {meta.robots && <meta name="robots" content={meta.robots} />}
        <meta property="og:site_name" content={ctx.t("app.name")} />
        <meta property="og:title" content={meta.og?.title ?? meta.title ?? ctx.t("app.name")} />
        <meta property="og:description" content={meta.og?.description ?? description} />
        <meta property="og:type" content={meta.og?.type ?? "website"} />
        {meta.og?.image && <meta property="og:image" content={meta.og.image} />}
        <link rel="stylesheet" href={assetUrl("styles.css")} />
        <link rel="icon" href={assetUrl("favicon.svg")} type="image/svg+xml" />
        {preloads.map((href) => <link key={href} rel="modulepreload" href={href} />)}
      </head>
      <body>
        <div id="app" dangerouslySetInnerHTML={{ __html: bodyHtml }} />
        {islands.uses.length > 0 && (
          <script
            type="application/json"
            id="__hw_islands"
            nonce={nonce}
            dangerouslySetInnerHTML={{
              __html: jsonForScript({ uses: islands.uses, signals: islands.signals }),
            }}
          />
        )}
        {bootScript && (
          <script type="module" nonce={nonce} dangerouslySetInnerHTML={{ __html: bootScript }} />
        )}
      </body>
    </html>
  );
  return {
    html: `<!doctype html>${renderToString(document)}`,
    hasIslands: islands.uses.length > 0,
  };
}
