/**
 * The generated standalone Ajv validators call `require` for two Ajv runtime helpers. Under native ESM (the
 * server started with `node --import tsx`) there is no `require`; this module, imported before them, provides one.
 */
import { createRequire } from 'node:module';

const g = globalThis as { require?: NodeRequire };
if (typeof g.require === 'undefined') g.require = createRequire(import.meta.url);
