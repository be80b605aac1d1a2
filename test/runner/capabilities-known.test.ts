/**
 * The capabilities a run knows come from the suites (each declares its API's) and `restart`; a profile may declare
 * those of an API outside the run, and only a name no suite declares is refused.
 */
import assert from 'node:assert/strict';
import { capabilitiesOf, capabilityProblems, capabilityReport, resolveCapabilities } from '../../conformance/framework/capabilities.js';
import { SUITES } from '../../conformance/suites.js';

const all = capabilitiesOf(Object.values(SUITES));

describe('capabilities known from the suites', () => {
  it('lists each suite\'s capabilities with its api, then restart', () => {
    assert.deepEqual(
      all.map((c) => `${c.api ?? '-'}:${c.name}`),
      ['cart:asyncConfirmation', 'cart:asyncRejection', 'cart:perBookingHolds', 'cart:resellerOrderIds', 'activation:failedOrders', 'activation:outOfOrderFinish', '-:restart'],
    );
    assert.deepEqual(capabilitiesOf([SUITES.activation, SUITES.cart]).map((c) => c.name), all.map((c) => c.name));
  });

  it('a capability of an API outside the run is no problem; an unknown one names those known', () => {
    const profile = { capabilities: { asyncConfirmation: true, speed: true } };
    assert.deepEqual(capabilityProblems(all, profile, ['activation']), [
      'profile capabilities.speed is not a capability the suite knows; it knows asyncConfirmation, asyncRejection, perBookingHolds, resellerOrderIds, failedOrders, outOfOrderFinish, restart',
    ]);
  });

  it('reports only the capabilities of the run\'s APIs and restart', () => {
    const known = capabilitiesOf([SUITES.activation]);
    const report = capabilityReport(known, resolveCapabilities(known, { capabilities: { failedOrders: false } }), [], ['activation']);
    assert.deepEqual(report.map((c) => `${c.name}:${c.outcome}`), ['failedOrders:absent', 'outOfOrderFinish:unknown', 'restart:unknown']);
  });
});
