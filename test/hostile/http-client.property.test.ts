/**
 * Properties of the suite's HTTP client and schema check against any bytes a server may send: whatever the status,
 * headers and body (or garbage instead of HTTP, or a connection closed half-way), a request ends with an exchange or
 * with one of the suite's own outcomes (a rule violation, a check stopped), never another exception. And the feed's
 * item-by-item reader gives exactly what JSON.parse gives, however the bytes are split into chunks.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { ApiClient } from '../../conformance/framework/http.js';
import { JsonArraySplitter, JsonStreamError } from '../../conformance/framework/json-stream.js';
import { CheckAborted, NotRun, RuleViolation, SuiteError } from '../../conformance/framework/violation.js';

/** What one connection answers: raw bytes, then either a clean close or a reset. */
interface Answer {
  bytes: Buffer;
  reset: boolean;
}

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const headerValue = fc.stringMatching(/^[ -~]{0,40}$/).map((s) => s.trim());
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', 'application/problem+json', '');
const jsonBody = fc.oneof(
  fc.json(),
  fc.array(fc.record({ event: fc.string(), order: fc.record({ path: fc.string(), state: fc.constantFrom('DONE_SUCCESS', 'RECEIVED', 'x') }) })).map((a) => JSON.stringify(a)),
);
const body = fc.oneof(jsonBody, jsonBody.map((s) => s.slice(0, Math.floor(s.length / 2))), fc.string(), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')));

const httpAnswer: fc.Arbitrary<Answer> = fc
  .record({
    status: fc.integer({ min: 100, max: 999 }),
    type: contentType,
    headers: fc.array(fc.tuple(token, headerValue), { maxLength: 4 }),
    body,
    length: fc.constantFrom('exact', 'none', 'longer', 'shorter'),
    reset: fc.boolean(),
  })
  .map(({ status, type, headers, body, length, reset }) => {
    const payload = Buffer.from(body, 'latin1');
    const lines = [`HTTP/1.1 ${status} Whatever`, 'Connection: close'];
    if (type) lines.push(`Content-Type: ${type}`);
    if (length !== 'none') lines.push(`Content-Length: ${payload.length + (length === 'longer' ? 7 : length === 'shorter' ? -Math.min(1, payload.length) : 0)}`);
    for (const [k, v] of headers) if (!/^(content-length|transfer-encoding|connection)$/i.test(k)) lines.push(`${k}: ${v}`);
    return { bytes: Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), payload]), reset };
  });
const garbage: fc.Arbitrary<Answer> = fc.record({ bytes: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), reset: fc.boolean() });

const ours = (err: unknown) => err instanceof RuleViolation || err instanceof CheckAborted || err instanceof NotRun || err instanceof SuiteError;

describe('property: the HTTP client and schema check stand on any answer', function () {
  this.timeout(120_000);
  let server: net.Server;
  let next: Answer = { bytes: Buffer.alloc(0), reset: false };
  let url = '';

  before(async () => {
    server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        const { bytes, reset } = next;
        socket.write(bytes, () => (reset ? socket.resetAndDestroy() : socket.end()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const requests: Array<[string, (c: ApiClient) => Promise<unknown>]> = [
    ['GET orderevents/ item by item', (c) => c.get('/api/2.3.1/orderevents/', { onItem: () => undefined })],
    ['GET orderevents/ whole', (c) => c.get('/api/2.3.1/orderevents/')],
    ['POST orders/', (c) => c.post('/api/2.3.1/orders/', { accessId: 'A', service: 'S', operation: 'ACTIVATE' })],
    ['POST orders/ without the schema', (c) => c.post('/api/2.3.1/orders/', {}, { skipSchema: true })],
  ];

  it('ends with an exchange or one of the suite own outcomes, whatever the bytes', async () => {
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: httpAnswer }, { weight: 1, arbitrary: garbage }), fc.integer({ min: 0, max: requests.length - 1 }), async (answer, which) => {
        next = answer;
        const client = new ApiClient('activation', `${url}/activation`, { user: 'u', secret: 's' }, 'ACT-SCHEMA', {
          timeoutMs: 2000,
          maxBodyBytes: 4096,
          onAnswerProblem: (_ex, problem) => problems.push(problem),
        });
        try {
          const exchange: any = await requests[which][1](client);
          assert.equal(typeof exchange.status, 'number');
          assert.equal(typeof exchange.text, 'string');
        } catch (err) {
          if (!ours(err)) throw new Error(`${requests[which][0]} escaped with ${(err as Error)?.stack ?? err}`);
        }
      }),
      { numRuns: 150 },
    );
    assert.ok(problems.length > 0, 'no answer was ever reported broken: the generators do not reach the checks');
  });

  it('reads a JSON array item by item exactly as JSON.parse reads it, however it is split into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }), fc.boolean(), (items, cuts, spaced) => {
        const text = spaced ? JSON.stringify(items, null, 1) : JSON.stringify(items);
        const bytes = Buffer.from(text, 'utf8');
        const got: unknown[] = [];
        const splitter = new JsonArraySplitter((item) => got.push(item), 1 << 20);
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const size = cuts[i % cuts.length];
          splitter.push(bytes.subarray(at, at + size));
          at += size;
        }
        assert.equal(splitter.end(), items.length);
        assert.deepEqual(got, JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses, with its own error, any text that is not a whole JSON array', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        let whole: unknown;
        try {
          whole = JSON.parse(text);
        } catch {
          whole = undefined;
        }
        const got: unknown[] = [];
        try {
          const splitter = new JsonArraySplitter((item) => got.push(item), 1 << 20);
          splitter.push(Buffer.from(text, 'utf8'));
          splitter.end();
        } catch (err) {
          if (!(err instanceof JsonStreamError)) throw err;
          return;
        }
        assert.ok(Array.isArray(whole), `accepted ${JSON.stringify(text)}, which is not a JSON array`);
        assert.deepEqual(got, whole);
      }),
      { numRuns: 500 },
    );
  });
});
