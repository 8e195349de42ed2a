/**
 * Browser entry: hydrates the islands a page declared. Built by `build.ts` into a hashed bundle;
 * the page's inline module script imports it together with the island modules it needs.
 */
import { type ComponentType, h, hydrate } from "preact";
import { signal } from "@preact/signals";
import { decodeProps, type Wire } from "./props.ts";

interface PageIslands {
  uses: { index: number; island: string; props: Wire }[];
  signals: Wire[];
}

export function boot(modules: Record<string, Record<string, unknown>>): void {
  const data = document.getElementById("__hw_islands");
  if (!data?.textContent) return;
  const page = JSON.parse(data.textContent) as PageIslands;
  // Decode all islands against one signal table so shared signals stay shared.
  const decoded = decodeProps(
    page.uses.map((use) => use.props),
    page.signals,
    (value) => signal(value),
  ) as Record<string, unknown>[];
  for (const use of page.uses) {
    const [stem, exportName] = use.island.split("#");
    const component = modules[stem]?.[exportName] as ComponentType | undefined;
    const host = document.querySelector(`headway-island[data-hw="${use.index}"]`);
    if (!component || !host) continue;
    hydrate(h(component, decoded[use.index]), host);
  }
}
