/**
 * Checks that every interaction of a pact is allowed by the API's OpenAPI spec, so that a pact never pins
 * behaviour the contract does not promise:
 *   - the request's method and path name an operation of the spec (path parameters valid against their schemas);
 *   - every query parameter is declared by the operation and valid against its schema; required ones are there;
 *   - the request body is valid against the operation's request schema (request_<operationId>), and there is a
 *     body exactly when the operation takes one (a required body must be sent);
 *   - the response status (each status a status matcher allows) is documented for the operation;
 *   - the response body, when the pact has one, is valid against response_<operationId>_<status>.
 * Bodies are checked as the pact's example values; the matchers only ever loosen them (type, regex), so a
 * vendor answer that satisfies a pact whose examples are valid is never forced outside the spec by the example.
 */
import fs from 'node:fs';
import path from 'node:path';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import YAML from 'yaml';
import * as activationValidators from '../../generated/activation/validators.js';
import * as cartValidators from '../../generated/cart/validators.js';
import * as ethernetValidators from '../../generated/ethernet/validators.js';
import { ROOT, type ApiName } from './support.js';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

type ValidatorModule = { operations: Array<{ operationId: string; method: string; path: string; request?: string; responses: Record<string, string> }> } & Record<
  string,
  unknown
>;
export const VALIDATORS: Record<ApiName, ValidatorModule> = {
  cart: cartValidators as unknown as ValidatorModule,
  activation: activationValidators as unknown as ValidatorModule,
  ethernet: ethernetValidators as unknown as ValidatorModule,
};

export interface PactInteraction {
  description: string;
  type?: string;
  request: { method: string; path: string; query?: Record<string, string[] | string>; body?: { content?: unknown } | unknown };
  response: { status: number; body?: { content?: unknown } | unknown; matchingRules?: Record<string, any> };
}
export interface PactDocument {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactInteraction[];
}

export interface SpecProblem {
  interaction: string;
  problem: string;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const templateRegex = (template: string) =>
  new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, '(?<$1>[^/]+)').replace(/\{([^}]+)\}/g, '(?<$1>[^/]+)') + '$');

/** V4 pact bodies are `{ content, contentType, encoded }`; older ones are the JSON itself. */
function bodyOf(body: unknown): { present: boolean; value?: unknown } {
  if (body === undefined || body === null) return { present: false };
  if (typeof body === 'object' && body !== null && 'content' in body) {
    const b = body as { content?: unknown; encoded?: unknown };
    if (b.content === undefined) return { present: false };
    if (typeof b.content === 'string' && b.encoded === 'base64') return { present: true, value: JSON.parse(Buffer.from(b.content, 'base64').toString('utf8')) };
    return { present: true, value: b.content };
  }
  return { present: true, value: body };
}

const describeErrors = (v: ValidateFunction) =>
  (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}`)
    .join('; ');

/** The spec-checking context of one API: its parsed spec, parameter validators, and generated body validators. */
export class SpecChecker {
  private readonly spec: any;
  private readonly ajv: InstanceType<typeof Ajv>;
  private readonly paramValidators = new Map<string, ValidateFunction>();

  constructor(
    readonly api: ApiName,
    private readonly validators: ValidatorModule = VALIDATORS[api],
  ) {
    this.spec = YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', api, 'openapi.yaml'), 'utf8'));
    this.ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.spec, 'spec');
  }

  /** The parameters of an operation (path-level and operation-level, $refs resolved), with a JSON pointer to each schema. */
  private parameters(specPath: string, method: string): Array<{ name: string; in: string; required: boolean; pointer: string }> {
    const base = `#/paths/${escapePointer(specPath)}`;
    const item = this.spec.paths[specPath];
    const collect = (list: any[] | undefined, at: string) =>
      (list ?? []).map((p: any, i: number) => {
        if (p.$ref) {
          const resolved = p.$ref.split('/').slice(1).reduce((o: any, k: string) => o?.[k], this.spec);
          return { name: resolved.name, in: resolved.in, required: !!resolved.required, pointer: `spec${p.$ref}/schema` };
        }
        return { name: p.name, in: p.in, required: !!p.required, pointer: `spec${at}/parameters/${i}/schema` };
      });
    const merged = new Map<string, { name: string; in: string; required: boolean; pointer: string }>();
    for (const p of [...collect(item.parameters, base), ...collect(item[method]?.parameters, `${base}/${method}`)]) merged.set(`${p.in}:${p.name}`, p);
    return [...merged.values()];
  }

  private paramValidator(pointer: string): ValidateFunction {
    let v = this.paramValidators.get(pointer);
    if (!v) {
      // Wrapped in an object so that coerceTypes can turn the URL's strings into the schema's numbers and booleans.
      v = this.ajv.compile({ type: 'object', properties: { value: { $ref: pointer } } });
      this.paramValidators.set(pointer, v);
    }
    return v;
  }

  private validator(name: string): ValidateFunction | undefined {
    const v = this.validators[name];
    return typeof v === 'function' ? (v as ValidateFunction) : undefined;
  }

  /** Every way one interaction goes beyond the spec (empty when the spec allows it). */
  checkInteraction(interaction: PactInteraction): string[] {
    const problems: string[] = [];
    const { request, response } = interaction;
    const method = request.method.toUpperCase();
    const requestPath = request.path.split('?')[0];
    const candidates = this.validators.operations
      .filter((op) => op.method === method)
      .map((op) => ({ op, match: templateRegex(op.path).exec(requestPath) }))
      .filter((c) => c.match)
      .sort((a, b) => (a.op.path.match(/\{/g)?.length ?? 0) - (b.op.path.match(/\{/g)?.length ?? 0));
    if (candidates.length === 0) return [`${method} ${requestPath} is not an operation of specs/${this.api}/openapi.yaml`];
    const { op, match } = candidates[0];
    const where = `${op.operationId} (${method} ${op.path})`;
    const params = this.parameters(op.path, method.toLowerCase());

    for (const p of params.filter((p) => p.in === 'path')) {
      const value = decodeURIComponent(match!.groups?.[p.name] ?? '');
      const v = this.paramValidator(p.pointer);
      if (!v({ value })) problems.push(`${where}: path parameter ${p.name}="${value}" is not allowed: ${describeErrors(v)}`);
    }
    const query = request.query ?? {};
    for (const [name, raw] of Object.entries(query)) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        problems.push(`${where}: query parameter "${name}" is not declared by the operation`);
        continue;
      }
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        const v = this.paramValidator(p.pointer);
        if (!v({ value })) problems.push(`${where}: query parameter ${name}="${value}" is not allowed: ${describeErrors(v)}`);
      }
    }
    for (const p of params.filter((p) => p.in === 'query' && p.required)) {
      if (!(p.name in query)) problems.push(`${where}: required query parameter "${p.name}" is missing`);
    }

    const requestBody = bodyOf(request.body);
    const opSpec = this.spec.paths[op.path][method.toLowerCase()];
    if (op.request) {
      const v = this.validator(op.request)!;
      if (!requestBody.present) {
        if (opSpec.requestBody?.required) problems.push(`${where}: the spec requires a request body and the pact sends none`);
      } else if (!v(requestBody.value)) problems.push(`${where}: request body is not valid: ${describeErrors(v)}`);
    } else if (requestBody.present) {
      problems.push(`${where}: the pact sends a JSON request body, the operation takes none`);
    }

    const statuses = new Set<number>([response.status]);
    for (const m of response.matchingRules?.status?.matchers ?? []) {
      if (m.match !== 'statusCode') continue;
      if (Array.isArray(m.status)) for (const s of m.status) statuses.add(Number(s));
      else problems.push(`${where}: the response status matcher allows a whole class ("${m.status}"); list the documented statuses instead`);
    }
    const documented = Object.keys(opSpec.responses ?? {});
    const isDocumented = (s: number) => documented.includes(String(s)) || documented.includes(`${String(s)[0]}XX`) || documented.includes('default');
    for (const s of statuses) if (!isDocumented(s)) problems.push(`${where}: status ${s} is not documented (documented: ${documented.join(', ')})`);

    const responseBody = bodyOf(response.body);
    if (responseBody.present) {
      const name = op.responses[String(response.status)];
      const v = name ? this.validator(name) : undefined;
      if (!v) {
        if (isDocumented(response.status)) problems.push(`${where}: the spec documents no JSON body for status ${response.status}, the pact expects one`);
      } else if (!v(responseBody.value)) {
        problems.push(`${where}: ${response.status} response body is not valid: ${describeErrors(v)}`);
      }
    }
    return problems;
  }

  check(pact: PactDocument): SpecProblem[] {
    return pact.interactions.flatMap((i) => this.checkInteraction(i).map((problem) => ({ interaction: i.description, problem })));
  }
}

/** Checks a pact file of an API against the API's spec. */
export function checkPactFile(api: ApiName, file: string): SpecProblem[] {
  return new SpecChecker(api).check(JSON.parse(fs.readFileSync(file, 'utf8')) as PactDocument);
}

export const describeProblems = (problems: SpecProblem[]) => problems.map((p) => `  - ${p.interaction}: ${p.problem}`).join('\n');
