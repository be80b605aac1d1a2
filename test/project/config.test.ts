/** The server's settings from its environment: defaults, and a clear refusal of values it cannot use. */
import assert from 'node:assert/strict';
import { readConfig } from '../../src/shared/config.js';

describe('server settings', () => {
  it('reads the activation feed batch size, 1000 by default', () => {
    assert.equal(readConfig({}, []).activationFeedBatchSize, 1000);
    assert.equal(readConfig({ ACTIVATION_FEED_BATCH_SIZE: '2' }, []).activationFeedBatchSize, 2);
  });

  for (const bad of ['0', '2.5', '-1', 'many']) {
    it(`refuses ACTIVATION_FEED_BATCH_SIZE=${bad}, naming the variable`, () => {
      assert.throws(() => readConfig({ ACTIVATION_FEED_BATCH_SIZE: bad }, []), /ACTIVATION_FEED_BATCH_SIZE must be/);
    });
  }
});
