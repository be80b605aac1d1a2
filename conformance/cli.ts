/**
 * ordercert command line.
 *   ordercert certify --api all --base-url URL --tenant-a user:secret --tenant-b user:secret --profile FILE [...]
 *   ordercert rules [--api NAME]
 * Exit codes: 0 certified, 1 a rule failed, 2 bad configuration or unreachable server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ruleIndex } from './framework/catalogue.js';
import { certify, suiteVersion } from './framework/certify.js';
import { loadProfile } from './framework/profile.js';
import { API_NAMES, type ApiName } from './framework/types.js';
import type { Credentials } from './framework/http.js';
import { SUITES } from './suites.js';
import { consoleReport } from './report/console.js';
import { htmlReport } from './report/html.js';
import { junitReport } from './report/junit.js';

const USAGE = `ordercert ${suiteVersion()}: certify an ordering API server against its documented rules

usage:
  ordercert certify [options]     run the conformance suite against a server
  ordercert rules [--api NAME]    list the rule catalogue (same as certify --list-rules)

options:
  --api NAME           cart, activation, ethernet or all (repeat or comma-separate; default all)
  --base-url URL       the server's root; each API is taken at URL/cart, URL/activation, URL/ethernet
  --cart-url URL       the Cart API's own base URL (overrides --base-url for it); same for
  --activation-url URL   --activation-url (the part before /api/2.3.1) and
  --ethernet-url URL     --ethernet-url
  --tenant-a USER:SECRET   HTTP Basic credentials of the first test tenant (or ORDERCERT_TENANT_A)
  --tenant-b USER:SECRET   a second tenant, for tenancy checks (or ORDERCERT_TENANT_B)
  --profile FILE       your test data (YAML or JSON, sections cart/activation/ethernet); repeatable
  --clock-url URL      your test clock control endpoint (see INTERPRETING.md); without it, time-based
                       checks are not run unless --slow lets them wait in real time
  --slow               allow checks that wait in real time (minutes)
  --strict             SHOULD rules fail instead of warn
  --grep REGEX         only rules whose ID matches
  --timeout MS         per-check timeout (default 30000)
  --report-dir DIR     also write report.json, junit.xml and certificate.html there
  --junit FILE, --json FILE, --html FILE   write one report to a file
  --list-rules         print the rule catalogue and exit
  --no-color           plain console output
  -h, --help`;

class ConfigError extends Error {}

function parseCredentials(value: string | undefined, flag: string): Credentials {
  if (!value) throw new ConfigError(`${flag} is required (USER:SECRET), or set ORDERCERT_${flag === '--tenant-a' ? 'TENANT_A' : 'TENANT_B'}`);
  const at = value.indexOf(':');
  if (at <= 0) throw new ConfigError(`${flag} must be USER:SECRET`);
  return { user: value.slice(0, at), secret: value.slice(at + 1) };
}

function parseApis(values: string[] | undefined): ApiName[] {
  const names = (values?.length ? values : ['all']).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const apis = new Set<ApiName>();
  for (const name of names) {
    if (name === 'all') API_NAMES.forEach((a) => apis.add(a));
    else if ((API_NAMES as string[]).includes(name)) apis.add(name as ApiName);
    else throw new ConfigError(`--api ${name}: expected one of ${API_NAMES.join(', ')}, all`);
  }
  return API_NAMES.filter((a) => apis.has(a));
}

function listRules(apis: ApiName[]): string {
  const rules = ruleIndex(apis);
  const lines: string[] = [];
  for (const rule of rules.values()) {
    const checks = SUITES[rule.api].checks.filter((c) => c.rule === rule.id).length;
    lines.push(`${rule.id}  [${rule.level}]  ${rule.source}  (${checks} check${checks === 1 ? '' : 's'})`, `    "${rule.quote}"`);
    if (rule.translation) lines.push(`    in English: "${rule.translation}"`);
  }
  lines.push('', `${rules.size} rules`);
  return lines.join('\n');
}

/** Any HTTP answer proves the server is there; only a failed connection or timeout does not. */
async function reachable(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5000) });
    return undefined;
  } catch (err: any) {
    return err?.cause?.code ?? err?.name ?? String(err);
  }
}

function writeFile(file: string, content: string) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'certify' && command !== 'rules') {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let opts;
  try {
    opts = parseArgs({
      args: rest,
      options: {
        api: { type: 'string', multiple: true },
        'base-url': { type: 'string' },
        'cart-url': { type: 'string' },
        'activation-url': { type: 'string' },
        'ethernet-url': { type: 'string' },
        'tenant-a': { type: 'string' },
        'tenant-b': { type: 'string' },
        profile: { type: 'string', multiple: true },
        'clock-url': { type: 'string' },
        slow: { type: 'boolean' },
        strict: { type: 'boolean' },
        grep: { type: 'string' },
        timeout: { type: 'string' },
        'report-dir': { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        'list-rules': { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err: any) {
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const apis = parseApis(opts.api);
    if (command === 'rules' || opts['list-rules']) {
      console.log(listRules(apis));
      return 0;
    }
    const baseUrls: Partial<Record<ApiName, string>> = {};
    for (const api of apis) {
      const own = opts[`${api}-url` as 'cart-url'];
      const root = opts['base-url'];
      if (!own && !root) throw new ConfigError(`no URL for the ${api} API: give --base-url or --${api}-url`);
      const url = own ?? `${root!.replace(/\/$/, '')}/${api}`;
      if (!/^https?:\/\//.test(url)) throw new ConfigError(`--${own ? `${api}-url` : 'base-url'} must be an http(s) URL, got "${url}"`);
      baseUrls[api] = url.replace(/\/$/, '');
    }
    const tenants: [Credentials, Credentials] = [
      parseCredentials(opts['tenant-a'] ?? process.env.ORDERCERT_TENANT_A, '--tenant-a'),
      parseCredentials(opts['tenant-b'] ?? process.env.ORDERCERT_TENANT_B, '--tenant-b'),
    ];
    if (tenants[0].user === tenants[1].user) throw new ConfigError('--tenant-a and --tenant-b must be two different tenants');
    if (!opts.profile?.length) throw new ConfigError('--profile FILE is required: your test data (see conformance/profiles/reference.yaml for its shape)');
    const profile = loadProfile(opts.profile);
    const missing = apis.filter((a) => !profile[a]);
    if (missing.length) throw new ConfigError(`the profile has no section for ${missing.join(', ')}; add it or leave that API out with --api`);
    let grep: RegExp | undefined;
    if (opts.grep) {
      try {
        grep = new RegExp(opts.grep);
      } catch {
        throw new ConfigError(`--grep ${opts.grep} is not a valid regular expression`);
      }
    }
    const timeoutMs = opts.timeout ? Number(opts.timeout) : 30_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigError('--timeout must be a positive whole number of milliseconds');
    for (const [api, url] of Object.entries(baseUrls)) {
      const problem = await reachable(url);
      if (problem) throw new ConfigError(`the ${api} API at ${url} is unreachable (${problem}): is the server running, and is the URL right?`);
    }
    if (opts['clock-url']) {
      const problem = await reachable(opts['clock-url']);
      if (problem) throw new ConfigError(`the test clock at ${opts['clock-url']} is unreachable (${problem})`);
    }

    const tty = process.stderr.isTTY;
    const run = await certify({
      apis,
      baseUrls,
      tenants,
      profile,
      clockUrl: opts['clock-url'],
      slow: opts.slow,
      strict: opts.strict,
      grep,
      timeoutMs,
      onResult: (result, done, total) => {
        const line = `[${done}/${total}] ${result.outcome.padEnd(4)} ${result.rule} ${result.title}`;
        if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
        else if (result.outcome !== 'pass') process.stderr.write(`${line}\n`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    console.log(consoleReport(run, !opts['no-color'] && process.stdout.isTTY));
    const dir = opts['report-dir'];
    const outputs: Array<[string | undefined, () => string]> = [
      [opts.json ?? (dir && path.join(dir, 'report.json')), () => JSON.stringify(run, null, 2) + '\n'],
      [opts.junit ?? (dir && path.join(dir, 'junit.xml')), () => junitReport(run)],
      [opts.html ?? (dir && path.join(dir, 'certificate.html')), () => htmlReport(run)],
    ];
    for (const [file, render] of outputs) {
      if (!file) continue;
      writeFile(file, render());
      console.log(`wrote ${file}`);
    }
    return run.certified ? 0 : 1;
  } catch (err: any) {
    if (err instanceof ConfigError || /^profile /.test(err?.message ?? '')) {
      console.error(`ordercert: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === new URL(import.meta.url).pathname) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
