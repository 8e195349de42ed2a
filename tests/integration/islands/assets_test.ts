import assert from "node:assert/strict";
import { getStaticAsset } from "../../../lib/render/static_assets.ts";
import { type Harness, startHarness } from "../../support/harness.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

async function withHarness(fn: (h: Harness) => Promise<void>) {
  const h = await startHarness();
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

Deno.test("assets: every island bundle is served immutable with an ETag and 304s", async () => {
  await withHarness(async (h) => {
    const files = [...h.deps.islands.files.keys()];
    assert.ok(files.length >= 2, "boot plus at least one island or chunk");
    for (const file of files) {
      const res = await h.app.request(`/_islands/${file}`);
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get("cache-control"), IMMUTABLE);
      assert.match(res.headers.get("content-type")!, /^text\/javascript/);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      const etag = res.headers.get("etag");
      assert.ok(etag && /^"[^"]+"$/.test(etag), `strong ETag on ${file}`);
      const body = new Uint8Array(await res.arrayBuffer());
      assert.deepEqual(body, h.deps.islands.files.get(file));
      assert.equal(res.headers.get("content-length"), String(body.byteLength));

      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
        const cached = await h.app.request(`/_islands/${file}`, {
          headers: { "if-none-match": ifNoneMatch },
        });
        assert.equal(cached.status, 304, `If-None-Match: ${ifNoneMatch}`);
        assert.equal(await cached.text(), "");
        assert.equal(cached.headers.get("etag"), etag);
        assert.equal(cached.headers.get("cache-control"), IMMUTABLE);
      }
      const stale = await h.app.request(`/_islands/${file}`, {
        headers: { "if-none-match": '"stale"' },
      });
      assert.equal(stale.status, 200);
      await stale.body?.cancel();
    }
  });
});

Deno.test("assets: HEAD on a bundle has the headers and no body", async () => {
  await withHarness(async (h) => {
    const file = h.deps.islands.bootUrl;
    const res = await h.app.request(file, { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), IMMUTABLE);
    assert.equal(await res.text(), "");
  });
});

Deno.test("assets: unknown bundles and traversal attempts are 404", async () => {
  await withHarness(async (h) => {
    for (
      const path of [
        "/_islands/nope-AAAAAAAA.js",
        "/_islands/..%2F..%2Fdeno.json",
        "/_islands/%2e%2e%2fapp.tsx",
        "/static/nope.css",
        "/static/../deno.json",
        "/static/%2e%2e/deno.json",
        "/static/..%2fdeno.json",
        "/static/..%2F..%2Fetc%2Fpasswd",
        "/static/%252e%252e%252fdeno.json",
        "/static/....//deno.json",
        "/static/%E0%A4%A",
        "/static/",
      ]
    ) {
      const res = await h.app.request(path);
      assert.equal(res.status, 404, path);
      const body = await res.text();
      assert.ok(!body.includes('"imports"'), `${path} must not leak deno.json`);
    }
  });
});

Deno.test("assets: /static/styles.css has type, ETag, Last-Modified and revalidates", async () => {
  await withHarness(async (h) => {
    const asset = getStaticAsset("styles.css");
    assert.ok(asset, "styles.css is loaded");
    const res = await h.app.request("/static/styles.css");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/css; charset=utf-8");
    const etag = res.headers.get("etag")!;
    const lastModified = res.headers.get("last-modified")!;
    assert.match(etag, /^"[0-9a-f]{16}"$/);
    assert.ok(!Number.isNaN(Date.parse(lastModified)), lastModified);
    assert.equal(res.headers.get("cache-control"), "public, max-age=0, must-revalidate");
    const text = await res.text();
    assert.equal(text, new TextDecoder().decode(asset.body));

    const byEtag = await h.app.request("/static/styles.css", {
      headers: { "if-none-match": etag },
    });
    assert.equal(byEtag.status, 304);
    assert.equal(await byEtag.text(), "");
    assert.equal(byEtag.headers.get("etag"), etag);

    const byDate = await h.app.request("/static/styles.css", {
      headers: { "if-modified-since": lastModified },
    });
    assert.equal(byDate.status, 304);
    await byDate.body?.cancel();
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    const older = await h.app.request("/static/styles.css", {
      headers: { "if-modified-since": before },
    });
    assert.equal(older.status, 200);
    await older.body?.cancel();
    // If-None-Match wins over If-Modified-Since when both are sent.
    const mismatch = await h.app.request("/static/styles.css", {
      headers: { "if-none-match": '"different"', "if-modified-since": lastModified },
    });
    assert.equal(mismatch.status, 200);
    await mismatch.body?.cancel();
  });
});

Deno.test("assets: immutable caching only with the matching ?v= hash", async () => {
  await withHarness(async (h) => {
    const asset = getStaticAsset("styles.css")!;
    const fingerprinted = await h.app.request(`/static/styles.css?v=${asset.hash}`);
    assert.equal(fingerprinted.status, 200);
    assert.equal(fingerprinted.headers.get("cache-control"), IMMUTABLE);
    await fingerprinted.body?.cancel();
    for (const v of ["0000000000000000", "", asset.hash.slice(0, 8)]) {
      const res = await h.app.request(`/static/styles.css?v=${v}`);
      assert.equal(res.status, 200);
      assert.notEqual(
        res.headers.get("cache-control"),
        IMMUTABLE,
        `?v=${v} is not the file's hash`,
      );
      await res.body?.cancel();
    }
  });
});

Deno.test("assets: pages link the fingerprinted stylesheet and other static types are right", async () => {
  await withHarness(async (h) => {
    const res = await h.app.request("/");
    const html = await res.text();
    const href = /<link\s+rel="stylesheet"\s+href="([^"]+)"/.exec(html)?.[1];
    assert.equal(href, `/static/styles.css?v=${getStaticAsset("styles.css")!.hash}`);
    const svg = await h.app.request("/static/favicon.svg");
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get("content-type")!, /^image\/svg\+xml/);
    await svg.body?.cancel();
  });
});
