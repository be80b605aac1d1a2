/**
 * Broken copies of the activation reference server, each a realistic bug of a kind no earlier variant names: written to
 * measure the suite's power on bugs it was not told about.
 */
import type { Variant } from './variant.js';

export const freshActivationVariants: Variant[] = [];
