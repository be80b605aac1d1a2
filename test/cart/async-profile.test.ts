/**
 * A vendor whose every confirmation is asynchronous: the reference server certified with a profile whose main
 * option is the demo option PENDING. Every confirm the suite sends answers PENDING first; the suite must follow each
 * order and booking until it settles and certify the server (the small-availability check is not run: that
 * availability belongs to the other option).
 */
import assert from 'node:assert/strict';
import { describeProblems, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('cart: the suite certifies a server whose confirmations are all asynchronous', function () {
  this.timeout(300_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ backend: 'sqlite' });
  });
  after(async () => {
    await server?.stop();
  });

  it('passes every rule with the asynchronous option as the profile main option', async () => {
    const { results, byRule } = await runSuiteAgainst(server, ['cart'], {
      profile: { cart: { optionId: 'PENDING', availabilityId: 'slot-pending', smallAvailabilityId: undefined } },
    });
    const problems = results.filter((r) => r.outcome === 'fail' || r.outcome === 'warn');
    assert.deepEqual(describeProblems(problems), '', `--- server output ---\n${server.output().slice(-3000)}`);
    assert.deepEqual(byRule.filter((r) => r.outcome === 'fail' || r.outcome === 'warn').map((r) => r.rule.id), []);
    const notRun = results.filter((r) => r.outcome === 'skip').map((r) => r.check);
    assert.deepEqual(notRun, ['cart/cancel-gives-capacity-back', 'cart/sweep-create-again-other-availabilityId'], 'only the checks that need the small availability may be left unjudged');
  });
});
