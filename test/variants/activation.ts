import type { Variant } from './variant.js';

export const activationVariants: Variant[] = [];
