/**
 * Work a check starts belongs to it: a failure in the background ends the check with that failure (never an
 * unhandled rejection), the first failure by time wins, and a check whose own steps are done still waits for its work.
 * Runs a small made-up suite through the real runner; its checks send no request.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ruleIndex } from '../../conformance/framework/catalogue.js';
import type { Check } from '../../conformance/framework/check.js';
import { runChecks } from '../../conformance/framework/runner.js';
import { NotRun, RuleViolation } from '../../conformance/framework/violation.js';

const rules = ruleIndex(['activation']);
const [RULE, OTHER] = [...rules.keys()];

async function run(...checks: Check[]) {
  const unhandled: unknown[] = [];
  const listener = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', listener);
  try {
    const results = await runChecks({
      suites: [{ api: 'activation', schemaRule: OTHER, profileKeys: [], checks }],
      rules,
      baseUrls: { activation: 'http://127.0.0.1:9' },
      tenants: [
        { user: 'a', secret: 'a' },
        { user: 'b', secret: 'b' },
      ],
      profile: { activation: {} },
      timeoutMs: 2000,
    });
    await sleep(50); // an unhandled rejection is reported after the microtasks of its turn
    return { results, unhandled };
  } finally {
    process.off('unhandledRejection', listener);
  }
}

const check = (id: string, body: Check['run']): Check => ({ id, rule: RULE, title: id, run: body });

describe('runner: work a check starts belongs to that check', () => {
  it('a rule broken in the background, while the check is busy, is the check outcome and no unhandled rejection', async () => {
    const { results, unhandled } = await run(
      check('reader-fails', async (t) => {
        t.background('a reader', async () => {
          await t.sleep(20);
          throw new RuleViolation('the reader saw a broken rule', { rule: OTHER });
        });
        await t.sleep(10_000); // the check's own steps go on; the failure must end it now, not its 2 s budget
        t.fail('the check went on after its reader failed');
      }),
    );
    assert.deepEqual(unhandled, []);
    assert.equal(results[0].outcome, 'fail');
    assert.equal(results[0].rule, OTHER);
    assert.match(results[0].message!, /the reader saw a broken rule/);
    assert.ok(!results[0].timedOut, 'the check ran on to the end of its budget after its reader failed');
  });

  it('a check whose own steps pass waits for its work, and fails with it', async () => {
    const { results } = await run(
      check('late-failure', async (t) => {
        t.background('a poller', async () => {
          await t.sleep(100);
          throw new RuleViolation('the poller saw it late');
        });
      }),
      check('not-run-in-background', async (t) => {
        t.background('a set-up', async () => {
          throw new NotRun('the set-up could not be arranged');
        });
        await t.sleep(50);
      }),
    );
    assert.equal(results[0].outcome, 'fail');
    assert.match(results[0].message!, /the poller saw it late/);
    assert.equal(results[1].outcome, 'skip');
    assert.match(results[1].message!, /not run because the set-up could not be arranged/);
  });

  it('work left running when the check is done and its budget spent is a suite bug, not a verdict', async () => {
    const { results } = await run(
      check('forgotten-loop', async (t) => {
        t.background('a reader nobody stops', async () => {
          for (;;) await t.sleep(20);
        });
      }),
    );
    assert.equal(results[0].outcome, 'skip');
    assert.equal(results[0].suiteError, true);
    assert.match(results[0].message!, /a reader nobody stops/);
  });

  it('t.together waits for every step and reports the first failure by time', async () => {
    let lateFinished = false;
    const { results, unhandled } = await run(
      check('together', async (t) => {
        await t.together([
          (async () => {
            await sleep(100);
            throw new RuleViolation('second by time');
          })(),
          (async () => {
            await sleep(10);
            throw new RuleViolation('first by time');
          })(),
          (async () => {
            await sleep(200);
            lateFinished = true;
          })(),
        ] as const);
      }),
    );
    assert.deepEqual(unhandled, []);
    assert.equal(results[0].outcome, 'fail');
    assert.match(results[0].message!, /first by time/);
    assert.ok(lateFinished, 'together answered before every step had settled');
  });
});
