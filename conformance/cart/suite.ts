/** The cart suite: one file per rule family, in this order. */
import { profileKeys, preflight } from './preflight.js';
import { defineSuite, type Check } from '../framework/check.js';
import { SCHEMA_RULE } from './helpers.js';
import { orderChecks } from './orders.js';
import { expiryChecks } from './expiry.js';
import { allOrNothingChecks } from './all-or-nothing.js';
import { transitionChecks } from './transitions.js';
import { retryChecks } from './retries.js';
import { inputChecks } from './input.js';
import { tenancyChecks } from './tenancy.js';
import { pendingChecks } from './pending.js';
import { adversarialChecks } from './adversarial.js';
import { tenancyWriteChecks } from './tenancy-writes.js';
import { afterExpiryChecks } from './after-expiry.js';
import { joiningHoldChecks } from './joining-holds.js';
import { sweepChecks } from '../explore/sweep.js';
import { cartSweepModel } from '../explore/sweep-cart.js';

const independent = (c: Check): Check => ({ independent: true, ...c });
/** Marked as reading time, but those named, which move the clock (and stay unmarked). */
const reads =
  (...moving: string[]) =>
  (c: Check): Check =>
    independent(moving.includes(c.id) ? c : { time: 'reads', ...c });

export default defineSuite({
  api: 'cart',
  schemaRule: SCHEMA_RULE,
  profileKeys,
  preflight,
  capabilities: [
    {
      name: 'asyncConfirmation',
      what: 'confirmations that are not instant: a confirm answers PENDING and the supplier decides later',
      keys: ['asyncOptionId', 'asyncAvailabilityId', 'settleSeconds'],
    },
    { name: 'asyncRejection', what: 'a pending confirmation the supplier can decide REJECTED', keys: ['asyncOptionId', 'rejectingAvailabilityId', 'settleSeconds'] },
    {
      name: 'perBookingHolds',
      what: "a hold per booking: a booking's hold can end before its order's (false: every booking is held until the order's utcExpiresAt)",
      keys: [],
    },
    {
      name: 'resellerOrderIds',
      what: 'orderIds of each reseller its own: two resellers choosing one orderId get separate orders (false: an orderId is unique to the supplier, and a create naming one another reseller holds is refused)',
      keys: [],
    },
  ],
  // A check on the main or the asynchronous availability (each with room for a whole run) judges only its own
  // bookings and orders: they overlap; those that count or hold the few places of the small or the rejecting
  // availability name it (`uses`) and take turns. Time: a hold of its own could expire if another check moved the
  // clock, so a check that does not move it 'reads' time; those that move it (the pending ones) are unmarked.
  checks: [
    ...orderChecks.map(reads('extend-moves-every-hold')),
    ...expiryChecks.map(reads('order-reads-expired-after-expiry', 'expired-order-cannot-be-confirmed', 'expired-order-cannot-take-bookings', 'extend-expired-order-answers-error')),
    ...allOrNothingChecks.map(reads('all-or-nothing-extend-with-expired-booking', 'race-confirm-and-expiry', 'confirm-fails-with-expired-booking')),
    ...transitionChecks.map(reads()),
    ...retryChecks.map(reads()),
    ...inputChecks.map(reads()),
    ...tenancyChecks.map(reads()),
    ...pendingChecks.map(independent),
    ...adversarialChecks.map(reads()),
    ...tenancyWriteChecks.map(reads()),
    ...afterExpiryChecks,
    ...joiningHoldChecks.map(reads('longer-joining-hold-expires-with-the-order')),
    ...sweepChecks(cartSweepModel),
  ],
});
