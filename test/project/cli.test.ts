/** The `ordercert` command as a vendor runs it: exit codes, reports, and its messages. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REFERENCE_PROFILE, writeUndeclaredProfile } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-cli-'));
const profileFile = REFERENCE_PROFILE;

function ordercert(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/ordercert.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 400_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const tenants = ['--tenant-a', 'alpha:alpha-secret', '--tenant-b', 'beta:beta-secret'];

describe('ordercert CLI', function () {
  this.timeout(420_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('certifies the reference server (exit 0) and writes JSON, JUnit and HTML reports', () => {
    const dir = path.join(tmp, 'reports');
    const run = ordercert('certify', '--api', 'all', '--base-url', server.url, ...tenants, '--profile', profileFile, '--clock-url', server.clockUrl!, '--report-dir', dir);
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /CERTIFIED/);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    assert.equal(report.certified, true);
    assert.deepEqual(report.apis, ['cart', 'activation', 'ethernet']);
    assert.ok(report.rules.length > 10);
    const junit = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    assert.match(junit, /<testsuite name="ordercert cart"/);
    assert.doesNotMatch(junit, /<failure/);
    const html = fs.readFileSync(path.join(dir, 'certificate.html'), 'utf8');
    assert.match(html, /CERTIFIED/);
    assert.match(html, /Spec SHA-256: <code>[0-9a-f]{64}<\/code>/);
  });

  it('exits 1 and names the broken rule with its quote and a curl command when a rule fails', async () => {
    const broken = await startTestServer({ variant: 'cart-partial-confirm' });
    try {
      const undeclared = writeUndeclaredProfile(path.join(tmp, 'undeclared.json'));
      const run = ordercert('certify', '--api', 'cart', '--base-url', broken.url, ...tenants, '--profile', undeclared, '--clock-url', broken.clockUrl!, '--grep', '^CART-ORDER-ALL-OR-NOTHING$', '--no-color');
      assert.equal(run.code, 1, run.out + run.err);
      assert.match(run.out, /FAIL CART-ORDER-ALL-OR-NOTHING/);
      assert.match(run.out, /rule: "/);
      assert.match(run.out, /replay \(\d+ requests[^\n]*\n\s+#!\/bin\/sh/);
      assert.match(run.out, /NOT CERTIFIED/);
    } finally {
      await broken.stop();
    }
  });

  it('--check judges only the checks whose ID matches; a rule left without one is not judged', () => {
    const dir = path.join(tmp, 'one-check');
    const run = ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', profileFile, '--clock-url', server.clockUrl!, '--grep', '^CART-ORDER-(READ|ALL-OR-NOTHING)$', '--check', '^all-or-nothing-confirm-with-cancelled-booking$', '--report-dir', dir, '--no-color');
    assert.equal(run.code, 3, run.out + run.err);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    assert.deepEqual(report.results.map((r: any) => `${r.check} ${r.outcome}`), ['cart/all-or-nothing-confirm-with-cancelled-booking pass']);
    assert.ok(report.unjudged.some((u: any) => u.rule === 'CART-ORDER-READ'));
    const bad = ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', profileFile, '--check', '(');
    assert.equal(bad.code, 2, bad.out + bad.err);
    assert.match(bad.err, /--check/);
  });

  it('exits 2 with a message saying what to fix when the server is unreachable', () => {
    const run = ordercert('certify', '--api', 'cart', '--base-url', 'http://127.0.0.1:9', ...tenants, '--profile', profileFile);
    assert.equal(run.code, 2);
    assert.match(run.err, /unreachable .*is the server running/);
  });

  it('says once which test clock did not answer', () => {
    const dead = 'http://127.0.0.1:9/__clock';
    const run = ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', profileFile, '--clock-url', dead);
    assert.equal(run.code, 2, run.out + run.err);
    const line = run.err.split('\n').find((l) => l.includes(dead));
    assert.ok(line, run.err);
    assert.equal(line.split(dead).length - 1, 1, line);
    assert.match(line, /the test clock at http:\/\/127\.0\.0\.1:9\/__clock did not answer/);
  });

  it("certifies rules about time with each API's own clock, and refuses two clock URLs that move together", () => {
    // The cart's holds expire and the activation's orders finish on their own clocks only if the server reads them.
    const own = ordercert('certify', '--api', 'cart,activation', '--base-url', server.url, ...tenants, '--profile', profileFile,
      '--cart-clock-url', server.clockUrls!.cart, '--activation-clock-url', server.clockUrls!.activation, '--grep', '^(CART-ORDER-EXPIRES|ACT-ORDER-RECEIVED-POLLABLE)$', '--no-color');
    assert.equal(own.code, 0, own.out + own.err);
    assert.match(own.out, /CERTIFIED/);
    // The same clock under two names: moving one moves the other.
    const alias = server.clockUrl!.replace('127.0.0.1', 'localhost');
    const shared = ordercert('certify', '--api', 'cart,activation', '--base-url', server.url, ...tenants, '--profile', profileFile,
      '--cart-clock-url', server.clockUrl!, '--activation-clock-url', alias, '--grep', '^CART-ORDER-EXPIRES$', '--no-color');
    assert.equal(shared.code, 2, shared.out + shared.err);
    assert.match(shared.err, /the test clock given for activation \(http:\/\/localhost:\d+\/__clock\) moved when the one given for cart .* was advanced/);
  });

  it("moves each API's time on the clocks --clock-url lists, unless --single-clock", () => {
    const args = ['certify', '--api', 'cart,activation', '--base-url', server.url, ...tenants, '--profile', profileFile,
      '--clock-url', server.clockUrl!, '--grep', '^(CART-ORDER-EXPIRES|ACT-ORDER-RECEIVED-POLLABLE)$', '--no-color'];
    const listed = ordercert(...args);
    assert.equal(listed.code, 0, listed.out + listed.err);
    assert.match(listed.err, /each API's time is moved on its own clock, as http:\/\/127\.0\.0\.1:\d+\/__clock lists them/);
    // A server on this machine: the small overlap, said.
    assert.match(listed.err, /note: up to 4 checks of each API at once: the test clock answers within 20 ms/);
    const single = ordercert(...args, '--single-clock');
    assert.equal(single.code, 0, single.out + single.err);
    assert.doesNotMatch(single.err, /own clock/);
  });

  it('answers --help for every command, with its exit codes', () => {
    for (const command of ['certify', 'replay', 'explore', 'pact-verify', 'init']) {
      const run = ordercert(command, '--help');
      assert.equal(run.code, 0, `${command} --help: ${run.out}${run.err}`);
      assert.match(run.out, /^usage: ordercert /, command);
      assert.match(run.out, /\nexit codes: \d /, command);
    }
  });

  it('exits 2 on bad configuration: missing profile, unknown API, one tenant only', () => {
    assert.match(ordercert('certify', '--base-url', server.url, ...tenants).err, /--profile FILE is required/);
    assert.equal(ordercert('certify', '--api', 'nope', '--base-url', server.url, ...tenants, '--profile', profileFile).code, 2);
    const one = ordercert('certify', '--base-url', server.url, '--tenant-a', 'alpha:alpha-secret', '--profile', profileFile);
    assert.equal(one.code, 2);
    assert.match(one.err, /--tenant-b is required/);
  });

  it('lists the rule catalogue with quotes and check counts', () => {
    const run = ordercert('rules', '--api', 'cart');
    assert.equal(run.code, 0);
    assert.match(run.out, /CART-ORDER-ALL-OR-NOTHING {2}\[MUST\]/);
    assert.doesNotMatch(run.out, /\(0 checks\)/);
  });
});
