/**
 * The Ethernet Order suite: one file per rule family, in this order. Each check builds its own orders from the
 * source's create example (with the profile's buyer and seller ids and a fresh purchase order number).
 */
import { defineSuite } from '../framework/check.js';
import { orderChecks } from './orders.js';
import { inputChecks } from './input.js';
import { tenancyChecks } from './tenancy.js';
import { updateChecks } from './updates.js';
import { concurrencyChecks } from './concurrency.js';
import { transitionChecks } from './transitions.js';
import { limitChecks } from './limits.js';
import { tenancyWriteChecks } from './tenancy-writes.js';
import { forbiddenChangeChecks } from './forbidden-changes.js';
import { seedStatusChecks } from './seed-statuses.js';
import { sweepChecks } from '../explore/sweep.js';
import { ethernetSweepModel } from './sweep-cases.js';

export default defineSuite({
  api: 'ethernet',
  schemaRule: 'ETH-RESPONSE-SCHEMA',
  checks: [
    ...orderChecks,
    ...inputChecks,
    ...tenancyChecks,
    ...updateChecks,
    ...concurrencyChecks,
    ...transitionChecks,
    ...limitChecks,
    ...tenancyWriteChecks,
    ...forbiddenChangeChecks,
    ...seedStatusChecks,
    ...sweepChecks(ethernetSweepModel),
  ],
});
