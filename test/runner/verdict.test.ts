/**
 * The verdict a vendor gets: enforced timeouts, the three verdicts with their exit codes, and set-up
 * mistakes caught by the preflight before any check (exit 2, nothing judged).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ruleIndex } from '../../conformance/framework/catalogue.js';
import { runChecks } from '../../conformance/framework/runner.js';
import type { CheckResult } from '../../conformance/framework/types.js';
import { SUITES } from '../../conformance/suites.js';
import { DEMO_CREDENTIALS, REFERENCE_PROFILE, referenceProfile } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-verdict-'));
const tenants = ['--tenant-a', 'alpha:alpha-secret', '--tenant-b', 'beta:beta-secret'];

/** Runs the CLI as a vendor would, without blocking the event loop (the test's own HTTP servers must answer). */
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

/** An HTTP server on loopback; closed by the caller. */
async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('verdicts: timeouts, exit codes and the preflight', function () {
  this.timeout(180_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('stops a check that outlives --timeout: it fails with "no verdict", the checks around it judge normally, nothing arrives late', async () => {
    // A proxy that holds every order extension 3 s longer than the checks' budget. The budget leaves the checks
    // around it time to judge on a loaded machine (four test groups at once).
    const timeoutMs = 3000;
    const seen: number[] = [];
    const proxy = await listen((req, res) => {
      seen.push(Date.now());
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        if (req.method === 'POST' && /\/orders\/[^/]+\/extend$/.test(req.url ?? '')) await new Promise((r) => setTimeout(r, timeoutMs + 3000));
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
        try {
          const upstream = await fetch(server.url + req.url, { method: req.method, headers, body });
          res.writeHead(upstream.status, Object.fromEntries([...upstream.headers].filter(([k]) => !['content-length', 'transfer-encoding', 'connection'].includes(k))));
          res.end(Buffer.from(await upstream.arrayBuffer()));
        } catch {
          res.destroy();
        }
      });
    });
    try {
      const order: string[] = [];
      const results: CheckResult[] = await runChecks({
        suites: [SUITES.cart],
        rules: ruleIndex(['cart']),
        baseUrls: { cart: `${proxy.url}/cart` },
        tenants: DEMO_CREDENTIALS,
        profile: referenceProfile(),
        clockUrl: server.clockUrl,
        grep: /^CART-ORDER-(JOIN-ONLY-ON-HOLD|EXTEND-NOT-EARLIER|CONFIRM-ALL)$/,
        timeoutMs,
        onResult: (r) => order.push(r.check),
      });
      const byRule = (rule: string) => results.filter((r) => r.rule === rule);
      assert.ok(byRule('CART-ORDER-EXTEND-NOT-EARLIER').length > 0);
      for (const r of byRule('CART-ORDER-EXTEND-NOT-EARLIER')) {
        assert.equal(r.outcome, 'fail', `${r.check}: ${r.outcome} ${r.message}`);
        assert.match(r.message ?? '', new RegExp(`^no verdict within ${timeoutMs} ms`));
        // Stopped at the end of its budget, not when the held answer came.
        assert.ok(r.durationMs < timeoutMs + 3000, `reported after ${r.durationMs} ms`);
      }
      for (const rule of ['CART-ORDER-JOIN-ONLY-ON-HOLD', 'CART-ORDER-CONFIRM-ALL']) {
        assert.ok(byRule(rule).some((r) => r.outcome === 'pass'), rule);
        // A sweep case of these rules may extend an order on its way: it is stopped the same way, never judged wrong.
        for (const r of byRule(rule)) {
          if (r.outcome === 'pass') continue;
          assert.ok(r.check.includes('/sweep-') && r.outcome === 'fail' && /^no verdict within/.test(r.message ?? ''), `${r.check}: ${r.outcome} ${r.message}`);
        }
      }
      // One result per check (checks overlap, so they arrive as they end), and the stopped check sends nothing more.
      assert.deepEqual([...order].sort(), results.map((r) => r.check).sort());
      const requestsAtEnd = seen.length;
      await new Promise((r) => setTimeout(r, 3500));
      assert.equal(seen.length, requestsAtEnd, 'a stopped check went on sending requests');
      assert.equal(order.length, results.length, 'a result arrived after the run');
    } finally {
      await proxy.close();
    }
  });

  it('CERTIFIED (exit 0) with the test clock; INCOMPLETE (exit 3) without it, listing the MUST rules not judged and how to judge them', async () => {
    const withClock = await ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', REFERENCE_PROFILE, '--clock-url', server.clockUrl!, '--no-color');
    assert.equal(withClock.code, 0, withClock.out + withClock.err);
    assert.match(withClock.out, /coverage: (\d+) of \1 rules judged/);
    assert.match(withClock.out, /^CERTIFIED/m);

    // The run above moved that server's clock days ahead; a vendor's server without a test clock keeps real time.
    const realTime = await startTestServer();
    try {
      const json = path.join(tmp, 'incomplete.json');
      const without = await ordercert('certify', '--api', 'cart', '--base-url', realTime.url, ...tenants, '--profile', REFERENCE_PROFILE, '--no-color', '--json', json);
      assert.equal(without.code, 3, without.out + without.err);
      assert.match(without.out, /^INCOMPLETE: nothing failed, but \d+ MUST rules? (was|were) not judged/m);
      assert.match(without.out, /CART-ORDER-EXPIRES: not run because needs \d+ s to pass/);
      assert.match(without.out, /to judge it: give --clock-url/);
      const report = JSON.parse(fs.readFileSync(json, 'utf8'));
      assert.equal(report.verdict, 'INCOMPLETE');
      assert.equal(report.certified, false);
      assert.ok(report.coverage.mustJudged < report.coverage.mustRules);
      assert.ok(report.unjudged.some((u: any) => u.rule === 'CART-ORDER-EXPIRES'));
      // Without a clock the checks that wait are reported, never failed.
      assert.ok(report.results.every((r: any) => r.outcome !== 'fail'));
    } finally {
      await realTime.stop();
    }
  });

  it('--grep judges only the selected rules: the verdict is about them alone', async () => {
    const run = await ordercert('certify', '--api', 'cart', '--base-url', server.url, ...tenants, '--profile', REFERENCE_PROFILE, '--grep', '^CART-ORDER-READ$', '--no-color');
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /coverage: 1 of 1 rules judged \(MUST: 1 of 1\)/);
  });

  describe('set-up mistakes are exit 2 with one line saying what to fix, and nothing is judged', () => {
    const expectSetUpProblem = async (args: string[], message: RegExp) => {
      const run = await ordercert('certify', ...args, '--no-color');
      assert.equal(run.code, 2, run.out + run.err);
      assert.match(run.err, /the set-up is not ready, so nothing was judged/);
      assert.match(run.err, message);
      assert.doesNotMatch(run.out + run.err, /\[1\/\d+\]|CERTIFIED/, 'a check ran');
    };

    it('a wrong tenant secret names the tenant and the API', () =>
      expectSetUpProblem(['--api', 'cart', '--base-url', server.url, '--tenant-a', 'alpha:wrong', '--tenant-b', 'beta:beta-secret', '--profile', REFERENCE_PROFILE], /the cart API refused tenant A \(user "alpha"\) with 401: check --tenant-a/));

    it('a wrong supplierId is found by a booking with the profile ids', () =>
      expectSetUpProblem(
        ['--api', 'cart', '--base-url', server.url, ...tenants, '--profile', writeProfile('wrong-supplier', (p) => (p.cart.supplierId = 'no-such-supplier'))],
        /the cart API refused a booking with the profile's ids \(supplierId "no-such-supplier"/,
      ));

    it('a missing profile key is named with what it is for', () =>
      expectSetUpProblem(
        ['--api', 'ethernet', '--base-url', server.url, ...tenants, '--profile', writeProfile('no-buyer-b', (p) => delete p.ethernet.buyerIdB)],
        /profile ethernet\.buyerIdB is missing: tenant B's buyerId/,
      ));

    it("accesses the server does not list, and a buyerId that is not the tenant's", async () => {
      await expectSetUpProblem(
        ['--api', 'activation', '--base-url', server.url, ...tenants, '--profile', writeProfile('bad-access', (p) => (p.activation.accesses = ['NO-SUCH-ACCESS']))],
        /profile activation\.accesses names accesses the server does not list: NO-SUCH-ACCESS/,
      );
      await expectSetUpProblem(
        ['--api', 'ethernet', '--base-url', server.url, ...tenants, '--profile', writeProfile('bad-buyer', (p) => (p.ethernet.buyerIdA = 'somebody-else'))],
        /listing the orders of buyerId "somebody-else" as tenant A answered 403/,
      );
    });

    it('a slowAccess inside the pool, and one without a slowFinishSeconds above finishSeconds', async () => {
      await expectSetUpProblem(
        ['--api', 'activation', '--base-url', server.url, ...tenants, '--profile', writeProfile('slow-in-pool', (p) => (p.activation.slowAccess = p.activation.accesses[0]))],
        /profile activation\.slowAccess "STTA0101" is also in activation\.accesses/,
      );
      await expectSetUpProblem(
        ['--api', 'activation', '--base-url', server.url, ...tenants, '--profile', writeProfile('slow-too-fast', (p) => (p.activation.slowFinishSeconds = p.activation.finishSeconds))],
        /profile activation\.slowFinishSeconds is missing or not more than finishSeconds/,
      );
    });

    it('failing accesses inside the pool, unknown to the server, or more of them without a first', async () => {
      await expectSetUpProblem(
        ['--api', 'activation', '--base-url', server.url, ...tenants, '--profile', writeProfile('failing-in-pool', (p) => (p.activation.moreFailingAccesses = [p.activation.accesses[1]]))],
        /profile activation\.accesses also names the failing STTA0102: name failing accesses outside the pool/,
      );
      await expectSetUpProblem(
        ['--api', 'activation', '--base-url', server.url, ...tenants, '--profile', writeProfile('failing-unknown', (p) => (p.activation.moreFailingAccesses = ['NO-SUCH-ACCESS']))],
        /profile activation\.moreFailingAccesses names accesses the server does not list: NO-SUCH-ACCESS/,
      );
      await expectSetUpProblem(
        ['--api', 'activation', '--base-url', server.url, ...tenants, '--profile', writeProfile('more-without-first', (p) => ((p.capabilities.failedOrders = false), delete p.activation.failingAccess))],
        /profile activation\.moreFailingAccesses is given without activation\.failingAccess/,
      );
    });

    it('a test clock that does not move forward', async () => {
      const stuck = await listen((req, res) => {
        res.writeHead(req.method === 'POST' ? 204 : 200, { 'content-type': 'application/json' });
        res.end(req.method === 'POST' ? undefined : JSON.stringify({ now: '2026-01-01T00:00:00Z' }));
      });
      try {
        await expectSetUpProblem(['--api', 'cart', '--base-url', server.url, ...tenants, '--profile', REFERENCE_PROFILE, '--clock-url', stuck.url], /the test clock at .* did not move forward/);
      } finally {
        await stuck.close();
      }
    });
  });
});
