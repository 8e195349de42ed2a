/**
 * Time limits on promises without a timer per promise: one shared interval looks for expired
 * entries every `tickMs`, so a limit is kept to within one tick. Deno's timers are Node-style
 * objects; one per request, or per cache call, was a measurable share of a cheap request's CPU
 * (docs/benchmarks.md). The interval only runs while something is pending.
 */

interface Pending {
  deadline: number;
  reject: (error: Error) => void;
  expired: () => Error;
}

export class Deadlines {
  readonly #tickMs: number;
  readonly #pending = new Set<Pending>();
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(tickMs: number) {
    this.#tickMs = tickMs;
  }

  /**
   * Settles as `work` does, or rejects with `expired()` once `ms` have passed (checked every
   * tick). `work` is not cancelled: it finishes or fails on its own, unobserved.
   */
  within<T>(work: Promise<T>, ms: number, expired: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { deadline: performance.now() + ms, reject, expired };
      this.#pending.add(entry);
      // Stopped by the first tick that finds nothing pending, not as soon as nothing is: a fast
      // caller finishes before the next one starts, and the interval would restart every time.
      this.#ticker ??= setInterval(() => this.#tick(), this.#tickMs);
      work.then((value) => {
        this.#pending.delete(entry);
        resolve(value);
      }, (error) => {
        this.#pending.delete(entry);
        reject(error);
      });
    });
  }

  #tick(): void {
    const now = performance.now();
    for (const entry of this.#pending) {
      if (entry.deadline > now) continue;
      this.#pending.delete(entry);
      entry.reject(entry.expired());
    }
    if (this.#pending.size === 0) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }
}
