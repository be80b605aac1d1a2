/** What the consumer and provider sides of the pact tests share: names, folders, credentials, matchers. */
import fs from 'node:fs';
import path from 'node:path';
import { MatchersV3 } from '@pact-foundation/pact';
import { makeConsumerPact } from '@pact-foundation/pact-core';
import { basicAuthorization } from '../../generated/client-runtime.js';
import { APIS, consumerName, pactFile, PACT_DIR, providerName, type ApiName } from '../../scripts/verify-pacts.js';

process.env.PACT_DO_NOT_TRACK = 'true';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// The names and files the vendor verification (which ships in the package; this folder does not) uses too.
export { APIS, consumerName, pactFile, PACT_DIR, providerName, type ApiName };

/** The reference server's demo tenant the pacts are recorded with (a vendor replaces the header, see docs/PACT.md). */
export const USER = 'alpha';
export const SECRET = 'alpha-secret';

/** Removes an API's pact file, so that a consumer run writes it from scratch (no interactions left from older runs). */
export function clearPact(api: ApiName): void {
  fs.mkdirSync(PACT_DIR, { recursive: true });
  fs.rmSync(pactFile(api), { force: true });
}

const { regex } = MatchersV3;

/** Any HTTP Basic credentials; the example is the demo tenant's. */
export const basicAuthHeader = () => regex('^Basic [A-Za-z0-9+/]+=*$', basicAuthorization(USER, SECRET));

/** An RFC 3339 date-time in UTC or with an offset, fractions optional (the server chooses the value). */
export const rfc3339 = (example = '2030-06-01T09:30:00.000Z') =>
  regex('^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$', example);

/** A JSON content type, with or without parameters. */
export const jsonContentType = () => regex('^application/json(;.*)?$', 'application/json; charset=utf-8');

/**
 * Wraps a consumer test body: after the client's requests, waits (at most 2 s) until Pact's mock server has
 * recorded them as matched. The mock server answers before it books the match (pact-core-mock-server issue 13),
 * so under CPU load executeTest can read "expected but not received" for a request that was answered. When a
 * request really did not match, the wait runs out and executeTest reports the mismatch as usual.
 */
export function settle<T>(testFn: (mock: { port: number; url: string }) => Promise<T>) {
  return async (mock: { port: number; url: string }): Promise<T> => {
    const result = await testFn(mock);
    const deadline = Date.now() + 2000;
    while (!probe().mockServerMatchedSuccessfully(mock.port) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return result;
  };
}

let probeHandle: ReturnType<typeof makeConsumerPact> | undefined;
/** A pact handle only used to ask the (process-wide) mock server registry about a port; never written. */
const probe = () => (probeHandle ??= makeConsumerPact('ordercert-probe', 'ordercert-probe', 5, 'error'));
