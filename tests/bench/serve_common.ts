/**
 * What every `serve_*.ts` bench entry shares: the line the bench waits for, and a clean exit on
 * SIGTERM/SIGINT (the bench stops each server when its scenario ends).
 */

/** The stdout line prefix that tells the bench the server is listening. */
export const LISTENING_PREFIX = "BENCH_LISTENING ";

export function announceListening(url: string): void {
  console.log(`${LISTENING_PREFIX}${url}`);
}

export function exitOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await stop();
    } finally {
      Deno.exit(0);
    }
  };
  Deno.addSignalListener("SIGTERM", handler);
  Deno.addSignalListener("SIGINT", handler);
}
