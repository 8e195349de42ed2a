import assert from "node:assert/strict";
import * as esbuild from "esbuild";
import { buildIslands, type IslandAssets, ISLANDS_PREFIX } from "../../../lib/islands/build.ts";

const FIXTURES = new URL("../../fixtures/islands/", import.meta.url);
const STEMS = ["badge", "counter", "label", "panel"];
const decoder = new TextDecoder();

let built: Promise<IslandAssets> | undefined;
const fixtures = () => built ??= buildIslands({ dir: FIXTURES });

const fileOf = (url: string) => {
  assert.ok(url.startsWith(ISLANDS_PREFIX), url);
  return url.slice(ISLANDS_PREFIX.length);
};
const text = (assets: IslandAssets, url: string) => decoder.decode(assets.files.get(fileOf(url))!);

Deno.test("islands build: one entry per island file (.tsx and .ts) plus boot", async () => {
  const assets = await fixtures();
  assert.deepEqual([...assets.moduleUrls.keys()].sort(), STEMS);
  assert.match(assets.bootUrl, /^\/_islands\/boot-[A-Z0-9]{8}\.js$/);
  for (const [stem, url] of assets.moduleUrls) {
    assert.match(url, new RegExp(`^/_islands/${stem}-[A-Z0-9]{8}\\.js$`));
    assert.ok(assets.files.has(fileOf(url)), `${url} is served`);
  }
  for (const name of assets.files.keys()) {
    assert.match(name, /^(?:[a-z0-9_]+|chunk)-[A-Z0-9]{8}\.js$/, `${name} carries a content hash`);
  }
});

Deno.test("islands build: preloads name served files and cover each entry's imports", async () => {
  const assets = await fixtures();
  for (const stem of ["boot", ...STEMS]) {
    const preloads = assets.preloads.get(stem);
    assert.ok(preloads && preloads.length > 0, `${stem} has preloads`);
    const entry = stem === "boot" ? assets.bootUrl : assets.moduleUrls.get(stem)!;
    assert.ok(preloads.includes(entry), `${stem} preloads itself`);
    for (const url of preloads) assert.ok(assets.files.has(fileOf(url)), `${url} exists`);
    // Every static import of the entry (and of its chunks) is in the list.
    for (const url of preloads) {
      for (const match of text(assets, url).matchAll(/from"\.\/([^"]+)"/g)) {
        assert.ok(preloads.includes(ISLANDS_PREFIX + match[1]), `${stem}: ${match[1]} preloaded`);
      }
    }
  }
});

Deno.test("islands build: minified, split per island, deterministic", async () => {
  const assets = await fixtures();
  const boot = text(assets, assets.bootUrl);
  assert.ok(!boot.includes("decodeProps"), "local names are minified away");
  for (const [name, bytes] of assets.files) {
    const code = decoder.decode(bytes);
    assert.ok(!code.includes("/**"), `${name} has no doc comments`);
    assert.ok(code.split("\n").length <= 3, `${name} is on a few long lines`);
  }
  // A page loads only the code of the islands it uses: an island's bundle and the chunks it
  // imports hold its own code (and that of islands it renders), never other islands'.
  const closure = (stem: string) =>
    assets.preloads.get(stem)!.map((url) => text(assets, url)).join("\n");
  assert.ok(closure("label").includes("fixture-label"));
  assert.ok(!closure("label").includes("fixture-counter"));
  assert.ok(closure("counter").includes("fixture-counter"));
  assert.ok(!closure("counter").includes("fixture-label"));
  assert.ok(!closure("counter").includes("fixture-panel"));
  assert.ok(closure("panel").includes("fixture-label"), "panel renders a label");
  assert.ok(!closure("boot").includes("fixture-"), "boot carries no island code");

  const again = await buildIslands({ dir: FIXTURES });
  assert.deepEqual([...again.files.keys()].sort(), [...assets.files.keys()].sort());
  for (const [name, bytes] of again.files) assert.deepEqual(bytes, assets.files.get(name));
});

Deno.test("islands build: names follow content (different output, different name)", async () => {
  const minified = await fixtures();
  const readable = await buildIslands({ dir: FIXTURES, minify: false });
  for (const stem of STEMS) {
    const a = minified.moduleUrls.get(stem)!;
    const b = readable.moduleUrls.get(stem)!;
    assert.notEqual(a, b, `${stem} changes name when its content changes`);
  }
  assert.notEqual(minified.bootUrl, readable.bootUrl);
  const size = (assets: IslandAssets) =>
    [...assets.files.values()].reduce((n, f) => n + f.byteLength, 0);
  assert.ok(size(minified) < size(readable) * 0.8, "minified output is clearly smaller");
});

Deno.test("islands build: exactly one copy of Preact across all bundles", async () => {
  const assets = await fixtures();
  // Reference: how often a Preact-only string occurs in one minified copy of Preact.
  const marker = "http://www.w3.org/2000/svg";
  const reference = await esbuild.build({
    stdin: {
      contents: 'export * from "preact";',
      resolveDir: new URL("../../../", import.meta.url).pathname,
    },
    bundle: true,
    format: "esm",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  await esbuild.stop();
  const perCopy = reference.outputFiles[0].text.split(marker).length - 1;
  assert.ok(perCopy >= 1, "the marker is in Preact");
  let total = 0;
  const holders: string[] = [];
  for (const [name, bytes] of assets.files) {
    const n = decoder.decode(bytes).split(marker).length - 1;
    if (n > 0) holders.push(name);
    total += n;
  }
  assert.equal(total, perCopy, `Preact is bundled once (found in ${holders.join(", ")})`);
  assert.equal(holders.length, 1);
  assert.match(holders[0], /^chunk-/, "Preact sits in a shared chunk");
  // And every island and the boot script preload that shared chunk.
  for (const stem of ["boot", ...STEMS]) {
    assert.ok(assets.preloads.get(stem)!.includes(ISLANDS_PREFIX + holders[0]), stem);
  }
});

Deno.test("islands build: a missing islands folder builds just the boot script", async () => {
  const assets = await buildIslands({ dir: new URL("./no-such-folder/", FIXTURES) });
  assert.equal(assets.moduleUrls.size, 0);
  assert.ok(assets.files.has(fileOf(assets.bootUrl)));
});
