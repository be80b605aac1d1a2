import type { Variant } from './variant.js';

export const cartVariants: Variant[] = [];
