/**
 * Capabilities a vendor declares, end to end through the CLI: one declared and not shown never certifies (the
 * preflight tries it: exit 2), one declared absent makes its rules "not applicable" and the run can be CERTIFIED,
 * and every report lists the capabilities certified and those declared absent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { REFERENCE_PROFILE } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A server start that times out on a loaded machine is tried again (twice) before it counts. */
async function startTrying(start: () => Promise<TestServer>): Promise<TestServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-capabilities-'));
const tenants = ['--tenant-a', 'alpha:alpha-secret', '--tenant-b', 'beta:beta-secret'];

function ordercert(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/ordercert.js'), ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

function writeProfile(name: string, change: (profile: any) => void): string {
  const profile = YAML.parse(fs.readFileSync(REFERENCE_PROFILE, 'utf8'));
  change(profile);
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe('capabilities: declared, shown, or declared absent', function () {
  this.timeout(400_000);

  describe('a cart server that confirms synchronously only (tolerance variant cart-synchronous-confirmation-only)', () => {
    let server: TestServer;
    before(async () => {
      server = await startTrying(() => startTestServer({ variant: 'cart-synchronous-confirmation-only' }));
    });
    after(async () => server?.stop());

    it('declaring asynchronous confirmation it never shows is exit 2, never CERTIFIED', async () => {
      const run = await ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', REFERENCE_PROFILE, '--clock-url', server.clockUrl!, '--no-color');
      assert.equal(run.code, 2, run.out + run.err);
      assert.match(run.err, /declares capabilities\.asyncConfirmation, but confirming an order of the asynchronous option .* not PENDING/);
      assert.doesNotMatch(run.out, /CERTIFIED/);
    });

    it('declaring it absent: the pending rules are not applicable, the run is CERTIFIED, and every report lists the capabilities', async () => {
      const profile = writeProfile('synchronous', (p) => {
        p.capabilities = { ...p.capabilities, asyncConfirmation: false, asyncRejection: false };
        for (const key of ['asyncOptionId', 'asyncAvailabilityId', 'rejectingAvailabilityId']) delete p.cart[key];
      });
      const dir = path.join(tmp, 'synchronous-reports');
      const run = await ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', profile, '--clock-url', server.clockUrl!, '--no-color', '--report-dir', dir);
      assert.equal(run.code, 0, run.out + run.err);
      assert.match(run.out, /^CERTIFIED/m);
      assert.match(run.out, /N\/A  CART-ORDER-PENDING-FLOW \[MUST\]/);
      assert.match(run.out, /not applicable: the profile declares capabilities\.asyncConfirmation false/);
      assert.match(run.out, /capabilities certified: perBookingHolds/);
      assert.match(run.out, /capabilities declared absent \(their rules not applicable\): asyncConfirmation, asyncRejection/);
      assert.match(run.out, /rules judged \(MUST: (\d+) of \1\); \d+ not applicable/);

      const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
      assert.equal(report.verdict, 'CERTIFIED');
      const outcomes = Object.fromEntries(report.capabilities.map((c: any) => [c.name, c.outcome]));
      assert.equal(outcomes.asyncConfirmation, 'absent');
      assert.equal(outcomes.asyncRejection, 'absent');
      assert.equal(outcomes.perBookingHolds, 'certified');
      assert.ok(report.coverage.notApplicable >= 2, `coverage: ${JSON.stringify(report.coverage)}`);
      assert.deepEqual(report.unjudged, []);
      const junit = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
      assert.match(junit, /<property name="capabilities declared absent" value="asyncConfirmation, asyncRejection"\/>/);
      assert.match(junit, /<property name="capabilities certified" value="[^"]*perBookingHolds/);
      const html = fs.readFileSync(path.join(dir, 'certificate.html'), 'utf8');
      assert.match(html, /<b>Declared absent:<\/b> <code class="id">asyncConfirmation<\/code> <code class="id">asyncRejection<\/code>/);
    });
  });

  describe('a cart server with one hold per order (tolerance variant cart-one-hold-per-order)', () => {
    let server: TestServer;
    before(async () => {
      server = await startTrying(() => startTestServer({ variant: 'cart-one-hold-per-order' }));
    });
    after(async () => server?.stop());

    it('declaring a hold per booking it never shows is exit 2', async () => {
      const run = await ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', REFERENCE_PROFILE, '--clock-url', server.clockUrl!, '--no-color');
      assert.equal(run.code, 2, run.out + run.err);
      assert.match(run.err, /declares capabilities\.perBookingHolds, but of an order whose bookings asked for 30 and 1 minutes' holds/);
    });
  });

  it('a capability declared true without its test data, or the restart hook without a hook, is exit 2', async () => {
    const run = await ordercert(
      'certify', '--api', 'cart', '--base-url', 'http://127.0.0.1:9', ...tenants, '--no-color',
      '--profile', writeProfile('missing-data', (p) => {
        delete p.cart.rejectingAvailabilityId;
        p.capabilities.restart = true;
        p.capabilities.speed = true;
      }),
    );
    assert.equal(run.code, 2, run.out + run.err);
    assert.match(run.err, /profile capabilities\.asyncRejection is true but cart\.rejectingAvailabilityId is missing/);
    assert.match(run.err, /profile capabilities\.restart is true but no --restart-url or --restart-command was given/);
    assert.match(run.err, /profile capabilities\.speed is not a capability the suite knows/);
  });
});
