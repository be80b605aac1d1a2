/**
 * The generated Ajv validators of the ethernet spec, loaded for the domain. The generated standalone code calls
 * `require` for two Ajv runtime helpers; under native ESM (the server started with `node --import tsx`) there is
 * no `require`, so one is provided before the module is loaded.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const g = globalThis as { require?: NodeRequire };
if (typeof g.require === 'undefined') g.require = createRequire(import.meta.url);

const generated = (await import('../../generated/ethernet/validators.js')) as Record<string, unknown>;

/** The request body validator of POST /orders (an order-create-update). */
export const validateOrderCreateUpdate = generated.request_createOrder as ValidateFunction;
