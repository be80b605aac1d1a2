/** A short crash storm on each backend (the long one: `node --import tsx bench/crash-storm.ts`). */
import assert from 'node:assert/strict';
import { crashStorm } from './storm.js';

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`crash safety (${backend})`, function () {
    this.timeout(240_000);
    it('loses nothing acknowledged and leaves no partial order across SIGKILLs', async () => {
      const summary = await crashStorm({ backend, kills: 3, seed: 7, minAcknowledgedPerRound: 8 });
      console.log(`      ${backend}: ${summary.operations} operations, ${summary.acknowledged} acknowledged, ${summary.kills} kills, ${summary.events} events, ${summary.violations.length} violations`);
      assert.ok(summary.acknowledged > 20, `too little load to judge: ${JSON.stringify(summary)}`);
      assert.deepEqual(summary.violations, []);
    });
  });
}
