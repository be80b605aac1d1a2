/**
 * A test clock something else moves while the run goes on (another run on the same server, a vendor's job): what
 * a check then finds is not judged, and says so, instead of failing a rule the server keeps. A run whose clock
 * only the run moves is judged as ever.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClockControl } from '../../conformance/framework/clock.js';
import { ClockWatch, newLedger, UNEXPLAINED_JUMP_MS } from '../../conformance/framework/clock-watch.js';
import { describeProblems, runSuiteAgainst } from '../helpers/conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const moveFromOutside = (server: TestServer, seconds: number) =>
  fetch(server.clockUrl!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) }).then((r) => assert.equal(r.status, 200));

describe('a test clock moved by someone else during the run', function () {
  this.timeout(240_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it("tells the run's own moves from a jump made outside it, and places the jump in time", async () => {
    const ledger = newLedger();
    const clock = new ClockControl(server.clockUrl, false, { ledger });
    const watch = new ClockWatch(clock, ledger);
    await watch.start();
    const before = Date.now();
    await clock.advance(3600);
    assert.equal(ledger.movedMs, 3_600_000);
    assert.equal(await watch.jumpDuring(before, Date.now()), 0, 'a move of the run is no jump');

    const outsideFrom = Date.now();
    await moveFromOutside(server, 7200);
    const outsideTo = Date.now();
    const seen = await watch.jumpDuring(outsideFrom, outsideTo);
    assert.ok(Math.abs(seen - 7_200_000) < UNEXPLAINED_JUMP_MS, `seen ${seen} ms`);
    // Counted once, for the checks running while it happened; a check started after the read sees none.
    const later = Date.now();
    assert.equal(await watch.jumpDuring(later, Date.now()), 0);
    assert.ok((await watch.jumpDuring(outsideFrom - 1, later)) > 0);
  });

  it('counts a move whose answer came too late once the clock shows it, and not one that never landed', async () => {
    // A clock that takes each move at once but answers it after two seconds, or (refusing) never takes it.
    let offsetMs = 0;
    let takes = true;
    const slow = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.method === 'POST') {
          if (takes) offsetMs += JSON.parse(body).advanceSeconds * 1000;
          setTimeout(() => res.end('{}'), 2000).unref();
          return;
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ now: new Date(Date.now() + offsetMs).toISOString() }));
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/__clock`;
      const ledger = newLedger();
      const clock = new ClockControl(url, false, { ledger, timeoutMs: 500 });
      const watch = new ClockWatch(clock, ledger);
      await watch.start();
      await clock.advance(3600);
      assert.equal(ledger.movedMs, 3_600_000, 'the late move is counted');
      takes = false;
      await assert.rejects(clock.advance(60), /did not answer/);
      assert.equal(ledger.movedMs, 3_600_000, 'a move the clock does not show is not counted');
      assert.equal(ledger.movingMs, 0);
      const from = Date.now();
      assert.equal(await watch.jumpDuring(from, Date.now()), 0, 'the run knows where its clock stands');
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('makes the findings of checks that saw the jump "not judged", naming it, and fails no rule', async () => {
    // Hours at a time, while the checks that create holds of minutes and read them back run.
    let moving = true;
    const mover = (async () => {
      while (moving) {
        await moveFromOutside(server, 3600);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    let run;
    try {
      run = await runSuiteAgainst(server, ['cart'], { grep: /^CART-ORDER-(EXPIRY-TIME|STARTS-ON-HOLD|ALL-OR-NOTHING)$/ });
    } finally {
      moving = false;
      await mover;
    }
    const { results } = run;
    assert.deepEqual(results.filter((r) => r.outcome === 'fail' || r.outcome === 'warn').map((r) => r.check), [], describeProblems(results));
    const notJudged = results.filter((r) => /^not judged: the test clock at \S+ moved \d+ s further forward than this run moved it, while the check ran \(what it found then: /.test(r.message ?? ''));
    assert.ok(notJudged.length > 0, describeProblems(results));
    for (const r of notJudged) assert.match(r.remedy ?? '', /let nothing else move this test clock/);
  });

  it('judges a run whose clock only the run moves: the same checks pass', async () => {
    const { results } = await runSuiteAgainst(server, ['cart'], { grep: /^CART-ORDER-(EXPIRY-TIME|STARTS-ON-HOLD|ALL-OR-NOTHING)$/ });
    assert.deepEqual(results.filter((r) => r.outcome !== 'pass').map((r) => r.check), [], describeProblems(results));
  });
});
