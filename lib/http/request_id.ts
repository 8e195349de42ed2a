/** Request ids (`X-Request-Id`): a sane inbound one from a proxy is kept, else a fresh UUID. */

const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFor(inbound: string | undefined): string {
  return inbound && SANE_ID.test(inbound) ? inbound : crypto.randomUUID();
}
