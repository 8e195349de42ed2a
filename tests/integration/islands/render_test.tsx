import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { Hono } from "hono";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { AppDeps, AppEnv } from "../../../lib/http/context.ts";
import { edge } from "../../../lib/http/edge.ts";
import { createLogger } from "../../../lib/log/logger.ts";
import { buildIslands, type IslandAssets, ISLANDS_PREFIX } from "../../../lib/islands/build.ts";
import { collectIslands, registerIslandModule } from "../../../lib/islands/registry.ts";
import { renderPage } from "../../../lib/render/page.tsx";
import { loadStaticAssets } from "../../../lib/render/static_assets.ts";
import { Badge } from "../../fixtures/islands/badge.ts";
import { Counter } from "../../fixtures/islands/counter.tsx";
import { Label } from "../../fixtures/islands/label.tsx";
import { Panel } from "../../fixtures/islands/panel.tsx";

const FIXTURES = new URL("../../fixtures/islands/", import.meta.url);
let built: Promise<IslandAssets> | undefined;
/** Builds (and registers) the fixture islands once for this file. */
const fixtures = async () => {
  built ??= Promise.all([buildIslands({ dir: FIXTURES }), loadStaticAssets()]).then(([a]) => a);
  return await built;
};

/** A tiny app that renders whatever page the test hands it, behind the real edge middleware. */
function pageApp(assets: IslandAssets, pages: Record<string, () => VNode>) {
  const app = new Hono<AppEnv>();
  // The app's own edge middleware: context, request id and the security headers (CSP nonce).
  app.use(edge({
    islands: assets,
    config: { isLocal: true },
    log: createLogger({ level: "silent" }),
  } as AppDeps));
  for (const [path, page] of Object.entries(pages)) {
    app.get(path, (c) => renderPage(c, page(), { title: "Fixture" }));
  }
  return app;
}

// Data that would end the script element early, or break it as JavaScript (U+2028).
const NASTY = "</script><script>alert(1)</script> \u2028 <!--";

const scripts = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
const attr = (attrs: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];

Deno.test("islands: only capitalised function exports are registered", async () => {
  await fixtures();
  const counter = await import("../../fixtures/islands/counter.tsx");
  assert.deepEqual(registerIslandModule("counter", counter), ["counter#Counter"]);
});

Deno.test("islands: collectIslands wraps each island and records its props in order", async () => {
  await fixtures();
  const at = new Date("2025-01-02T03:04:05.000Z");
  const { result: html, islands } = collectIslands(() =>
    renderToString(
      <main>
        <p>static text</p>
        <Counter count={signal(7)} label="Clicks" />
        <Label text="hello" at={at} />
        <Badge level={3} />
      </main>,
    )
  );
  assert.deepEqual(islands.uses.map((u) => [u.index, u.island]), [
    [0, "counter#Counter"],
    [1, "label#Label"],
    [2, "badge#Badge"],
  ]);
  assert.deepEqual([...islands.modules].sort(), ["badge", "counter", "label"]);
  assert.deepEqual(islands.signals, [7]);
  assert.deepEqual(islands.uses[1].props, { text: "hello", at: { $hw: ["d", at.toISOString()] } });
  assert.match(html, /<p>static text<\/p>/);
  assert.match(
    html,
    /<headway-island data-hw="0"><button type="button" class="fixture-counter"\s*>Clicks: 7<\/button><\/headway-island>/,
  );
  assert.match(
    html,
    /<headway-island data-hw="1"><span class="fixture-label" data-at="2025-01-02T03:04:05.000Z">hello<\/span><\/headway-island>/,
  );
  assert.match(
    html,
    /<headway-island data-hw="2"><strong class="fixture-badge">level 3<\/strong><\/headway-island>/,
  );
});

Deno.test("islands: outside a page render an island is plain markup", async () => {
  await fixtures();
  const html = renderToString(<Label text="bare" />);
  assert.match(html, /^<span class="fixture-label"\s*>bare<\/span>$/);
});

Deno.test("islands: an island inside another island is not registered separately", async () => {
  await fixtures();
  const { result: html, islands } = collectIslands(() =>
    renderToString(
      <div>
        <Panel title="Outer" />
        <Label text="sibling" />
      </div>,
    )
  );
  assert.deepEqual(islands.uses.map((u) => u.island), ["panel#Panel", "label#Label"]);
  assert.deepEqual(islands.uses.map((u) => u.index), [0, 1]);
  assert.deepEqual([...islands.modules].sort(), ["label", "panel"]);
  assert.equal(html.match(/<headway-island/g)?.length, 2);
  // The nested label is rendered as part of the panel, without a boundary of its own.
  assert.match(
    html,
    /<headway-island data-hw="0"><section class="fixture-panel"><h2>Outer<\/h2><span class="fixture-label"\s*>inside the panel<\/span><\/section><\/headway-island>/,
  );
});

Deno.test("islands: one signal passed to two islands has one slot in the signal table", async () => {
  await fixtures();
  const shared = signal(1);
  const other = signal(2);
  const { islands } = collectIslands(() =>
    renderToString(
      <div>
        <Counter count={shared} label="a" />
        <Counter count={other} label="b" />
        <Counter count={shared} label="c" />
      </div>,
    )
  );
  assert.deepEqual(islands.signals, [1, 2]);
  const refs = islands.uses.map((u) => (u.props as { count: unknown }).count);
  assert.deepEqual(refs, [{ $hw: ["s", 0] }, { $hw: ["s", 1] }, { $hw: ["s", 0] }]);
});

Deno.test("islands: two renders do not share state; nested collections are separate", async () => {
  await fixtures();
  const first = collectIslands(() => renderToString(<Label text="one" />));
  const second = collectIslands(() => {
    const inner = collectIslands(() => renderToString(<Badge level={1} />));
    assert.equal(inner.islands.uses.length, 1);
    return renderToString(<Label text="two" />);
  });
  assert.equal(first.islands.uses.length, 1);
  assert.deepEqual(second.islands.uses.map((u) => u.island), ["label#Label"]);
  assert.equal(second.islands.uses[0].index, 0);
});

Deno.test("islands: unserialisable props fail the render with the island and prop named", async () => {
  await fixtures();
  const BadLabel = Label as unknown as (props: Record<string, unknown>) => VNode;
  assert.throws(
    () => collectIslands(() => renderToString(<BadLabel text="x" onPick={() => {}} />)),
    /label#Label\.onPick: a function cannot be passed/,
  );
});

Deno.test("page: without islands there is no script at all", async () => {
  const assets = await fixtures();
  const app = pageApp(assets, { "/plain": () => <p>Just text</p> });
  const res = await app.request("/plain");
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(html.startsWith('<!doctype html><html lang="en">'), html.slice(0, 40));
  assert.ok(!/<script/i.test(html), "no script element");
  assert.ok(!html.includes("modulepreload"), "nothing preloaded");
  assert.ok(!html.includes(ISLANDS_PREFIX), "no island URL at all");
  assert.match(html, /<title>Fixture · Headway<\/title>/);
  assert.match(html, /<link rel="stylesheet" href="\/static\/styles\.css\?v=[0-9a-f]{16}"\/?>/);
});

Deno.test("page: with islands there is the data, one nonce'd module script and preloads", async () => {
  const assets = await fixtures();
  const shared = signal(4);
  const app = pageApp(assets, {
    "/islands": () => (
      <div>
        <Counter count={shared} label="one" />
        <Counter count={shared} label="two" />
        <Label text={NASTY} />
      </div>
    ),
  });
  const res = await app.request("/islands");
  assert.equal(res.status, 200);
  const html = await res.text();
  const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
  assert.ok(nonce, "the CSP carries a nonce");
  assert.ok(!/script-src[^;]*unsafe-inline/.test(res.headers.get("content-security-policy")!));

  const found = scripts(html);
  assert.equal(found.length, 2, "exactly the data script and the module script");
  assert.equal(html.match(/<script/g)?.length, 2, "no script element sneaked in through data");
  const [data, module] = found;
  assert.equal(attr(data[1], "type"), "application/json");
  assert.equal(attr(data[1], "id"), "__hw_islands");
  assert.equal(attr(module[1], "type"), "module");
  assert.equal(attr(module[1], "nonce"), nonce, "the module script uses this response's nonce");
  assert.ok(!/\bsrc=/.test(module[1]), "the boot script is inline, importing hashed bundles");

  // The data parses back to the islands and the shared signal table.
  const page = JSON.parse(data[2]);
  assert.deepEqual(page.signals, [4]);
  assert.deepEqual(page.uses.map((u: { island: string }) => u.island), [
    "counter#Counter",
    "counter#Counter",
    "label#Label",
  ]);
  assert.equal(page.uses[2].props.text, NASTY);
  assert.ok(!data[2].includes("\u2028"));

  // The module script imports the boot bundle and only the used island modules.
  const imports = [...module[2].matchAll(/from"([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(
    imports.sort(),
    [
      assets.bootUrl,
      assets.moduleUrls.get("counter")!,
      assets.moduleUrls.get("label")!,
    ].sort(),
  );
  assert.match(module[2], /boot\(\{/);

  // Preloads: every file the page needs, nothing it does not, each one a real file.
  const preloads = [...html.matchAll(/<link\s+rel="modulepreload"\s+href="([^"]+)"\s*\/?>/g)].map((
    m,
  ) => m[1]);
  assert.equal(new Set(preloads).size, preloads.length, "no duplicates");
  for (const href of preloads) {
    assert.ok(
      href.startsWith(ISLANDS_PREFIX) && assets.files.has(href.slice(ISLANDS_PREFIX.length)),
      href,
    );
  }
  const expected = new Set(["boot", "counter", "label"].flatMap((s) => assets.preloads.get(s)!));
  assert.deepEqual(new Set(preloads), expected);
  for (const url of imports) assert.ok(preloads.includes(url), `${url} is preloaded`);
  assert.ok(
    !preloads.includes(assets.moduleUrls.get("panel")!),
    "unused islands are not preloaded",
  );
  assert.ok(!preloads.includes(assets.moduleUrls.get("badge")!));
});

Deno.test("page: each response gets its own nonce", async () => {
  const assets = await fixtures();
  const app = pageApp(assets, { "/": () => <Label text="x" /> });
  const nonces = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const res = await app.request("/");
    const html = await res.text();
    const nonce = attr(scripts(html)[1][1], "nonce")!;
    assert.ok(res.headers.get("content-security-policy")!.includes(`'nonce-${nonce}'`));
    nonces.add(nonce);
  }
  assert.equal(nonces.size, 3);
});
