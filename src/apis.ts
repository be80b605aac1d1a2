import type { ApiModule } from './shared/api.js';
import { cartApi } from './cart/api.js';
import { activationApi } from './activation/api.js';
import { ethernetApi } from './ethernet/api.js';

/** The three APIs of the reference server, as they ship. */
export const referenceApis = (): ApiModule[] => [cartApi(), activationApi(), ethernetApi()];
