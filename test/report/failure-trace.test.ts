/**
 * A failure a vendor can reproduce and trace, over real HTTP: a broken variant fails a rule; report.json keeps
 * the failing check's transcript (timing, tenant, credentials masked), the HAR file loads in a HAR validator,
 * the failure names the member that changed by JSON pointer, and its replay fails the same way against the
 * variant and not against the reference server (through `ordercert replay` and through the script itself).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error har-validator ships no types
import harValidator from 'har-validator';
import { REFERENCE_PROFILE } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { screenshotCertificate, VIEWPORT } from '../../scripts/certificate-screenshot.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const RULE = 'CART-ORDER-ALL-OR-NOTHING';
/** The check of that rule the variant fails by changing a member: a refused confirm still confirms booking 3. */
const CHECK = 'cart/all-or-nothing-confirm-with-cancelled-booking';
const SECRETS = ['alpha-secret', 'beta-secret'];
const tenantEnv = { ORDERCERT_TENANT_A: 'alpha:alpha-secret', ORDERCERT_TENANT_B: 'beta:beta-secret' };

function ordercert(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/ordercert.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, ...tenantEnv, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('a failure a vendor can reproduce and trace', function () {
  this.timeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordercert-trace-'));
  let broken: TestServer;
  /** A second broken server that never saw the run's ids, for the script that sends them as recorded. */
  let brokenFresh: TestServer;
  let reference: TestServer;
  let run: ReturnType<typeof ordercert>;
  let report: any;
  let failed: any;

  before(async () => {
    // The variant confirms every order at once, also those of the option whose confirmations the reference leaves
    // pending: declared as it is, so that the preflight lets the run judge it.
    const synchronous = path.join(dir, 'synchronous.json');
    fs.writeFileSync(synchronous, JSON.stringify({ capabilities: { asyncConfirmation: false, asyncRejection: false } }));
    // One after the other: the machine is small.
    broken = await startTestServer({ variant: 'cart-partial-confirm' });
    reference = await startTestServer();
    brokenFresh = await startTestServer({ variant: 'cart-partial-confirm' });
    run = ordercert([
      'certify', '--api', 'cart', '--cart-url', broken.apis.cart, '--profile', REFERENCE_PROFILE, '--profile', synchronous, '--clock-url', broken.clockUrl!,
      '--grep', `^${RULE}$`, '--check', `^${CHECK.split('/')[1]}$`, '--report-dir', dir, '--har', path.join(dir, 'run.har'), '--no-color',
    ]);
    report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    failed = report.results.find((r: any) => r.outcome === 'fail' && r.check === CHECK);
  });
  after(async () => {
    await Promise.all([broken?.stop(), brokenFresh?.stop(), reference?.stop()]);
  });

  it('fails the rule the variant breaks, and prints the reading, the public source and the replay script', () => {
    assert.equal(run.code, 1, run.out + run.err);
    assert.ok(failed, `${CHECK} did not fail:\n${run.out}`);
    assert.match(run.out, /read as: /);
    assert.match(run.out, /source: Redeam Operator API v2: Order \/ Cart capability, section "Order Operations": https:\/\/docs\.redeam\.io\//);
    assert.match(run.out, /replay \(\d+ requests/);
    assert.match(run.out, /curl -sS -i -w '\\n' -X POST "\$ORDERCERT_CART_URL"'\/suppliers\/[^']+\/orders\/[^']+\/confirm' -u "\$ORDERCERT_TENANT_A"/);
  });

  it('keeps the failing check\'s whole transcript in report.json: timing, tenant, masked credentials', () => {
    const transcript = failed.transcript;
    assert.ok(transcript.length >= 4, `only ${transcript.length} exchanges`);
    for (const ex of transcript) {
      assert.ok(!Number.isNaN(Date.parse(ex.startedAt)), ex.startedAt);
      assert.equal(typeof ex.durationMs, 'number');
      assert.ok(ex.tenant === 'A' || ex.tenant === 'B' || ex.tenant === undefined);
    }
    assert.ok(transcript.some((ex: any) => ex.tenant === 'A' && ex.requestHeaders.Authorization === 'Basic <tenant A>'));
    // The set-up is there, not only the last request: the bookings built before the confirm.
    assert.ok(transcript.filter((ex: any) => ex.method === 'POST' && /\/bookings$/.test(new URL(ex.url).pathname)).length >= 2);
    const raw = fs.readFileSync(path.join(dir, 'report.json'), 'utf8');
    for (const secret of [...SECRETS, Buffer.from('alpha:alpha-secret').toString('base64')]) assert.ok(!raw.includes(secret), `report.json holds ${secret}`);
    // Passing checks keep no transcript (the file stays small).
    for (const r of report.results.filter((x: any) => x.outcome === 'pass')) assert.equal(r.transcript, undefined, r.check);
  });

  it('names the member that changed by JSON pointer, with the whole bodies only in the transcript', () => {
    assert.ok(failed.differences?.length, JSON.stringify(failed, null, 1).slice(0, 2000));
    assert.ok(
      failed.differences.some((d: string) => /^\/bookings\/\d+\/status: ON_HOLD -> CONFIRMED$/.test(d)),
      failed.differences.join('\n'),
    );
    assert.equal(failed.actual, undefined);
    assert.match(run.out, /\/bookings\/\d+\/status: ON_HOLD -> CONFIRMED/);
  });

  it('writes the whole run as a HAR 1.2 file that a HAR validator loads', async () => {
    const text = fs.readFileSync(path.join(dir, 'run.har'), 'utf8');
    const har = JSON.parse(text);
    await harValidator.har(har);
    const exchanges = report.results.reduce((n: number, r: any) => n + (r.outcome === 'pass' ? 0 : r.transcript.length), 0);
    assert.ok(har.log.entries.length >= exchanges, `${har.log.entries.length} entries for ${exchanges} kept exchanges`);
    assert.ok(har.log.pages.some((p: any) => p.id === failed.check));
    assert.equal(har.log.entries.filter((e: any) => e.pageref === failed.check).length, failed.transcript.length);
    for (const secret of SECRETS) assert.ok(!text.includes(secret));
  });

  it('keeps a replay script that uses tenant variables, never $USER nor base64', () => {
    const script: string = failed.replay;
    assert.match(script, /^#!\/bin\/sh/);
    assert.match(script, /-u "\$ORDERCERT_TENANT_A"/);
    assert.doesNotMatch(script, /\$USER|base64|Authorization/);
    assert.equal(script.match(/^curl /gm)?.length, failed.transcript.length);
  });

  it('ordercert replay (fresh ids): the same answers from the broken variant (exit 1), other answers from the reference server (exit 0)', () => {
    const again = ordercert(['replay', path.join(dir, 'report.json'), failed.check]);
    assert.equal(again.code, 1, again.out + again.err);
    assert.match(again.out, /every answer is as recorded: the recorded fail reproduces/);
    // The requests it prints carry the fresh ids it announces, never the recorded ones.
    const pairs = [...again.out.matchAll(/^  (\S+) -> (\S+)$/gm)].map((m) => [m[1], m[2]]);
    assert.ok(pairs.length >= 2, again.out);
    const requests = again.out.split('\n').filter((line) => /^ {2}(same|DIFF) \d+\. /.test(line));
    assert.equal(requests.length, failed.transcript.length, again.out);
    for (const [recorded] of pairs) assert.ok(!requests.some((line) => line.includes(recorded)), `${recorded} printed:\n${again.out}`);
    assert.ok(pairs.some(([, now]) => requests.some((line) => line.includes(now))), again.out);

    const fixed = ordercert(['replay', path.join(dir, 'report.json'), failed.check, '--cart-url', reference.apis.cart]);
    assert.equal(fixed.code, 0, fixed.out + fixed.err);
    assert.match(fixed.out, /\/bookings\/\d+\/status: CONFIRMED -> ON_HOLD/, fixed.out);
  });

  it('the replay script runs as is with sh and curl: the broken variant answers as recorded, the reference server does not', () => {
    const file = path.join(dir, 'replay.sh');
    fs.writeFileSync(file, failed.replay);
    const statuses = (url: string) => {
      const r = spawnSync('sh', [file], { encoding: 'utf8', env: { ...process.env, ...tenantEnv, ORDERCERT_CART_URL: url }, timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      return { codes: [...r.stdout.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => Number(m[1])), out: r.stdout };
    };
    const recorded = failed.transcript.map((ex: any) => ex.status);
    const onBroken = statuses(brokenFresh.apis.cart);
    assert.deepEqual(onBroken.codes, recorded);
    const onReference = statuses(reference.apis.cart);
    assert.equal(onReference.codes.length, recorded.length);
    // The last read of the order: the variant left a booking CONFIRMED after a refused confirm; the reference did not.
    const lastBody = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);
    const confirmedIn = (order: any) => order.bookings.filter((b: any) => b.status === 'CONFIRMED').length;
    assert.ok(confirmedIn(lastBody(onBroken.out)) > confirmedIn(lastBody(onReference.out)));
  });

  it('certificate: verdict and linked failure list above the fold in headless Chromium, IDs unbroken, transcript collapsed, self-contained', async () => {
    const html = fs.readFileSync(path.join(dir, 'certificate.html'), 'utf8');
    assert.match(html, new RegExp(`<a href="#check-${CHECK.replace('/', '-')}">`));
    assert.match(html, /<details><summary>Transcript: \d+ requests<\/summary>/);
    assert.match(html, /<details><summary>Replay script \(sh\)<\/summary>/);
    assert.match(html, /Read as:/);
    assert.match(html, /href="https:\/\/docs\.redeam\.io\/2\.0\/operator-api\/capability-cart"/);
    assert.doesNotMatch(html, /<(script|link|img)\b/);
    const png = process.env.ORDERCERT_SCREENSHOT ?? path.join(dir, 'certificate.png');
    const layout = await screenshotCertificate(path.join(dir, 'certificate.html'), png);
    assert.ok(fs.statSync(png).size > 10_000);
    assert.equal(layout.verdict, 'NOT CERTIFIED');
    assert.ok(layout.verdictBottom < VIEWPORT.height, `verdict ends at ${layout.verdictBottom}px`);
    assert.ok(layout.failuresListed >= 1 && layout.failureListBottom! < VIEWPORT.height, JSON.stringify(layout));
    assert.deepEqual(layout.brokenIds, []);
    assert.deepEqual(layout.requests, []);
  });
});
