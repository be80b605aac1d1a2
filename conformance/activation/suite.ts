/**
 * The Service Activation suite (ON-API 2.3.1 and its order event feed): one file per rule family, in this order.
 * Each check names one rule of specs/activation/rules.yaml and creates the state it needs.
 */
import { defineSuite } from '../framework/check.js';
import { orderChecks } from './orders.js';
import { inputChecks } from './input.js';
import { tenancyChecks } from './tenancy.js';
import { accessChecks } from './accesses.js';
import { feedChecks } from './feed.js';

export default defineSuite({
  api: 'activation',
  schemaRule: 'ACT-SCHEMA',
  checks: [
    ...orderChecks,
    ...inputChecks,
    ...tenancyChecks,
    ...accessChecks,
    ...feedChecks,
  ],
});
