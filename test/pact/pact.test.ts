/**
 * The Pact contracts of the three APIs, in the order they depend on each other:
 *   1. consumer tests (through the generated typed clients) write pacts/ from scratch;
 *   2. every interaction of every pact is checked against the API's OpenAPI spec (and the check is shown to
 *      reject pacts that go beyond the spec);
 *   3. the reference server, started in this process on SQLite with the test clock, verifies every pact, its
 *      provider states set up through the domain modules;
 *   4. the vendor path (scripts/verify-pacts.ts): a server by URL, its own credentials, its provider states set up
 *      through a state-setup URL;
 *   5. a server whose cart module renames one response field fails verification.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import express from 'express';
import type { ApiModule } from '../../src/shared/api.js';
import { cartApi } from '../../src/cart/api.js';
import { activationConsumerTests } from './consumers/activation.js';
import { cartConsumerTests } from './consumers/cart.js';
import { ethernetConsumerTests } from './consumers/ethernet.js';
import { startReferenceProvider, verifyPact, type ReferenceProvider } from './provider.js';
import { startStateServer, type StateServer } from './state-server.js';
import { verifyVendorPacts } from '../../scripts/verify-pacts.js';
import { checkPactFile, describeProblems, SpecChecker, type PactDocument, type PactInteraction } from './spec-check.js';
import { allStates } from './states.js';
import { APIS, pactFile } from './support.js';

/** How many interactions each consumer records (a pact that lost some must not pass the checks below). */
const EXPECTED_INTERACTIONS = { cart: 6, activation: 5, ethernet: 10 } as const;

const readPact = (api: (typeof APIS)[number]): PactDocument => JSON.parse(fs.readFileSync(pactFile(api), 'utf8'));

describe('pact contracts', function () {
  this.timeout(60_000);

  describe('consumers write the pacts', () => {
    cartConsumerTests();
    activationConsumerTests();
    ethernetConsumerTests();
  });

  describe('every pact interaction is allowed by its OpenAPI spec', () => {
    for (const api of APIS) {
      it(`${api}: ${EXPECTED_INTERACTIONS[api]} interactions, each within specs/${api}/openapi.yaml`, () => {
        const pact = readPact(api);
        assert.equal(pact.interactions.length, EXPECTED_INTERACTIONS[api], `interactions in ${pactFile(api)}`);
        const problems = checkPactFile(api, pactFile(api));
        assert.deepEqual(problems, [], `pact goes beyond the spec:\n${describeProblems(problems)}`);
      });
    }

    it('every provider state the pacts use is a named constant of states.ts (and has a handler)', () => {
      for (const api of APIS) {
        const known = new Set(Object.values(allStates[api]).map((s) => s.name));
        for (const interaction of readPact(api).interactions as Array<PactInteraction & { providerStates?: Array<{ name: string }> }>) {
          for (const state of interaction.providerStates ?? []) assert.ok(known.has(state.name), `${api}: unknown state "${state.name}"`);
        }
      }
    });

    describe('rejects a pact that pins what the spec does not promise', () => {
      const checker = new SpecChecker('cart');
      const base = (): PactInteraction =>
        structuredClone(readPact('cart').interactions.find((i) => i.description === 'a request to extend an order on hold')!);
      const problemsOf = (mutate: (i: PactInteraction) => void) => {
        const interaction = base();
        mutate(interaction);
        return checker.checkInteraction(interaction);
      };
      const body = (i: { body?: unknown }) => (i.body as { content: any }).content;

      it('accepts the unchanged interaction (so each rejection below is caused by its one change)', () => {
        assert.deepEqual(problemsOf(() => {}), []);
      });
      it('a response body without a required member', () => {
        const problems = problemsOf((i) => {
          body(i.response).state = body(i.response).status;
          delete body(i.response).status;
        });
        assert.match(problems.join('\n'), /200 response body is not valid: .*must have required property 'status'/);
      });
      it('a response member of the wrong type', () => {
        const problems = problemsOf((i) => (body(i.response).bookings[0].cancellable = 'yes'));
        assert.match(problems.join('\n'), /\/bookings\/0\/cancellable must be boolean/);
      });
      it('an undocumented status', () => {
        const problems = problemsOf((i) => (i.response.status = 202));
        assert.match(problems.join('\n'), /status 202 is not documented/);
      });
      it('a status matcher that allows an undocumented status', () => {
        const problems = problemsOf((i) => (i.response.matchingRules = { ...i.response.matchingRules, status: { matchers: [{ match: 'statusCode', status: [200, 204] }] } }));
        assert.match(problems.join('\n'), /status 204 is not documented/);
      });
      it('a request body the operation refuses', () => {
        const problems = problemsOf((i) => (body(i.request).holdExpirationMinutes = 0));
        assert.match(problems.join('\n'), /request body is not valid: \/holdExpirationMinutes must be >= 1/);
      });
      it('an undeclared query parameter', () => {
        const problems = problemsOf((i) => (i.request.query = { verbose: ['true'] }));
        assert.match(problems.join('\n'), /query parameter "verbose" is not declared/);
      });
      it('a path parameter outside its schema', () => {
        const problems = problemsOf((i) => (i.request.path = i.request.path.replace('PACT-EXTEND', 'PACT%20EXTEND')));
        assert.match(problems.join('\n'), /path parameter orderId="PACT EXTEND" is not allowed/);
      });
      it('a path that is no operation of the spec', () => {
        const problems = problemsOf((i) => (i.request.path = i.request.path.replace('/extend', '/refund')));
        assert.match(problems.join('\n'), /POST \/suppliers\/demo-supplier\/orders\/PACT-EXTEND\/refund is not an operation/);
      });
    });
  });

  describe('the reference server (SQLite, in process) verifies every pact', () => {
    let provider: ReferenceProvider;
    before(async () => (provider = await startReferenceProvider()));
    after(async () => provider?.close());
    for (const api of APIS) {
      it(`${api}`, async () => {
        await verifyPact(api, provider);
      });
    }
  });

  describe("a vendor's server by URL verifies every pact through its state-setup endpoint", () => {
    let provider: ReferenceProvider;
    let states: StateServer;
    // Credentials the pacts were not recorded with: verification only passes if the vendor's replace them.
    const user = 'alpha';
    const password = 'vendor-own-secret';
    before(async () => {
      provider = await startReferenceProvider(undefined, { ORDERCERT_TENANTS: `${user}:${password}` });
      states = await startStateServer(provider);
    });
    after(async () => {
      await states?.close();
      await provider?.close();
    });
    for (const api of APIS) {
      it(`${api}`, async () => {
        const before = states.seen.length;
        await verifyVendorPacts({ api, baseUrl: provider.baseUrl(api), stateUrl: states.url, user, password });
        const used = new Set(states.seen.slice(before));
        const expected = new Set(readPact(api).interactions.flatMap((i: any) => (i.providerStates ?? []).map((s: { name: string }) => s.name)));
        assert.deepEqual([...used].sort(), [...expected].sort(), 'every provider state of the pact was set up through the state URL');
      });
    }
    it('fails with the recorded demo credentials when the server does not know them', async () => {
      const failure = await verifyPact('cart', provider).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      assert.ok(failure, 'verification passed although every request should have been refused with 401');
    });
  });

  describe('a server that renames a response field fails verification', () => {
    let provider: ReferenceProvider;
    before(async () => (provider = await startReferenceProvider([renameInResponses(cartApi(), 'utcExpiresAt', 'expiresAt')])));
    after(async () => provider?.close());

    it('cart answering `expiresAt` instead of `utcExpiresAt` is rejected', async () => {
      const failure = await verifyPact('cart', provider).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      assert.ok(failure, 'verification passed against a server that renamed utcExpiresAt');
      assert.match(failure.message, /utcExpiresAt/);
    });
  });
});

/** An API module whose JSON answers have every member `from` renamed to `to` (a response-rewriting middleware). */
function renameInResponses(module: ApiModule, from: string, to: string): ApiModule {
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === from ? to : k, rename(v)]));
  };
  return {
    ...module,
    routes(ctx) {
      const router = express.Router();
      router.use((_req, res, next) => {
        const json = res.json.bind(res);
        res.json = (body: unknown) => json(rename(body));
        next();
      });
      router.use(module.routes(ctx));
      return router;
    },
  };
}
