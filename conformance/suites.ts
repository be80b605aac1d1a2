import type { Suite } from './framework/check.js';
import type { ApiName } from './framework/types.js';
import cart from './cart/suite.js';
import activation from './activation/suite.js';
import ethernet from './ethernet/suite.js';

export const SUITES: Record<ApiName, Suite> = { cart, activation, ethernet };

/** The suites of the APIs named, in the order named. */
export const suitesFor = (apis: ApiName[]): Suite[] => apis.map((api) => SUITES[api]);
