/**
 * A cache store that keeps nothing: every read misses, so every dashboard read (and every session
 * or token lookup) goes to Postgres — the "cold" path the dashboard issue budgets. Counters count
 * nothing either (each hit reads as the first in its window), which only matters to rate limits
 * the bench has raised out of the way.
 */
import type { CacheStore } from "../../lib/cache/store.ts";

export class NullStore implements CacheStore {
  readonly kind = "none";
  readonly inProcess = true;
  get(): Promise<string | null> {
    return Promise.resolve(null);
  }
  set(): Promise<void> {
    return Promise.resolve();
  }
  delete(): Promise<void> {
    return Promise.resolve();
  }
  invalidate(): Promise<void> {
    return Promise.resolve();
  }
  generation(): Promise<string> {
    return Promise.resolve("0");
  }
  setIfGeneration(): Promise<boolean> {
    return Promise.resolve(false);
  }
  increment(): Promise<number> {
    return Promise.resolve(1);
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
