import type { Variant } from './variant.js';
import { cartVariants } from './cart.js';
import { activationVariants } from './activation.js';
import { ethernetVariants } from './ethernet.js';
import { sequenceVariants } from './sequence.js';
import { powerVariants } from './power.js';
import { sweepEthernetVariants } from './sweep-ethernet.js';
import { sweepCartVariants } from './sweep-cart.js';
import { sweepActivationVariants } from './sweep-activation.js';
import { freshCartVariants } from './fresh-cart.js';
import { freshActivationVariants } from './fresh-activation.js';
import { freshEthernetVariants } from './fresh-ethernet.js';
import { fresh2CartVariants } from './fresh2-cart.js';
import { fresh2ActivationVariants } from './fresh2-activation.js';
import { fresh2EthernetVariants } from './fresh2-ethernet.js';
import { schemaProbeVariants } from './schema-probes.js';

export const variants: Variant[] = [...cartVariants, ...activationVariants, ...ethernetVariants, ...sweepEthernetVariants, ...powerVariants, ...sweepCartVariants, ...sweepActivationVariants, ...freshCartVariants, ...freshActivationVariants, ...freshEthernetVariants, ...fresh2CartVariants, ...fresh2ActivationVariants, ...fresh2EthernetVariants, ...schemaProbeVariants];

export function findVariant(name: string): Variant {
  // Sequence-only variants are not in the kill table (certify does not catch them) but can be started by name.
  const found = [...variants, ...sequenceVariants].find((v) => v.name === name);
  if (!found) throw new Error(`unknown variant "${name}"; known: ${variants.map((v) => v.name).join(', ')}`);
  return found;
}
