import type { ToleranceVariant } from './variant.js';
import { allApisTolerance } from './all-apis.js';
import { cartTolerance } from './cart.js';
import { activationTolerance } from './activation.js';
import { ethernetTolerance } from './ethernet.js';

/** Every allowed choice the suite must certify, in table order. */
export const toleranceVariants: ToleranceVariant[] = [...allApisTolerance, ...cartTolerance, ...activationTolerance, ...ethernetTolerance];

/** The tolerance variant of that name, if there is one (test/variants/serve.ts starts it like a broken variant). */
export const findToleranceVariant = (name: string): ToleranceVariant | undefined => toleranceVariants.find((v) => v.name === name);
