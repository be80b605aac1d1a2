/**
 * `ordercert explore`: random sequences of an API's operations against a server, every answer judged by a
 * model of what the documents allow; a broken rule is shrunk to the shortest sequence that still breaks it.
 * Exit codes: 0 no rule broken, 1 a rule broken, 2 bad configuration or nothing could be judged.
 */
import { parseArgs } from 'node:util';
import { ruleIndex } from '../framework/catalogue.js';
import { ClockControl } from '../framework/clock.js';
import { ApiClient, type Credentials } from '../framework/http.js';
import { preflight } from '../framework/preflight.js';
import { SUITES, suitesFor } from '../suites.js';
import { loadProfile } from '../framework/profile.js';
import { capabilitiesOf, resolveCapabilities } from '../framework/capabilities.js';
import type { ApiName } from '../framework/types.js';
import { apisOf, baseUrlsOf, CONNECTION_OPTIONS, ConnectionError, tenantsOf } from '../connection.js';
import { explore, type ExploreModel, type ExploreResult } from './engine.js';
import { activationModel } from './model-activation.js';
import { cartModel } from './model-cart.js';
import { ethernetModel } from './model-ethernet.js';
import { exploreReport } from './report.js';

export const MODELS: Record<ApiName, ExploreModel<any>> = { cart: cartModel, activation: activationModel, ethernet: ethernetModel };
export const SCHEMA_RULES: Record<ApiName, string> = { cart: 'CART-RESPONSE-SCHEMA', activation: 'ACT-SCHEMA', ethernet: 'ETH-RESPONSE-SCHEMA' };

export const EXPLORE_USAGE = `usage: ordercert explore [options]   random sequences judged by the rule catalogue; the shortest failing one as curl steps

connection options as for certify: --api NAME, --base-url URL, --cart-url/--activation-url/--ethernet-url URL,
  --tenant-a USER:SECRET, --tenant-b USER:SECRET (or ORDERCERT_TENANT_A/B), --profile FILE, --clock-url URL,
  --timeout MS (per request, default 30000), --strict (SHOULD and MAY findings fail and are shrunk)
  --runs N        sequences per API (default 100)
  --time S        stop starting sequences after S seconds per API
  --seed N        fast-check seed (a run is repeatable with the same seed)
  --path P        with --seed and one --api: rerun exactly the case printed by a failure

exit codes: 0 no rule broken, 1 a rule broken (the shortest sequence that breaks it is printed), 2 bad
arguments, a preflight problem or nothing judged`;

class ConfigError extends Error {}

const whole = (value: string | undefined, flag: string, min: number) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${flag} must be a whole number of at least ${min}`);
  return n;
};

export interface ExploreRun {
  results: ExploreResult[];
  report: string;
  code: number;
}

/** Parses the arguments, runs the preflight and the exploration of each API; never exits the process. */
export async function runExplore(argv: string[], onProgress?: (api: ApiName, tried: number) => void): Promise<ExploreRun> {
  const { values: o } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_OPTIONS,
      profile: { type: 'string', multiple: true },
      'clock-url': { type: 'string' },
      timeout: { type: 'string' },
      strict: { type: 'boolean' },
      runs: { type: 'string' },
      time: { type: 'string' },
      seed: { type: 'string' },
      path: { type: 'string' },
    },
    strict: true,
  });
  const apis = apisOf(o);
  const baseUrls = baseUrlsOf(o, apis);
  const tenants = tenantsOf(o);
  if (!o.profile?.length) throw new ConfigError('--profile FILE is required (see conformance/profiles/reference.yaml)');
  const profile = loadProfile(o.profile);
  const timeoutMs = whole(o.timeout, '--timeout', 1) ?? 30_000;
  const runs = whole(o.runs, '--runs', 1) ?? 100;
  const timeSeconds = whole(o.time, '--time', 1);
  const seed = o.seed === undefined ? undefined : Number(o.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new ConfigError('--seed must be a whole number');
  if (o.path && (seed === undefined || apis.length !== 1)) throw new ConfigError('--path needs --seed and exactly one --api (as printed with the failure)');

  const problems = await preflight({ suites: suitesFor(apis), knownSuites: Object.values(SUITES), baseUrls, tenants, profile, clockUrl: o['clock-url'], timeoutMs });
  if (problems.length) throw new ConfigError(`the set-up is not right, nothing was explored:\n  ${problems.join('\n  ')}`);

  const rules = ruleIndex(apis);
  const clock = new ClockControl(o['clock-url'], false, { timeoutMs });
  const results: ExploreResult[] = [];
  const sections: string[] = [];
  for (const api of apis) {
    const client = (c: Credentials) => new ApiClient(api, baseUrls[api]!, c, SCHEMA_RULES[api], timeoutMs);
    const result = await explore(MODELS[api], {
      clients: [client(tenants[0]), client(tenants[1])],
      clock,
      profile: profile[api] ?? {},
      capabilities: resolveCapabilities(capabilitiesOf(suitesFor(apis)), profile),
      rules,
      strict: !!o.strict,
      timeoutMs,
      runs,
      timeSeconds,
      seed,
      path: o.path,
      onProgress: (tried) => onProgress?.(api, tried),
    });
    results.push(result);
    const urlFlag = o[`${api}-url` as 'cart-url'] ? `--${api}-url ${baseUrls[api]}` : `--base-url ${o['base-url']}`;
    const rerun = ['ordercert explore', `--api ${api}`, urlFlag, ...o.profile.map((p) => `--profile ${p}`), o['clock-url'] ? `--clock-url ${o['clock-url']}` : '', o.strict ? '--strict' : '']
      .filter(Boolean)
      .join(' ');
    sections.push(exploreReport(result, { rules, rerun }));
  }
  const code = results.some((r) => r.failure) ? 1 : results.some((r) => r.error) ? 2 : 0;
  const clockNote = clock.controllable ? '' : '\n(no --clock-url: the server\'s time was not moved, so no hold expired and no order was waited for on purpose)';
  return { results, report: sections.join('\n\n') + clockNote, code };
}

export async function exploreMain(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(EXPLORE_USAGE);
    return 0;
  }
  const tty = process.stderr.isTTY;
  try {
    const run = await runExplore(argv, (api, tried) => {
      const line = `explore ${api}: ${tried} sequences tried`;
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (tried % 25 === 0) process.stderr.write(`${line}\n`);
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    console.log(run.report);
    return run.code;
  } catch (err: any) {
    if (err instanceof ConfigError || err instanceof ConnectionError || err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || /^profile /.test(err?.message ?? '')) {
      console.error(`ordercert explore: ${err.message}\n\n${EXPLORE_USAGE}`);
      return 2;
    }
    throw err;
  }
}
