import type { Variant } from './variant.js';

export const ethernetVariants: Variant[] = [];
