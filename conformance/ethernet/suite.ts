/**
 * The Ethernet Order suite: one file per rule family, in this order. Each check builds its own orders from the
 * source's create example (with the profile's buyer and seller ids and a fresh purchase order number).
 */
import { profileKeys, preflight } from './preflight.js';
import { defineSuite, type Check } from '../framework/check.js';
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
  profileKeys,
  preflight,
  // Every check builds orders of its own and judges only those (the exclusive one counts a whole list): they overlap.
  // Time: a server may move orders on as its clock moves (a fulfilment simulator), so each 'reads' time; the one
  // that moves the clock is unmarked.
  checks: [
    ...[
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
    ].map((c): Check => ({ independent: true, ...(c.id === 'cancelled-after-hold-refuses-put-and-patch' ? {} : { time: 'reads' as const }), ...c })),
    ...sweepChecks(ethernetSweepModel),
  ],
});
