/** The cart suite: one file per rule family, in this order. */
import { defineSuite } from '../framework/check.js';
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

export default defineSuite({
  api: 'cart',
  schemaRule: SCHEMA_RULE,
  checks: [
    ...orderChecks,
    ...expiryChecks,
    ...allOrNothingChecks,
    ...transitionChecks,
    ...retryChecks,
    ...inputChecks,
    ...tenancyChecks,
    ...pendingChecks,
    ...adversarialChecks,
    ...tenancyWriteChecks,
    ...afterExpiryChecks,
    ...joiningHoldChecks,
    ...sweepChecks(cartSweepModel),
  ],
});
