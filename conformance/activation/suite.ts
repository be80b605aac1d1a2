/**
 * The Service Activation suite (ON-API 2.3.1 and its order event feed): one file per rule family, in this order.
 * Each check names one rule of specs/activation/rules.yaml and creates the state it needs.
 */
import { profileKeys, preflight } from './preflight.js';
import { defineSuite, type Check } from '../framework/check.js';
import { orderChecks } from './orders.js';
import { inputChecks } from './input.js';
import { tenancyChecks } from './tenancy.js';
import { accessChecks } from './accesses.js';
import { failingAccesses, watchOrders } from './helpers.js';
import { feedChecks } from './feed.js';
import { persistenceChecks } from './persistence.js';
import { feedOrderChecks } from './feed-order.js';
import { outOfOrderChecks } from './out-of-order.js';
import { raceChecks } from './races.js';
import { sweepChecks } from '../explore/sweep.js';
import { activationSweepModel } from '../explore/sweep-activation.js';

/** No order of its own at all. */
const NO_ORDER = ['unknown-order-404', 'service-listed-without-connection-400', 'no-credentials-401', 'accesses-list-profile-accesses'];
/** Judges an order while it is still in progress, or a race that a sooner finish could decide. */
const IN_PROGRESS = ['in-progress-duplicate-200-same-order', 'access-lists-callers-active-services', 'two-providers-claiming-a-type-at-once', 'two-services-of-one-type-at-once', 'orders-failing-in-a-race-say-why'];
const timeOf = (c: Check): Check['time'] => (NO_ORDER.includes(c.id) ? 'none' : IN_PROGRESS.includes(c.id) ? 'moves' : 'advances');

export default defineSuite({
  api: 'activation',
  schemaRule: 'ACT-SCHEMA',
  // The orders of the whole run: a sweep case reading the feed passes over the events of other checks' orders.
  watch: watchOrders,
  // As many checks that order at a failing access run at once as the profile names failing accesses.
  scarce: (section) => ({ failingAccess: failingAccesses(section).length }),
  profileKeys,
  preflight,
  capabilities: [
    { name: 'failedOrders', what: "orders that can end DONE_FAILED (at the profile's failingAccess)", keys: ['failingAccess'] },
    { name: 'outOfOrderFinish', what: "orders that finish out of the order they were created in (at the profile's slowAccess)", keys: ['slowAccess', 'slowFinishSeconds'] },
  ],
  checks: [
    // These overlap: each orders on an access of its own and judges only its own orders. Time: each moves the clock
    // only to let its own orders finish and judges nothing a sooner finish could change ('advances'), but those
    // that place no order ('none') and those that judge an order still in progress (unmarked: 'moves').
    ...[...orderChecks, ...inputChecks, ...raceChecks, ...tenancyChecks, ...accessChecks].map((c): Check => ({ independent: true, time: timeOf(c), ...c })),
    // The feed checks judge their own orders' events and what the feed answered around them: other checks' events
    // may land in between (each check compares the reads it makes up to what it has seen, never a whole answer).
    ...feedChecks.map((c): Check => ({ independent: true, ...c })),
    // Each judges its own orders' events (other checks' events may land in between); they also order at a failing
    // access, which the sweep's failed states clean and use: one such check per failing access at a time.
    ...feedOrderChecks.map((c): Check => ({ independent: true, uses: 'failingAccess', ...c })),
    // Both use the profile's one slowAccess: one at a time, and they judge only their own two orders. The slow order
    // must still be in progress once the other has finished: a margin of real time a wait for a turn at the clock
    // could use up, so their moves are made at once ('alone').
    ...outOfOrderChecks.map((c): Check => ({ time: 'alone', ...c })),
    // The behaviour model's fixed cases (each says whether it may overlap others).
    ...sweepChecks(activationSweepModel),
    // They restart the server: the runner runs them last, alone.
    ...persistenceChecks,
  ],
});
