/**
 * A TCP proxy on 127.0.0.1 in front of a real server (Postgres in the outage tests) that can
 * simulate the server going away and coming back without touching the server itself.
 *
 * - `cut("refuse")`: every open connection is closed and the port stops listening, so new
 *   connections are refused (the database process is down).
 * - `cut("stall")`: every open connection is closed; new connections are accepted but nothing is
 *   ever forwarded (a host that answers SYNs but whose database hangs).
 * - `cut("partition")`: connections stay open but nothing flows either way and new ones wait: a
 *   network partition, where packets vanish without a reset. `restore()` heals it and the held
 *   bytes are delivered, as TCP retransmission would.
 * - `restore()`: back to forwarding, on the same port.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy({ hostname: "127.0.0.1", port: 5432 });
 * proxy.cut("refuse");
 * proxy.restore();
 * await proxy.close();
 * ```
 */

export type CutMode = "refuse" | "stall" | "partition";

export interface TcpProxy {
  readonly hostname: string;
  readonly port: number;
  /** Connections currently open through the proxy (both modes). */
  readonly openConnections: number;
  cut(mode?: CutMode): void;
  restore(): void;
  close(): Promise<void>;
}

export interface ProxyTarget {
  hostname: string;
  port: number;
}

/** Starts forwarding from a free loopback port to `target`. */
export function startTcpProxy(target: ProxyTarget): Promise<TcpProxy> {
  const hostname = "127.0.0.1";
  let listener: Deno.TcpListener | null = Deno.listen({ hostname, port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let mode: "open" | CutMode = "open";
  let closed = false;
  // Every socket we hold, client- or server-side, so a cut can close them all.
  const sockets = new Set<Deno.Conn>();
  // Every background task, so close() can wait for them and leave no pending ops behind.
  const tasks = new Set<Promise<void>>();

  // Resolved when a partition heals; replaced at each partition.
  let healed: { promise: Promise<void>; resolve: () => void } | null = null;
  const whilePartitioned = async () => {
    while (healed && mode === "partition") await healed.promise;
  };

  const track = (task: Promise<void>) => {
    tasks.add(task);
    task.finally(() => tasks.delete(task));
  };
  const closeSocket = (socket: Deno.Conn) => {
    if (!sockets.delete(socket)) return;
    try {
      socket.close();
    } catch {
      // already closed by the other side
    }
  };
  const dropAll = () => {
    for (const socket of [...sockets]) closeSocket(socket);
  };

  async function pipe(from: Deno.Conn, to: Deno.Conn) {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buffer);
        if (n === null) break;
        await whilePartitioned();
        let written = 0;
        while (written < n) written += await to.write(buffer.subarray(written, n));
      }
    } catch {
      // a side was closed (by a cut or by its owner): tear the pair down below
    } finally {
      closeSocket(from);
      closeSocket(to);
    }
  }

  async function handle(client: Deno.Conn) {
    sockets.add(client);
    if (mode === "stall") return; // held open, never forwarded, closed by restore/close
    await whilePartitioned();
    let server: Deno.Conn;
    try {
      server = await Deno.connect(target);
    } catch {
      closeSocket(client);
      return;
    }
    // A cut may have happened while we were connecting.
    if (mode !== "open" || closed || !sockets.has(client)) {
      server.close();
      closeSocket(client);
      return;
    }
    sockets.add(server);
    await Promise.all([pipe(client, server), pipe(server, client)]);
  }

  async function accept(current: Deno.TcpListener) {
    try {
      for await (const client of current) {
        if (closed) {
          client.close();
          break;
        }
        track(handle(client));
      }
    } catch {
      // the listener was closed by cut("refuse") or close()
    }
  }

  const listen = () => {
    listener = Deno.listen({ hostname, port });
    track(accept(listener));
  };
  track(accept(listener));

  const proxy: TcpProxy = {
    hostname,
    port,
    get openConnections() {
      return sockets.size;
    },
    cut(next: CutMode = "refuse") {
      mode = next;
      if (next === "partition") {
        let resolve = () => {};
        const promise = new Promise<void>((r) => (resolve = r));
        healed = { promise, resolve };
        return;
      }
      dropAll();
      if (next === "refuse" && listener) {
        listener.close();
        listener = null;
      } else if (next === "stall" && !listener) {
        listen();
      }
    },
    restore() {
      if (mode === "partition") {
        mode = "open";
        healed?.resolve();
        healed = null;
        return;
      }
      // Stalled connections were never forwarded: drop them so their clients retry cleanly.
      if (mode === "stall") dropAll();
      mode = "open";
      if (!listener) listen();
    },
    async close() {
      closed = true;
      mode = "open";
      healed?.resolve();
      listener?.close();
      listener = null;
      dropAll();
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  };
  return Promise.resolve(proxy);
}

/** `url` with its host and port replaced by the proxy's. */
export function proxiedUrl(url: string, proxy: TcpProxy): string {
  const proxied = new URL(url);
  proxied.hostname = proxy.hostname;
  proxied.port = String(proxy.port);
  return proxied.toString();
}
