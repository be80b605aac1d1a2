/**
 * Spec-driven input fuzzing: for every operation of every API, invalid bodies, parameters and headers
 * (wrong types, missing fields, extra nesting, huge strings and arrays, bad JSON, wrong content type).
 * Every answer must be a 4xx in the API's own error shape, never a 5xx, and the database must be unchanged.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as cart from '../../generated/cart/validators.js';
import * as activation from '../../generated/activation/validators.js';
import * as ethernet from '../../generated/ethernet/validators.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { snapshot } from '../helpers/db-snapshot.js';

type Validators = typeof cart;
const APIS: Array<{ name: 'cart' | 'activation' | 'ethernet'; module: Validators; base: (s: TestServer) => string }> = [
  { name: 'cart', module: cart, base: (s) => s.apis.cart },
  { name: 'activation', module: activation as unknown as Validators, base: (s) => s.apis.activation },
  { name: 'ethernet', module: ethernet as unknown as Validators, base: (s) => s.apis.ethernet },
];
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 60);
const auth = 'Basic ' + Buffer.from('alpha:alpha-secret').toString('base64');

/** A body that can never satisfy an object schema with required fields. */
const invalidBody = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', 'nul', '{"x": tru}', '\u0000', '{"a":1}}'),
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }).map((o) => JSON.stringify({ ...o, __unknownNesting: { deeper: [o, [o]] } })),
  fc.integer({ min: 300_000, max: 400_000 }).map((n) => JSON.stringify({ huge: 'x'.repeat(n) })),
  fc.integer({ min: 20_000, max: 30_000 }).map((n) => JSON.stringify(Array.from({ length: n }, (_, i) => i))),
);
// Dot segments are left out: URL normalisation would turn them into another, valid path.
const oddSegment = fc
  .oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('%00', '\u00e9\u00e8', 'a'.repeat(5000), "' or 1=1 --", '{id}', ' '))
  .filter((s) => !/^\.{1,2}$/.test(s));

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

async function send(base: string, c: Case) {
  const res = await fetch(base + c.path, { method: c.method, headers: c.headers, body: c.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: judged below
  }
  return { status: res.status, body, contentType: res.headers.get('content-type') ?? '' };
}

describe('fuzzing every operation with invalid input', function () {
  this.timeout(300_000);
  let server: TestServer;
  let tried = 0;
  before(async () => {
    server = await startTestServer({ backend: 'sqlite' });
  });
  after(async () => {
    await server?.stop();
    console.log(`      fuzz: ${tried} invalid requests tried`);
  });

  for (const api of APIS) {
    it(`${api.name}: every invalid request gets a 4xx in the API's error shape and changes nothing`, async () => {
      // The error shape is whatever the spec documents for 401, which every operation has.
      const errorShape = api.module.operations
        .map((op) => op.responses['401'])
        .find(Boolean);
      assert.ok(errorShape, `${api.name}: no 401 response documented`);
      const validateError = (api.module as any)[errorShape!];
      const before = await snapshot(server.databaseUrl);
      for (const op of api.module.operations) {
        const fill = (segment: string) => op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segment));
        const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
        // Only variants that make this operation's request invalid for certain.
        const variants = [
          'query',
          'auth',
          ...(op.path.includes('{') ? ['segment'] : []),
          ...(hasBody && op.request ? ['body', 'content-type'] : []),
        ];
        const arbitrary = fc.record({ segment: oddSegment, body: invalidBody, variant: fc.constantFrom(...variants) });
        await fc.assert(
          fc.asyncProperty(arbitrary, async ({ segment, body, variant }) => {
            const c: Case = {
              method: op.method,
              path: fill(variant === 'segment' ? segment : 'unknown-id-0'),
              headers: { Authorization: auth, Accept: 'application/json' },
            };
            if (variant === 'auth') c.headers.Authorization = 'Basic ' + Buffer.from(`alpha:${segment}`).toString('base64');
            if (variant === 'query') c.path += `?${encodeURIComponent(segment)}=${encodeURIComponent(segment)}&__notAParameter=1`;
            if (hasBody) {
              c.body = body;
              c.headers['Content-Type'] = variant === 'content-type' ? 'text/plain' : 'application/json';
            }
            tried++;
            const res = await send(api.base(server), c);
            const where = `${c.method} ${c.path.slice(0, 120)} (${variant}) -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
            assert.ok(res.status >= 400 && res.status < 500, `not a 4xx: ${where}`);
            assert.ok(validateError(res.body), `not in the ${api.name} error shape: ${where}`);
          }),
          { numRuns: RUNS_PER_OPERATION, seed: 20261123, endOnFailure: true },
        );
      }
      assert.equal(await snapshot(server.databaseUrl), before, `${api.name}: the database changed`);
    });
  }
});
