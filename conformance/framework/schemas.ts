import type { ValidateFunction } from 'ajv';
import type { ApiName } from './types.js';
import * as cart from '../../generated/cart/validators.js';
import * as activation from '../../generated/activation/validators.js';
import * as ethernet from '../../generated/ethernet/validators.js';

type Module = { operations: Array<{ operationId: string; method: string; path: string; request?: string; responses: Record<string, string> }> } & Record<string, unknown>;
const modules: Record<ApiName, Module> = { cart: cart as Module, activation: activation as Module, ethernet: ethernet as Module };

interface CompiledOperation {
  operationId: string;
  method: string;
  pattern: RegExp;
  specificity: number;
  responses: Record<string, string>;
}

const compiled = new Map<ApiName, CompiledOperation[]>();

function operationsOf(api: ApiName): CompiledOperation[] {
  let ops = compiled.get(api);
  if (!ops) {
    ops = modules[api].operations
      .map((op) => ({
        operationId: op.operationId,
        method: op.method,
        responses: op.responses,
        pattern: new RegExp('^' + op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
        // Literal segments win over templated ones (`/orders/x/cancel` before `/orders/{id}`).
        specificity: op.path.replace(/\{[^}]+\}/g, '').length,
      }))
      .sort((a, b) => b.specificity - a.specificity);
    compiled.set(api, ops);
  }
  return ops;
}

/** The validator for a response, by the spec's operation matching method and path, or undefined when the spec documents none. */
export function responseValidatorFor(api: ApiName, method: string, path: string, status: number) {
  const op = operationsOf(api).find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
  if (!op) return undefined;
  const name = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!name) return undefined;
  return { name: `${op.operationId} ${status} response`, validate: modules[api][name] as ValidateFunction };
}

/** The operation of a spec that a request would hit (for listing and reports). */
export const operationFor = (api: ApiName, method: string, path: string) =>
  operationsOf(api).find((o) => o.method === method.toUpperCase() && o.pattern.test(path))?.operationId;

/**
 * Whether the spec documents `status` for the operation a request hit (undefined when no operation matches, e.g. a
 * path or method outside the spec that a check sends on purpose).
 */
export function documentedStatus(api: ApiName, method: string, path: string, status: number): { operationId: string; documented: boolean } | undefined {
  const op = operationsOf(api).find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
  if (!op) return undefined;
  const documented = [String(status), `${String(status)[0]}XX`, 'default'].some((k) => k in op.responses);
  return { operationId: op.operationId, documented };
}
