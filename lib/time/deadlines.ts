/**
 * Time limits on promises without a timer per promise: one shared interval looks for expired
 * entries every `tickMs`, so a limit is kept to within one tick. Deno's timers are Node-style
 * objects; one per request, or per cache call, was a measurable share of a cheap request's CPU
 * (docs/benchmarks.md). The interval only runs while something is pending.
 */

interface Pending {
  deadline: number;
  /** Null once the entry is off the list (its work settled, or the deadline rejected it). */
  reject: ((error: Error) => void) | null;
  expired: () => Error;
  previous: Pending | null;
  next: Pending | null;
}

export class Deadlines {
  readonly #tickMs: number;
  // The pending calls as an intrusive doubly linked list: a call that settles unlinks itself in a
  // few pointer writes and is garbage at once. A Set's add and delete each cost a runtime call
  // (with a few requests in flight its table grew and shrank on every one), and an array swept
  // by the tick kept finished entries alive long enough for V8 to move them to the old
  // generation, ~20 MB more RSS under load (docs/benchmarks.md).
  #newest: Pending | null = null;
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
      const entry: Pending = {
        deadline: performance.now() + ms,
        reject,
        expired,
        previous: null,
        next: this.#newest,
      };
      if (this.#newest !== null) this.#newest.previous = entry;
      this.#newest = entry;
      // Stopped by the first tick that finds nothing pending, not as soon as nothing is: a fast
      // caller finishes before the next one starts, and the interval would restart every time.
      this.#ticker ??= setInterval(() => this.#tick(), this.#tickMs);
      work.then((value) => {
        this.#unlink(entry);
        resolve(value);
      }, (error) => {
        this.#unlink(entry);
        reject(error);
      });
    });
  }

  #unlink(entry: Pending): void {
    if (entry.reject === null) return;
    entry.reject = null;
    if (entry.previous === null) this.#newest = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next !== null) entry.next.previous = entry.previous;
    // An expired entry stays referenced by its work's callbacks until (if ever) the work settles:
    // it must not keep its former neighbours alive meanwhile.
    entry.previous = entry.next = null;
  }

  #tick(): void {
    const now = performance.now();
    let entry = this.#newest;
    while (entry !== null) {
      const next = entry.next;
      const reject = entry.reject;
      if (reject !== null && entry.deadline <= now) {
        this.#unlink(entry);
        reject(entry.expired());
      }
      entry = next;
    }
    if (this.#newest === null) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }
}
