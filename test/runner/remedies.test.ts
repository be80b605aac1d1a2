/**
 * Every "not judged" says which knob would have changed the outcome, one kind each: the declared finish time and
 * --timeout (an order slower than the profile declares), a profile key, the test clock, the restart hook; and a
 * server slower than its profile declares is told so, naming the order and the declared time.
 */
import assert from 'node:assert/strict';
import { ruleIndex } from '../../conformance/framework/catalogue.js';
import { runChecks, type RunOptions } from '../../conformance/framework/runner.js';
import type { ApiName, CheckResult } from '../../conformance/framework/types.js';
import { SUITES } from '../../conformance/suites.js';
import { DEMO_CREDENTIALS, referenceProfile, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A server start that times out on a loaded machine is tried again (twice) before it counts. */
async function startTrying(start: () => Promise<TestServer>): Promise<TestServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** One API's checks of the rules `grep` selects, against `server`, with the run options given. */
async function run(server: TestServer, api: ApiName, grep: RegExp, options: Partial<RunOptions> = {}): Promise<CheckResult[]> {
  return runChecks({
    suites: [SUITES[api]],
    rules: ruleIndex([api]),
    baseUrls: server.apis,
    tenants: DEMO_CREDENTIALS,
    profile: referenceProfile(),
    grep,
    timeoutMs: 10_000,
    ...options,
  });
}

const only = (results: CheckResult[], check: string) => {
  const found = results.find((r) => r.check === check);
  assert.ok(found, `no result for ${check}: ${results.map((r) => r.check).join(', ')}`);
  return found;
};

describe('remedies: each "not judged" names the knob that would have changed it', function () {
  this.timeout(400_000);
  let reference: TestServer;
  before(async () => {
    reference = await startTrying(() => startTestServer());
  });
  after(async () => reference?.stop());

  it('a profile key: without activation.failingAccess the failure-message check names that key (or the capability)', async () => {
    const profile = referenceProfile();
    delete profile.activation!.failingAccess;
    delete (profile as any).capabilities.failedOrders;
    const r = only(await run(reference, 'activation', /^ACT-ORDER-FAILURE-MESSAGE$/, { profile, clockUrl: reference.clockUrl }), 'activation/failed-order-has-message');
    assert.equal(r.outcome, 'skip');
    assert.match(r.remedy ?? '', /activation\.failingAccess/);
    assert.match(r.remedy ?? '', /capabilities\.failedOrders: false/);
  });

  it('the clock: a check that needs the server time to pass, without --clock-url or --slow, names both', async () => {
    const r = only(await run(reference, 'cart', /^CART-ORDER-EXPIRES$/), 'cart/order-reads-expired-after-expiry');
    assert.equal(r.outcome, 'skip');
    assert.match(r.remedy ?? '', /--clock-url/);
    assert.match(r.remedy ?? '', /--slow/);
  });

  it('the restart hook: without one a check that restarts names --restart-url; declared absent, it does not apply', async () => {
    const results = await run(reference, 'activation', /^ACT-FEED-EVENT-UNIQUE$/, { clockUrl: reference.clockUrl });
    const r = only(results, 'activation/event-ids-never-reused-after-a-restart');
    assert.equal(r.outcome, 'skip');
    assert.match(r.remedy ?? '', /--restart-url/);
    const profile = { ...referenceProfile(), capabilities: { restart: false } };
    const absent = only(await run(reference, 'activation', /^ACT-FEED-EVENT-UNIQUE$/, { profile, clockUrl: reference.clockUrl }), r.check);
    assert.equal(absent.outcome, 'n/a');
    assert.match(absent.message ?? '', /not applicable: the profile declares capabilities\.restart false/);
  });

  describe('a server whose orders finish later than its profile declares (kill-table variant act-finishes-later-than-declared)', () => {
    let late: TestServer;
    before(async () => {
      late = await startTrying(() => startTestServer({ variant: 'act-finishes-later-than-declared' }));
    });
    after(async () => late?.stop());

    it('fails the rule that judges finishing, and leaves set-up waits not judged, naming the order, finishSeconds and --timeout', async () => {
      // Its worker first wakes 60 s after it started: each check's budget (3 s plus 5 s per order) ends long before.
      const { results } = await runSuiteAgainst(late, ['activation'], { grep: /^ACT-ORDER-(RECEIVED-POLLABLE|DEACTIVATE-MINIMAL)$/, timeoutMs: 3000 });
      const judged = only(results, 'activation/received-order-finishes');
      assert.equal(judged.outcome, 'fail');
      assert.match(judged.message ?? '', /order \/api\/2\.3\.1\/orders\/\S+ took longer than the profile's finishSeconds \(5 s\)/);
      const setUp = only(results, 'activation/deactivate-with-three-fields');
      assert.equal(setUp.outcome, 'skip');
      assert.match(setUp.message ?? '', /took longer than the profile's finishSeconds \(5 s\)/);
      assert.match(setUp.remedy ?? '', /activation\.finishSeconds/);
      assert.match(setUp.remedy ?? '', /--timeout/);
      assert.doesNotMatch(setUp.remedy ?? '', /slowAccess/);
    });
  });
});
