/**
 * The package as a vendor installs it: `npm pack` (which builds dist/), installed into an empty folder with
 * --omit=dev, then the installed `ordercert` bin and a consumer of a generated client, with no TypeScript, tsx,
 * mocha or server package at run time. `npm run smoke:package` runs this file alone.
 *
 * The reference server it certifies is the installed package's own `ordercert serve`. Its packages are optional
 * peers; rather than compiling sqlite3 again, they are linked in from this checkout's node_modules (Node resolves a
 * linked package from its real folder, so their own dependencies come from there too).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { freePort } from '../helpers/pg.js';
import { startReferenceProvider } from '../pact/provider.js';
import { startStateServer } from '../pact/state-server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const SERVER_PEERS = ['express', 'express-openapi-validator', 'knex', 'sqlite3', 'pg', 'swagger-ui-dist'];
const DEV_ONLY = ['typescript', 'tsx', 'mocha', '@pact-foundation/pact', ...SERVER_PEERS];
const tenants = ['--tenant-a', 'alpha:alpha-secret', '--tenant-b', 'beta:beta-secret'];

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 400_000 });
  return { code: result.status, out: result.stdout ?? '', err: result.stderr ?? '' };
}

/** Like run(), without blocking this process (which may be serving the command's target). */
function runAsync(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Total size of a folder's files, in bytes (symbolic links not followed). */
function folderSize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Median wall time of a command over several runs, in ms. */
function medianMs(command: string, args: string[], cwd: string, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    assert.equal(run(command, args, cwd).code, 0);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

describe('the packed package, installed with --omit=dev', function () {
  this.timeout(600_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-package-'));
  const app = path.join(tmp, 'app');
  const bin = path.join(app, 'node_modules', '.bin', 'ordercert');
  const installed = path.join(app, 'node_modules', 'ordercert');
  let installLog = '';
  let server: ChildProcess | undefined;
  let serverUrl = '';

  before(() => {
    const packed = run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT);
    assert.equal(packed.code, 0, packed.out + packed.err);
    // stdout holds the prepack build's lines, then the JSON report, which starts on a line of its own.
    const [{ filename, files }] = JSON.parse(packed.out.slice(packed.out.search(/^\[\s*$/m)));
    const paths: string[] = files.map((f: { path: string }) => f.path);
    assert.ok(paths.includes('dist/conformance/cli.js') && paths.includes('dist/generated/cart/validators.js'), 'the build is packed');
    assert.deepEqual(paths.filter((p) => /^(test|bench|\.ci|src|conformance\/(?!profiles\/)|scripts)\//.test(p) || p.endsWith('.ts') && !p.endsWith('.d.ts')), [], 'no sources or tests packed');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'ordercert-consumer', private: true, type: 'module' }));
    const install = run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--foreground-scripts', '--prefer-offline', path.join(tmp, filename)], app, {
      PACT_DO_NOT_TRACK: 'true',
    });
    installLog = install.out + install.err;
    assert.equal(install.code, 0, installLog);
  });

  after(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installs without a native build and without the server, Pact, TypeScript or mocha', () => {
    assert.doesNotMatch(installLog, /node-gyp|gyp info|prebuild/);
    const modules = path.join(app, 'node_modules');
    const addons = fs.readdirSync(modules, { recursive: true }).filter((f) => String(f).endsWith('.node'));
    assert.deepEqual(addons, [], 'no native addon installed');
    const installScripts = fs
      .readdirSync(modules, { recursive: true })
      .map(String)
      .filter((f) => /^(@[^/]+\/)?[^/@]+\/package\.json$/.test(f))
      .filter((f) => ['preinstall', 'install', 'postinstall'].some((k) => JSON.parse(fs.readFileSync(path.join(modules, f), 'utf8')).scripts?.[k]));
    assert.deepEqual(installScripts, [], 'no package runs a script at install');
    assert.deepEqual(DEV_ONLY.filter((name) => fs.existsSync(path.join(modules, name))), []);
    const nodeE0 = medianMs(process.execPath, ['-e', '0'], app);
    const version = medianMs(bin, ['--version'], app);
    const help = medianMs(bin, ['--help'], app);
    console.log(
      `      installed size ${(folderSize(modules) / 1e6).toFixed(1)} MB; medians of 7 runs: node -e 0 ${nodeE0.toFixed(0)} ms, ` +
        `ordercert --version ${version.toFixed(0)} ms, ordercert --help ${help.toFixed(0)} ms (loads the whole suite)`,
    );
  });

  it('prints its version and the rule catalogue', () => {
    const version = run(bin, ['--version'], app);
    assert.equal(version.code, 0, version.err);
    assert.equal(version.out.trim(), pkg.version);
    const rules = run(bin, ['rules'], app);
    assert.equal(rules.code, 0, rules.err);
    for (const api of ['cart', 'activation', 'ethernet']) {
      for (const rule of YAML.parse(fs.readFileSync(path.join(ROOT, 'specs', api, 'rules.yaml'), 'utf8')).rules) {
        assert.ok(rules.out.includes(rule.id), `${rule.id} listed`);
      }
    }
  });

  it('says what to install when `serve` or `pact-verify` is used without their packages', () => {
    const serve = run(bin, ['serve'], app);
    assert.equal(serve.code, 2);
    assert.match(serve.err, /npm install express@.* sqlite3@.* swagger-ui-dist@/);
    const verify = run(bin, ['pact-verify', '--api', 'cart', '--base-url', 'http://127.0.0.1:9', '--state-url', 'http://127.0.0.1:9', '--user', 'a', '--password', 'b'], app);
    assert.equal(verify.code, 2);
    assert.match(verify.err, /npm install @pact-foundation\/pact@16/);
  });

  it('serves the reference server with `ordercert serve` once its packages are there, and certifies it', async () => {
    for (const name of SERVER_PEERS) fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(app, 'node_modules', name), 'dir');
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    const { ORDERCERT_DEMO: _demo, DATABASE_URL: _database, ...env } = process.env; // the defaults are what is tested
    server = spawn(bin, ['serve', '--test-clock'], {
      cwd: app,
      env: { ...env, PORT: String(port), SQLITE_FILE: path.join(tmp, 'reference.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('ordercert reference server on')) resolve();
      };
      server!.stdout!.on('data', seen);
      server!.stderr!.on('data', seen);
      server!.once('exit', (code) => reject(new Error(`ordercert serve exited ${code}: ${output}`)));
    });
    assert.match(output, /alpha:alpha-secret/, 'demo tenants by default');
    const docs = await fetch(`${serverUrl}/docs/assets/swagger-ui-bundle.js`);
    assert.equal(docs.status, 200);
    const certify = run(bin, [
      'certify', '--api', 'all', '--base-url', serverUrl, ...tenants,
      '--profile', path.join(installed, 'conformance', 'profiles', 'reference.yaml'), '--clock-url', `${serverUrl}/__clock`, '--no-color', '--timeout', '60000',
    ], app);
    assert.equal(certify.code, 0, certify.out.split('\n').slice(-60).join('\n') + certify.err.split('\n').filter((l) => !/^\[\d+\/\d+\] pass /.test(l)).join('\n'));
    assert.match(certify.out, /\bCERTIFIED\b/);
    assert.doesNotMatch(certify.out, /NOT CERTIFIED|INCOMPLETE/);
  });

  it('gives a consumer typed clients that stand alone', () => {
    assert.ok(serverUrl, 'needs the server of the previous test');
    fs.writeFileSync(
      path.join(app, 'consumer.ts'),
      `import { createEthernetClient, EthernetClientError } from 'ordercert/clients/ethernet';
import { createActivationClient } from 'ordercert/clients/activation';

const base = process.env.ORDERCERT_URL!;
const ethernet = createEthernetClient({ baseUrl: base + '/ethernet', user: 'alpha', secret: 'alpha-secret' });
const answer = await ethernet.ok(ethernet.GET('/orders', { params: { query: { limit: 10 } } }));
// The list object, or one order when asked by id or pon: the union type makes the consumer tell them apart.
const ids: string[] = 'items' in answer ? answer.items.map((o) => o.id) : [answer.id];
let status = 0;
let objectType = '';
try {
  await ethernet.ok(ethernet.GET('/orders/{id}', { params: { path: { id: 'no-such-order' } } }));
} catch (err) {
  if (!(err instanceof EthernetClientError)) throw err;
  status = err.status;
  objectType = err.body.objectType;
}
const activation = createActivationClient({ baseUrl: base + '/activation', user: 'beta', secret: 'beta-secret' });
const services = await activation.ok(activation.GET('/api/2.3.1/services/'));
console.log(JSON.stringify({ orders: ids.length, status, objectType, services: services.length }));
`,
    );
    fs.writeFileSync(path.join(app, 'process.d.ts'), 'declare const process: { env: Record<string, string | undefined> };\n');
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    // The consumer's own compiler settings: nothing of ours but the installed package (no @types, no skipLibCheck).
    const compilerOptions = { strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: [], outDir: 'out' };
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts', 'process.d.ts'] }));
    const compiled = run(process.execPath, [tsc, '-p', app], app);
    assert.equal(compiled.code, 0, compiled.out + compiled.err);
    const consumer = run(process.execPath, ['out/consumer.js'], app, { ORDERCERT_URL: serverUrl });
    assert.equal(consumer.code, 0, consumer.err);
    const result = JSON.parse(consumer.out);
    assert.equal(result.status, 404);
    assert.equal(result.objectType, 'errorResponse');
    assert.ok(Number.isInteger(result.orders) && Number.isInteger(result.services));
  });

  it('verifies the shipped pacts with `ordercert pact-verify` once Pact is there', async () => {
    fs.symlinkSync(path.join(ROOT, 'node_modules', '@pact-foundation'), path.join(app, 'node_modules', '@pact-foundation'), 'dir');
    // A vendor's server by URL, with its own provider-state endpoint (docs/PACT.md) and a password the pacts were
    // not recorded with: verification passes only if pact-verify sends the vendor's credentials.
    const provider = await startReferenceProvider(undefined, { ORDERCERT_TENANTS: 'alpha:vendor-own-secret' });
    const states = await startStateServer(provider);
    try {
      const verify = await runAsync(bin, [
        'pact-verify', '--api', 'cart', '--base-url', provider.baseUrl('cart'), '--state-url', states.url, '--user', 'alpha', '--password', 'vendor-own-secret',
      ], app, { PACT_DO_NOT_TRACK: 'true' });
      assert.equal(verify.code, 0, verify.out + verify.err);
      assert.match(verify.out, /every interaction of the pact verified/);
      assert.ok(states.seen.length > 0, 'provider states were set up through the state URL');
    } finally {
      await states.close();
      await provider.close();
    }
  });
});
