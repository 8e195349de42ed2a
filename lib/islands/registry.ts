/**
 * Server side of the islands layer. Every component exported from a module in `islands/` is
 * registered; a Preact `options.vnode` hook swaps each use of one for a boundary that renders it
 * normally inside `<headway-island data-hw="N">` and records its props for hydration. Islands
 * used inside another island are part of that island and are not hydrated separately.
 */
import { type ComponentType, createContext, h, options, type VNode } from "preact";
import { useContext } from "preact/hooks";
import { PropsEncoder, type Wire } from "./props.ts";

/** Public island id: `file_stem#ExportName`. */
export type IslandId = string;

export interface IslandUse {
  index: number;
  island: IslandId;
  props: Wire;
}

/** What one page render used: the islands (in document order) and the shared signal table. */
export interface IslandCollection {
  readonly uses: IslandUse[];
  readonly signals: Wire[];
  /** The island module files (stems) this page needs. */
  readonly modules: Set<string>;
}

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

const registry = new Map<AnyComponent, IslandId>();
const InsideIsland = createContext(false);

// Set while the boundary creates the real component's vnode, so the hook lets it through.
let bypass: AnyComponent | null = null;
let collecting: { encoder: PropsEncoder; collection: IslandCollection } | null = null;

function IslandBoundary(
  { island, component, props }: { island: IslandId; component: AnyComponent; props: object },
  // deno-lint-ignore no-explicit-any
): VNode<any> {
  bypass = component;
  const inner = h(component, props);
  bypass = null;
  if (useContext(InsideIsland) || collecting === null) return inner;
  const { encoder, collection } = collecting;
  const index = collection.uses.length;
  // Children are server-rendered markup, not data: islands take data props only.
  const { children: _children, ...data } = props as Record<string, unknown>;
  collection.uses.push({ index, island, props: encoder.encode(data, island) });
  collection.modules.add(island.split("#")[0]);
  return h(
    "headway-island" as string,
    { "data-hw": String(index) },
    h(InsideIsland.Provider, { value: true }, inner),
  );
}

const previousHook = options.vnode;
options.vnode = (vnode) => {
  const type = vnode.type as AnyComponent;
  if (typeof type === "function") {
    if (type === bypass) {
      bypass = null;
    } else {
      const island = registry.get(type);
      if (island) {
        vnode.props = {
          island,
          component: type,
          props: vnode.props,
        } as unknown as typeof vnode.props;
        (vnode as { type: unknown }).type = IslandBoundary;
      }
    }
  }
  previousHook?.(vnode);
};

/** Registers every exported component of an island module under `stem#Export`. */
export function registerIslandModule(stem: string, module: Record<string, unknown>): IslandId[] {
  const ids: IslandId[] = [];
  for (const [exportName, value] of Object.entries(module)) {
    if (typeof value !== "function" || !/^[A-Z]/.test(exportName)) continue;
    const id = `${stem}#${exportName}`;
    registry.set(value as AnyComponent, id);
    ids.push(id);
  }
  return ids;
}

/**
 * Runs a synchronous render and returns what it produced plus the islands it used. Rendering is
 * synchronous (preact-render-to-string), so one module-level collector is safe under concurrency.
 */
export function collectIslands<T>(render: () => T): { result: T; islands: IslandCollection } {
  const encoder = new PropsEncoder();
  const collection: IslandCollection = { uses: [], signals: encoder.signals, modules: new Set() };
  const outer = collecting;
  collecting = { encoder, collection };
  try {
    return { result: render(), islands: collection };
  } finally {
    collecting = outer;
  }
}
