/**
 * ordercert init against real servers: the profile it writes for the reference server certifies it without an
 * edit (the cart ids given as flags), and against a server without a test clock it writes that none answers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-init-'));
const tenants = ['--tenant-a', 'alpha:alpha-secret', '--tenant-b', 'beta:beta-secret'];
/** What no API of a server tells: the reference server's demo catalogue and its two special accesses. */
const cartFlags = [
  '--cart-supplier', 'demo-supplier', '--cart-product', 'demo-tour', '--cart-option', 'DEFAULT', '--cart-availability', 'slot-open',
  '--cart-unit', 'adult', '--cart-small-availability', 'slot-small', '--cart-async-option', 'PENDING',
  '--cart-async-availability', 'slot-pending', '--cart-rejecting-availability', 'slot-rejects', '--cart-settle-seconds', '5',
];
const accessFlags = ['--activation-failing-access', 'STTA0002,STTA0005,STTA0006,STTA0007', '--activation-slow-access', 'STTA0004', '--activation-slow-finish-seconds', '15'];

/** The comment above a section key (written or commented out), its lines joined. */
function noteOf(text: string, key: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l === `  # ${key}:` || l.startsWith(`  ${key}: `));
  assert.ok(at > 0, `no ${key} in\n${text}`);
  const note: string[] = [];
  for (let i = at - 1; i >= 0 && lines[i].startsWith('  # '); i--) note.unshift(lines[i].slice(4));
  return `${note.join(' ')}\n${lines[at]}`;
}

function ordercert(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/ordercert.js'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('ordercert init', function () {
  this.timeout(300_000);

  describe('against the reference server', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server?.stop());

    it('writes a profile with which certify is CERTIFIED, unedited', () => {
      const file = path.join(tmp, 'reference.yaml');
      const init = ordercert('init', '--base-url', server.url, ...tenants, ...cartFlags, ...accessFlags, '--out', file);
      assert.equal(init.code, 0, init.out + init.err);
      assert.match(init.out, /the preflight found nothing to fix/);
      const text = fs.readFileSync(file, 'utf8');
      const ownClocks = ['cart', 'activation', 'ethernet'].map((api) => `${api}\\s+(# )?at\\s+(# )?${server.url}/__clock/${api}`).join(',\\s+(# )?');
      assert.match(text, new RegExp(`test clock: answers at ${server.url}/__clock; each API's own, moving its time alone:\\s+(# )?${ownClocks}`));
      for (const api of ['cart', 'activation', 'ethernet']) assert.match(init.out, new RegExp(`--${api}-clock-url ${server.url}/__clock/${api}\\b`));
      const profile = YAML.parse(text);
      assert.equal(profile.activation.service, 'BB-100-10');
      assert.equal(profile.activation.sameTypeService, 'BB-100-100');
      assert.equal(profile.activation.accesses.length, 40);
      assert.ok(['STTA0002', 'STTA0004', 'STTA0005', 'STTA0007'].every((a) => !profile.activation.accesses.includes(a)));
      assert.equal(profile.activation.failingAccess, 'STTA0002');
      assert.deepEqual(profile.activation.moreFailingAccesses, ['STTA0005', 'STTA0006', 'STTA0007']);
      assert.deepEqual([profile.ethernet.buyerIdA, profile.ethernet.buyerIdB], ['alpha', 'beta']);

      const clocks = ['cart', 'activation', 'ethernet'].flatMap((api) => [`--${api}-clock-url`, `${server.url}/__clock/${api}`]);
      const run = ordercert('certify', '--base-url', server.url, ...tenants, '--profile', file, ...clocks);
      assert.equal(run.code, 0, run.out.split('\n').slice(-20).join('\n') + run.err.slice(-2000));
      assert.match(run.out, /\bCERTIFIED\b/);
    });

    it('writes what it could not find as comments and says what to give (exit 2)', () => {
      const file = path.join(tmp, 'no-cart-ids.yaml');
      const init = ordercert('init', '--base-url', server.url, ...tenants, '--api', 'cart,ethernet', '--out', file);
      assert.equal(init.code, 2, init.out + init.err);
      assert.match(init.err, /needs cart\.supplierId, cart\.productId, cart\.optionId, cart\.availabilityId, cart\.unitId/);
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(noteOf(text, 'supplierId'), 'REQUIRED, not found: the supplier the checks book with (no API tells it: --cart-supplier, or write it here)\n  # supplierId:');
      assert.equal(YAML.parse(text).cart, null);
      assert.equal(ordercert('init', '--base-url', server.url, ...tenants, '--out', file).code, 2, 'an existing file is kept without --force');
    });
  });

  it('against a server without a test clock or a failing access, the profile says they are absent', async () => {
    const server = await startTestServer({ testClock: false });
    try {
      const file = path.join(tmp, 'no-clock.yaml');
      const init = ordercert('init', '--base-url', server.url, ...tenants, '--api', 'activation,ethernet', '--out', file);
      assert.equal(init.code, 0, init.out + init.err);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, new RegExp(`# - test clock: absent \\(${server.url}/__clock: answered 404`));
      assert.match(noteOf(text, 'failingAccess'), /^absent: an access where an ACTIVATE of service always ends DONE_FAILED .*\n {2}# failingAccess:$/);
      assert.equal(YAML.parse(text).activation.failingAccess, undefined);
      assert.doesNotMatch(text, /--clock-url/);
    } finally {
      await server.stop();
    }
  });
});
