/**
 * The Service Activation suite (ON-API 2.3.1 and its order event feed): one file per rule family, in this order.
 * Each check names one rule of specs/activation/rules.yaml and creates the state it needs.
 */
import { defineSuite, type Check } from '../framework/check.js';
import { orderChecks } from './orders.js';
import { inputChecks } from './input.js';
import { tenancyChecks } from './tenancy.js';
import { accessChecks } from './accesses.js';
import { feedChecks } from './feed.js';
import { persistenceChecks } from './persistence.js';
import { feedOrderChecks } from './feed-order.js';
import { outOfOrderChecks } from './out-of-order.js';
import { raceChecks } from './races.js';
import { sweepChecks } from '../explore/sweep.js';
import { activationSweepModel } from '../explore/sweep-activation.js';

export default defineSuite({
  api: 'activation',
  schemaRule: 'ACT-SCHEMA',
  checks: [
    // Without a test clock these overlap: each orders on an access of its own and judges only its own orders.
    ...[...orderChecks, ...inputChecks, ...raceChecks, ...tenancyChecks, ...accessChecks].map((c): Check => ({ independent: true, ...c })),
    // The feed checks read tenant A's whole feed after a mark: no other check's events may land in between.
    ...feedChecks.map((c): Check => ({ exclusive: true, ...c })),
    ...feedOrderChecks,
    // Both use the profile's one slowAccess: one at a time, and they judge only their own two orders.
    ...outOfOrderChecks,
    // The behaviour model's fixed cases (each says whether it may overlap others).
    ...sweepChecks(activationSweepModel),
    // They restart the server: the runner runs them last, alone.
    ...persistenceChecks,
  ],
});
