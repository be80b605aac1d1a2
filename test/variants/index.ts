import type { Variant } from './variant.js';
import { cartVariants } from './cart.js';
import { activationVariants } from './activation.js';
import { ethernetVariants } from './ethernet.js';

export const variants: Variant[] = [...cartVariants, ...activationVariants, ...ethernetVariants];

export function findVariant(name: string): Variant {
  const found = variants.find((v) => v.name === name);
  if (!found) throw new Error(`unknown variant "${name}"; known: ${variants.map((v) => v.name).join(', ')}`);
  return found;
}
