/**
 * The single executable (npm run build:binary) on a machine state without Node: run from an empty folder with a
 * PATH that holds no node, it certifies the reference server (exit 0) and fails a broken variant by its rule
 * (exit 1). A build newer than every source it is made of is reused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BINARY, buildBinary } from '../../scripts/build-binary.js';
import { REFERENCE_PROFILE, writeUndeclaredProfile } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SOURCES = ['conformance', 'generated', 'specs', 'scripts/build-binary.ts', 'scripts/binary-entry.ts', 'package.json'];
const tenants = ['--tenant-a', 'alpha:alpha-secret', '--tenant-b', 'beta:beta-secret'];

function newestSource(): number {
  let newest = 0;
  for (const source of SOURCES.map((s) => path.join(ROOT, s))) {
    const files = fs.statSync(source).isDirectory() ? fs.readdirSync(source, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : [source];
    for (const file of files) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

describe('the single executable', function () {
  this.timeout(600_000);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-binary-'));
  /** A PATH with no node on it: one empty folder. */
  const pathDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-path-'));
  const run = (...args: string[]) => {
    const r = spawnSync(BINARY, args, { cwd: empty, encoding: 'utf8', timeout: 300_000, env: { PATH: pathDir, HOME: empty } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  let server: TestServer;

  before(async () => {
    if (!fs.existsSync(BINARY) || fs.statSync(BINARY).mtimeMs < newestSource()) await buildBinary();
    fs.copyFileSync(REFERENCE_PROFILE, path.join(empty, 'profile.yaml'));
    writeUndeclaredProfile(path.join(empty, 'undeclared.json'));
    server = await startTestServer();
  });
  after(() => server?.stop());

  it('is one file that runs where no node is on the PATH', () => {
    assert.notEqual(spawnSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: pathDir } }).status, 0, 'node is on the PATH');
    const version = run('--version');
    assert.equal(version.code, 0, version.err);
    assert.equal(version.out.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    const rules = run('rules', '--api', 'cart');
    assert.equal(rules.code, 0, rules.err);
    assert.match(rules.out, /CART-ORDER-ALL-OR-NOTHING {2}\[MUST\]/);
    const serve = run('serve');
    assert.equal(serve.code, 2);
    assert.match(serve.err, /not in the single executable: .*npm install ordercert/);
  });

  it('certifies the reference server (exit 0) and writes the reports', () => {
    const r = run('certify', '--base-url', server.url, ...tenants, '--profile', 'profile.yaml', '--clock-url', server.clockUrl!, '--report-dir', 'reports');
    assert.equal(r.code, 0, r.out.split('\n').slice(-15).join('\n') + r.err.slice(-1500));
    assert.match(r.out, /\bCERTIFIED\b/);
    for (const file of ['report.json', 'junit.xml', 'certificate.html']) assert.ok(fs.existsSync(path.join(empty, 'reports', file)), file);
  });

  it('fails a broken variant by the rule it breaks (exit 1)', async () => {
    const broken = await startTestServer({ variant: 'cart-partial-confirm' });
    try {
      const r = run('certify', '--api', 'cart', '--base-url', broken.url, ...tenants, '--profile', 'undeclared.json', '--clock-url', broken.clockUrl!, '--grep', '^CART-ORDER-ALL-OR-NOTHING$', '--no-color');
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, /FAIL CART-ORDER-ALL-OR-NOTHING/);
      assert.match(r.out, /\/bookings\/\d+\/status: ON_HOLD -> CONFIRMED/);
    } finally {
      await broken.stop();
    }
  });
});
