/**
 * ordercert command line.
 *   ordercert certify --api all --base-url URL --tenant-a user:secret --tenant-b user:secret --profile FILE [...]
 *   ordercert rules [--api NAME]
 * Exit codes: 0 certified, 1 a rule failed, 2 bad configuration or unreachable server (nothing judged),
 * 3 incomplete (nothing failed, but some MUST rules were not judged), 4 the suite itself broke down (reports written).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { citation, ruleIndex } from './framework/catalogue.js';
import { certifySuites, EXIT_CODES, summarize, suiteVersion, type CertificationRun } from './framework/certify.js';
import { listedApiClocks, preflight, PREFLIGHT_MIN_WAIT_MS } from './framework/preflight.js';
import { loadProfile } from './framework/profile.js';
import { unknownProfileKeys } from './framework/profile-keys.js';
import { DEFAULT_CLOCK_CONCURRENCY, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from './framework/runner.js';
import { FAR_ROUND_TRIP_MS, describeOverlap } from './framework/overlap.js';
import type { ApiName, CheckResult } from './framework/types.js';
import { DEFAULT_MAX_BODY_BYTES } from './framework/http.js';
import { apisOf, baseUrlsOf, CONNECTION_OPTIONS, ConnectionError, tenantsOf } from './connection.js';
import { SUITES, suitesFor } from './suites.js';
import { exploreMain } from './explore/cli.js';
import { consoleReport } from './report/console.js';
import { htmlReport } from './report/html.js';
import { junitReport } from './report/junit.js';
import { jsonReport } from './report/json.js';
import { harReport } from './report/har.js';
import { replayMain } from './replay.js';
import { initMain } from './init.js';

const USAGE = `ordercert ${suiteVersion()}: certify an ordering API server against its documented rules

usage:
  ordercert certify [options]     run the conformance suite against a server (ordercert certify --help)
  ordercert init [options]        write a profile from what your server tells (ordercert init --help)
  ordercert rules [--api NAME]    list the rule catalogue (ordercert rules --help)
  ordercert replay REPORT CHECK   send a failed check's requests again and show what differs (ordercert replay --help)
  ordercert explore [options]     random sequences judged by the rule catalogue (ordercert explore --help)
  ordercert serve [--test-clock]  the reference server, with its optional packages installed (ordercert serve --help)
  ordercert pact-verify [options] verify the consumer pacts against a server, with Pact 16 installed
  ordercert --version

exit codes: 0 certified, 1 a rule failed, 2 bad configuration (nothing judged), 3 incomplete, 4 suite error`;

const CERTIFY_USAGE = `usage: ordercert certify [options]

Runs the conformance suite against a server and prints the result by rule.

connection:
  --api NAME           cart, activation, ethernet or all (repeat or comma-separate; default all)
  --base-url URL       the server's root; each API is taken at URL/cart, URL/activation, URL/ethernet
  --cart-url URL       the Cart API's own base URL (overrides --base-url for it); same for
  --activation-url URL   --activation-url (the part before /api/2.3.1) and
  --ethernet-url URL     --ethernet-url
  --tenant-a USER:SECRET   HTTP Basic credentials of the first test tenant (or ORDERCERT_TENANT_A)
  --tenant-b USER:SECRET   a second tenant, for tenancy checks (or ORDERCERT_TENANT_B)
  --profile FILE       your test data (YAML or JSON, sections cart/activation/ethernet); repeatable
  --clock-url URL      your test clock control endpoint (see INTERPRETING.md); without it, time-based
                       checks are not judged unless --slow lets them wait in real time
  --cart-clock-url URL   an API's own test clock, moving that API's time alone (overrides --clock-url for
  --activation-clock-url URL   it); checks of APIs on separate clocks never wait for each other's clock
  --ethernet-clock-url URL     moves (the preflight makes sure moving one leaves the others alone). Without
                       them, the APIs' own clocks that --clock-url lists in its answer ("clocks") are used
  --single-clock       move every API's time at --clock-url, even where it lists clocks of the APIs
  --restart-url URL    POSTed to restart your server (answers 2xx once it is back): judges the rules only a
                       restart can break (see INTERPRETING.md); without it (or --restart-command) they are
                       not judged
  --restart-command CMD  a shell command that restarts your server (exits 0 once it is back)

what is judged:
  --slow               allow checks that wait in real time (minutes); they overlap (see --concurrency)
  --strict             SHOULD rules fail instead of warn
  --grep REGEX         only rules whose ID matches
  --exclude REGEX      leave out rules whose ID matches
  --check REGEX        only checks whose ID matches (the report's check, without its API: e.g.
                       sweep- for the behaviour model's cases); the rules left without a check are not judged
  --timeout MS         a check's budget besides the waits it asks for (default ${DEFAULT_TIMEOUT_MS})
  --concurrency N      how many checks of one API that use only their own data may overlap (default
                       ${DEFAULT_CONCURRENCY}; with a test clock ${DEFAULT_CLOCK_CONCURRENCY} when the clock answers within ${FAR_ROUND_TRIP_MS} ms, else
                       ${DEFAULT_CONCURRENCY}, taking turns at the clock, see INTERPRETING.md; 1 runs every check one by one)
  --max-body BYTES     the longest answer held whole (default ${DEFAULT_MAX_BODY_BYTES}, 16 MiB); a longer one
                       fails the API's response rule and is cut in the reports. The event feed is read
                       item by item and has no such limit

reports:
  --report-dir DIR     also write report.json, junit.xml and certificate.html there
  --junit FILE, --json FILE, --html FILE   write one report to a file
  --har FILE           write every request and answer of the run as a HAR 1.2 file (credentials masked)
  --no-color           plain console output

exit codes: 0 certified (every MUST rule judged, none failed), 1 a rule failed, 2 bad configuration or
an unreachable server (nothing judged; each problem is printed), 3 incomplete (nothing failed, but some
MUST rules were not judged: the report lists them, with how to judge them), 4 suite error (the suite
itself broke down: the reports hold what was judged until then; never a verdict on your server)`;

const RULES_USAGE = `usage: ordercert rules [--api NAME]

Lists the rule catalogue: each rule's ID, level, number of checks, quoted sentence, how ordercert reads
it, and its public source (document title, section and URL).

  --api NAME           cart, activation, ethernet or all (default all)`;

class ConfigError extends Error {}

function listRules(apis: ApiName[]): string {
  const rules = ruleIndex(apis);
  const lines: string[] = [];
  for (const rule of rules.values()) {
    const checks = SUITES[rule.api].checks.filter((c) => c.rule === rule.id).length;
    lines.push(`${rule.id}  [${rule.level}]  (${checks} check${checks === 1 ? '' : 's'})`, `    "${rule.quote}"`);
    if (rule.translation) lines.push(`    in English: "${rule.translation}"`);
    if (rule.reading) lines.push(`    read as: ${rule.reading}`);
    lines.push(`    source: ${citation(rule)}`);
  }
  lines.push('', `${rules.size} rules`);
  return lines.join('\n');
}

function writeFile(file: string, content: string) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content);
}

const regex = (value: string | undefined, flag: string): RegExp | undefined => {
  if (!value) return undefined;
  try {
    return new RegExp(value);
  } catch {
    throw new ConfigError(`${flag} ${value} is not a valid regular expression`);
  }
};

const positiveInt = (value: string | undefined, fallback: number, flag: string, what: string): number => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${flag} must be a positive whole number ${what}`);
  return n;
};

const CERTIFY_OPTIONS = {
  ...CONNECTION_OPTIONS,
  profile: { type: 'string', multiple: true },
  'clock-url': { type: 'string' },
  'cart-clock-url': { type: 'string' },
  'activation-clock-url': { type: 'string' },
  'ethernet-clock-url': { type: 'string' },
  'single-clock': { type: 'boolean' },
  'restart-url': { type: 'string' },
  'restart-command': { type: 'string' },
  slow: { type: 'boolean' },
  strict: { type: 'boolean' },
  grep: { type: 'string' },
  exclude: { type: 'string' },
  check: { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  'max-body': { type: 'string' },
  'report-dir': { type: 'string' },
  junit: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  har: { type: 'string' },
  'list-rules': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Prints progress to stderr: one line per check in CI (no terminal), a rewritten status line on a terminal. */
function progress(result: { outcome: string; rule: string; title: string; durationMs: number }, done: number, total: number) {
  const line = `[${done}/${total}] ${result.outcome.padEnd(4)} ${result.rule} ${result.title} (${result.durationMs} ms)`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
  else process.stderr.write(`${line}\n`);
}

/** Prints the console report and writes the files the options ask for. */
function report(run: CertificationRun, opts: { [K in keyof typeof CERTIFY_OPTIONS]?: any }) {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  console.log(consoleReport(run, !opts['no-color'] && process.stdout.isTTY));
  const dir = opts['report-dir'];
  const outputs: Array<[string | undefined, () => string]> = [
    [opts.json ?? (dir && path.join(dir, 'report.json')), () => jsonReport(run)],
    [opts.har, () => harReport(run)],
    [opts.junit ?? (dir && path.join(dir, 'junit.xml')), () => junitReport(run)],
    [opts.html ?? (dir && path.join(dir, 'certificate.html')), () => htmlReport(run)],
  ];
  for (const [file, render] of outputs) {
    if (!file) continue;
    writeFile(file, render());
    console.log(`wrote ${file}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    console.log(suiteVersion());
    return 0;
  }
  if (!command || command === '-h' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'explore') return exploreMain(rest);
  if (command === 'replay') return replayMain(rest);
  if (command === 'init') return initMain(rest);
  if (command !== 'certify' && command !== 'rules') {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const usage = command === 'rules' ? RULES_USAGE : CERTIFY_USAGE;
  let opts;
  try {
    opts = parseArgs({ args: rest, options: command === 'rules' ? { api: CERTIFY_OPTIONS.api, help: CERTIFY_OPTIONS.help } : CERTIFY_OPTIONS, strict: true })
      .values as { [K in keyof typeof CERTIFY_OPTIONS]?: any };
  } catch (err: any) {
    console.error(`${err.message}\n\n${usage}`);
    return 2;
  }
  if (opts.help) {
    console.log(usage);
    return 0;
  }
  try {
    const apis = apisOf(opts);
    if (command === 'rules' || opts['list-rules']) {
      console.log(listRules(apis));
      return 0;
    }
    const baseUrls = baseUrlsOf(opts, apis);
    const tenants = tenantsOf(opts);
    if (!opts.profile?.length) throw new ConfigError('--profile FILE is required: your test data (see conformance/profiles/reference.yaml for its shape)');
    const profile = loadProfile(opts.profile);
    const grep = regex(opts.grep, '--grep');
    const exclude = regex(opts.exclude, '--exclude');
    const timeoutMs = positiveInt(opts.timeout, DEFAULT_TIMEOUT_MS, '--timeout', 'of milliseconds');
    const concurrency = opts.concurrency === undefined ? undefined : positiveInt(opts.concurrency, DEFAULT_CONCURRENCY, '--concurrency', 'of checks');
    const maxBodyBytes = positiveInt(opts['max-body'], DEFAULT_MAX_BODY_BYTES, '--max-body', 'of bytes');
    const clockUrl: string | undefined = opts['clock-url'];
    const clockUrls: Partial<Record<ApiName, string>> = {};
    for (const api of apis) {
      const own: string | undefined = opts[`${api}-clock-url`];
      if (own && !/^https?:\/\//.test(own)) throw new ConfigError(`--${api}-clock-url must be an http(s) URL, got "${own}"`);
      if (own) clockUrls[api] = own;
    }

    if (clockUrl && !opts['single-clock'] && !Object.keys(clockUrls).length) {
      const listed = await listedApiClocks(clockUrl, apis, Math.max(timeoutMs, PREFLIGHT_MIN_WAIT_MS));
      Object.assign(clockUrls, listed.clocks);
      if (listed.note) console.error(`ordercert: note: ${listed.note}`);
      else if (Object.keys(listed.clocks).length) console.error(`ordercert: note: each API's time is moved on its own clock, as ${clockUrl} lists them (--single-clock moves them all there)`);
    }

    const only = regex(opts.check, '--check');
    const suites = suitesFor(apis).map((suite) => (only ? { ...suite, checks: suite.checks.filter((c) => only.test(c.id)) } : suite));
    const restart = opts['restart-url'] || opts['restart-command'] ? { url: opts['restart-url'], command: opts['restart-command'] } : undefined;
    if (restart?.url && !/^https?:\/\//.test(restart.url)) throw new ConfigError(`--restart-url must be an http(s) URL, got "${restart.url}"`);
    // Capabilities of every API are known: a profile written for several APIs serves a run of one.
    const problems = await preflight({ suites, knownSuites: Object.values(SUITES), baseUrls, tenants, profile, clockUrl, clockUrls, timeoutMs, maxBodyBytes, restart });
    if (problems.length) {
      console.error(`ordercert: the set-up is not ready, so nothing was judged:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      return 2;
    }
    for (const suite of suites) for (const warning of unknownProfileKeys(suite, profile[suite.api])) console.error(`ordercert: note: ${warning}`);

    const options = { suites, baseUrls, tenants, profile, clockUrl, clockUrls, restart, slow: opts.slow, strict: opts.strict, grep, exclude, timeoutMs, concurrency, maxBodyBytes };
    const startedAt = new Date().toISOString();
    const seen: CheckResult[] = [];
    // The last resort: whatever escaped the runner (a bug of the suite) still ends with the reports of what was judged.
    const lastResort = (error: unknown) => {
      const run = summarize(options, seen, startedAt, `${(error as Error)?.stack ?? error}`);
      try {
        report(run, opts);
      } finally {
        process.exit(EXIT_CODES['SUITE ERROR']);
      }
    };
    process.on('unhandledRejection', lastResort);
    process.on('uncaughtException', lastResort);
    const run = await certifySuites({
      ...options,
      onOverlap: (overlap) => console.error(`ordercert: note: ${describeOverlap(overlap)}`),
      onResult: (result, done, total) => {
        seen.push(result);
        progress(result, done, total);
      },
    });
    report(run, opts);
    return EXIT_CODES[run.verdict];
  } catch (err: any) {
    if (err instanceof ConfigError || err instanceof ConnectionError || /^profile /.test(err?.message ?? '')) {
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
