/**
 * Time limits on promises without a timer per promise: one shared interval looks for expired
 * entries every `tickMs`, so a limit is kept to within one tick. Deno's timers are Node-style
 * objects; one per request, or per cache call, was a measurable share of a cheap request's CPU
 * (docs/benchmarks.md). The interval only runs while something is pending.
 */

interface Pending {
  deadline: number;
  /**
   * Null once the work settled (or the deadline rejected it): the next tick drops the entry.
   * Cleared, not flagged, so a finished entry holds nothing of its request until then.
   */
  reject: ((error: Error) => void) | null;
  expired: () => Error;
}

export class Deadlines {
  readonly #tickMs: number;
  // An array whose finished entries are cleared rather than a Set: a Set's add and delete each cost a runtime
  // call, and with a few requests in flight it grew and shrank its table on every one (a V8 CPU
  // profile of the landing page showed it; docs/benchmarks.md). Settled entries wait for the next
  // tick, which compacts the array: at most one tick's worth of small finished entries.
  #pending: Pending[] = [];
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
      this.#pending.push(entry);
      // Stopped by the first tick that finds nothing pending, not as soon as nothing is: a fast
      // caller finishes before the next one starts, and the interval would restart every time.
      this.#ticker ??= setInterval(() => this.#tick(), this.#tickMs);
      work.then((value) => {
        entry.reject = null;
        resolve(value);
      }, (error) => {
        entry.reject = null;
        reject(error);
      });
    });
  }

  #tick(): void {
    const now = performance.now();
    const pending = this.#pending;
    let kept = 0;
    for (let i = 0; i < pending.length; i++) {
      const entry = pending[i];
      const reject = entry.reject;
      if (reject === null) continue;
      if (entry.deadline <= now) {
        entry.reject = null;
        reject(entry.expired());
        continue;
      }
      pending[kept++] = entry;
    }
    pending.length = kept;
    if (kept === 0) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }
}
