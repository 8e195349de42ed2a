/**
 * Self-hosted Redis adapter (node-redis). Built so that a missing or dying Redis never stalls a
 * request:
 *
 * - the offline queue is off, so a command issued while disconnected rejects at once instead of
 *   waiting for a reconnect;
 * - connecting happens in the background: the constructor returns immediately, and after a failed
 *   attempt or a dropped connection the store retries on its own timer with capped, jittered
 *   exponential backoff (node-redis' built-in retry sleeps on a timer nobody can cancel, so
 *   `close()` would have to wait it out);
 * - every 'error' event is consumed; the optional `log` callback hears one line per state change
 *   (connected, lost, back), never one per retry.
 *
 * @example
 * ```ts
 * const store = new RedisStore("redis://127.0.0.1:6379", { log: (line) => console.warn(line) });
 * const cache = new Cache(store, { timeoutMs: 50 });
 * ```
 */
import { createClient } from "redis";
import { type CacheStore, GENERATION_TTL_SECONDS, generationKey } from "./store.ts";
import {
  INCREMENT_SCRIPT,
  INVALIDATE_SCRIPT,
  invalidationKeys,
  SET_IF_GENERATION_SCRIPT,
  ttlToMs,
} from "./redis_common.ts";

export interface RedisStoreOptions {
  /** TCP (+TLS) connect timeout per attempt. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** First retry delay after a failure; doubles per attempt. Default 100 ms. */
  minReconnectDelayMs?: number;
  /** Upper bound of the retry delay. Default 5000 ms. */
  maxReconnectDelayMs?: number;
  /** Commands allowed to wait for replies at once; beyond that they fail fast. Default 10 000. */
  maxPendingCommands?: number;
  /** Called once per state change ("connected", "unavailable", "reconnected"). */
  log?: (message: string) => void;
}

type State = "connecting" | "up" | "down" | "closed";

export class RedisStore implements CacheStore {
  readonly kind = "redis";
  readonly #client: ReturnType<typeof createClient>;
  readonly #where: string;
  readonly #log: (message: string) => void;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  #state: State = "connecting";
  #everConnected = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #connecting: Promise<void> = Promise.resolve();
  #readyWaiters = new Set<() => void>();

  constructor(url: string, options: RedisStoreOptions = {}) {
    const parsed = new URL(url);
    // Never log credentials: host and port only.
    this.#where = `${parsed.hostname}:${parsed.port || "6379"}`;
    this.#log = options.log ?? (() => {});
    this.#minDelay = options.minReconnectDelayMs ?? 100;
    this.#maxDelay = options.maxReconnectDelayMs ?? 5_000;
    this.#client = createClient({
      url,
      disableOfflineQueue: true,
      commandsQueueMaxLength: options.maxPendingCommands ?? 10_000,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 2_000,
        // We reconnect ourselves (see #onTerminated), on a timer close() can cancel.
        reconnectStrategy: false,
      },
    });
    // Without an 'error' listener an EventEmitter throws; every failure that matters also ends
    // in 'terminated', which is where state changes are handled.
    this.#client.on("error", () => {});
    this.#client.on("ready", () => this.#onReady());
    this.#client.on("terminated", (cause: unknown) => this.#onTerminated(cause));
    this.#connect();
  }

  /** True while a connection is established and usable. */
  get connected(): boolean {
    return this.#state === "up";
  }

  /**
   * Resolves true once connected, or false after `timeoutMs`. Never rejects. Handy at start-up and
   * in tests; request paths should not wait for it.
   */
  waitUntilConnected(timeoutMs = 2_000): Promise<boolean> {
    if (this.#state === "up") return Promise.resolve(true);
    if (this.#state === "closed") return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.#readyWaiters.delete(onReady);
        resolve(value);
      };
      const onReady = () => done(this.#state === "up");
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#readyWaiters.add(onReady);
    });
  }

  #connect() {
    this.#connecting = this.#client.connect().then(
      () => {},
      // The failure was already reported through 'error' and 'terminated'.
      () => {},
    );
  }

  #onReady() {
    if (this.#state === "closed") {
      // A connect attempt that was already under way when close() ran has just finished.
      this.#destroyQuietly();
      return;
    }
    this.#attempt = 0;
    this.#log(
      this.#everConnected
        ? `cache: redis ${this.#where} reconnected`
        : `cache: redis ${this.#where} connected`,
    );
    this.#everConnected = true;
    this.#state = "up";
    for (const waiter of [...this.#readyWaiters]) waiter();
  }

  /** The connection attempt failed or the live connection dropped: go down, retry later. */
  #onTerminated(cause: unknown) {
    if (this.#state === "closed") return;
    if (this.#state !== "down") {
      this.#state = "down";
      const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
      this.#log(
        `cache: redis ${this.#where} unavailable (${reason}); serving without it, retrying in the background`,
      );
    }
    if (this.#retryTimer !== undefined) return;
    const base = Math.min(this.#maxDelay, this.#minDelay * 2 ** Math.min(this.#attempt, 20));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.#attempt++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#state === "closed" || this.#client.isOpen) return;
      this.#connect();
    }, delay);
  }

  #destroyQuietly() {
    try {
      this.#client.destroy();
    } catch {
      // Already torn down.
    }
  }

  async get(key: string): Promise<string | null> {
    const value = await this.#client.get(key);
    return value === null ? null : String(value);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#client.set(key, value, {
      expiration: { type: "PX", value: ttlToMs(ttlSeconds) },
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#client.unlink(keys);
  }

  async invalidate(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#client.eval(INVALIDATE_SCRIPT, {
      keys: invalidationKeys(keys, generationKey),
      arguments: [String(ttlToMs(GENERATION_TTL_SECONDS))],
    });
  }

  async generation(key: string): Promise<string> {
    const value = await this.#client.get(generationKey(key));
    return value === null ? "0" : String(value);
  }

  async setIfGeneration(
    key: string,
    value: string,
    ttlSeconds: number,
    generation: string,
  ): Promise<boolean> {
    const reply = await this.#client.eval(SET_IF_GENERATION_SCRIPT, {
      keys: [key, generationKey(key)],
      arguments: [value, String(ttlToMs(ttlSeconds)), generation],
    });
    return Number(reply) === 1;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const reply = await this.#client.eval(INCREMENT_SCRIPT, {
      keys: [key],
      arguments: [String(ttlToMs(ttlSeconds))],
    });
    return Number(reply);
  }

  async ping(): Promise<void> {
    await this.#client.ping();
  }

  /** Stops reconnecting and closes the connection; quick even when the server is gone. */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    const wasUp = this.#state === "up";
    this.#state = "closed";
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    for (const waiter of [...this.#readyWaiters]) waiter();
    if (wasUp && this.#client.isReady) {
      // Let in-flight commands finish, but never wait on a server that stopped answering.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#client.close().catch(() => {}),
        new Promise<void>((resolve) => timer = setTimeout(resolve, 1_000)),
      ]);
      clearTimeout(timer);
    }
    this.#destroyQuietly();
    // An attempt still connecting settles within connectTimeout; #onReady destroys it if it won.
    await this.#connecting;
    if (this.#client.isOpen || this.#client.isReady) this.#destroyQuietly();
  }
}
