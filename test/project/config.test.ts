/** The server's settings from its environment: defaults, and a clear refusal of values it cannot use. */
import assert from 'node:assert/strict';
import { DEMO_TENANTS, parseTenants, readConfig } from '../../src/shared/config.js';
import { describeStart } from '../../src/server.js';

describe('server settings', () => {
  it('has defaults for everything, with no tenants and no test clock', () => {
    assert.deepEqual(readConfig({}, []), {
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'sqlite://data/ordercert.sqlite',
      testClock: false,
      tenants: [],
      activationDelaySeconds: 2,
      activationFeedBatchSize: 1000,
      cartPendingSeconds: 5,
      ethernetStepSeconds: 0,
      validateRequests: true,
    });
  });

  it('reads each setting from its variable', () => {
    const config = readConfig(
      {
        PORT: '9090',
        HOST: '0.0.0.0',
        SQLITE_FILE: '/tmp/x.sqlite',
        ORDERCERT_TEST_CLOCK: '1',
        ACTIVATION_DELAY_SECONDS: '0.5',
        ACTIVATION_FEED_BATCH_SIZE: '2',
        CART_PENDING_SECONDS: '7',
        ETHERNET_STEP_SECONDS: '3',
        ORDERCERT_VALIDATE_REQUESTS: '0',
      },
      [],
    );
    assert.deepEqual(
      [config.port, config.host, config.databaseUrl, config.testClock, config.activationDelaySeconds, config.activationFeedBatchSize, config.cartPendingSeconds, config.ethernetStepSeconds, config.validateRequests],
      [9090, '0.0.0.0', 'sqlite:///tmp/x.sqlite', true, 0.5, 2, 7, 3, false],
    );
  });

  it('prefers DATABASE_URL to SQLITE_FILE, and takes an empty variable as unset', () => {
    assert.equal(readConfig({ DATABASE_URL: 'postgres://u:p@h/db', SQLITE_FILE: '/tmp/x.sqlite' }, []).databaseUrl, 'postgres://u:p@h/db');
    assert.equal(readConfig({ PORT: '', ACTIVATION_DELAY_SECONDS: '' }, []).port, 8080);
    assert.equal(readConfig({ ACTIVATION_DELAY_SECONDS: '' }, []).activationDelaySeconds, 2);
  });

  it('turns on the demo tenants and the test clock from the command line too', () => {
    const config = readConfig({}, ['node', 'server', '--demo', '--test-clock']);
    assert.deepEqual(config.tenants, DEMO_TENANTS);
    assert.equal(config.testClock, true);
    assert.deepEqual(readConfig({ ORDERCERT_DEMO: '0', ORDERCERT_TEST_CLOCK: '0' }, []).tenants, []);
    assert.equal(readConfig({ ORDERCERT_TEST_CLOCK: '0' }, []).testClock, false);
  });

  it('adds ORDERCERT_TENANTS to the demo tenants', () => {
    assert.deepEqual(readConfig({ ORDERCERT_DEMO: '1', ORDERCERT_TENANTS: 'carol:c-secret' }, []).tenants, [...DEMO_TENANTS, { user: 'carol', secret: 'c-secret' }]);
    assert.deepEqual(readConfig({ ORDERCERT_TENANTS: 'carol:c-secret' }, []).tenants, [{ user: 'carol', secret: 'c-secret' }]);
  });

  it('reads the activation feed batch size, 1000 by default', () => {
    assert.equal(readConfig({}, []).activationFeedBatchSize, 1000);
    assert.equal(readConfig({ ACTIVATION_FEED_BATCH_SIZE: '2' }, []).activationFeedBatchSize, 2);
    assert.equal(readConfig({ ACTIVATION_FEED_BATCH_SIZE: '1' }, []).activationFeedBatchSize, 1);
  });

  for (const bad of ['0', '2.5', '-1', 'many']) {
    it(`refuses ACTIVATION_FEED_BATCH_SIZE=${bad}, naming the variable`, () => {
      assert.throws(() => readConfig({ ACTIVATION_FEED_BATCH_SIZE: bad }, []), /ACTIVATION_FEED_BATCH_SIZE must be a whole number of at least 1/);
    });
  }

  for (const [name, bad] of [['PORT', 'http'], ['PORT', '-1'], ['CART_PENDING_SECONDS', 'Infinity'], ['ACTIVATION_DELAY_SECONDS', '-0.5']]) {
    it(`refuses ${name}=${bad}, naming the variable and the value`, () => {
      assert.throws(() => readConfig({ [name]: bad }, []), new RegExp(`^Error: ${name} must be a non-negative number, got "${bad.replace('.', '\\.')}"$`));
    });
  }
  it('takes 0 where a number may be 0', () => {
    assert.equal(readConfig({ ETHERNET_STEP_SECONDS: '0', PORT: '0' }, []).port, 0);
  });
});

describe('ORDERCERT_TENANTS', () => {
  it('reads user:secret pairs, trimming spaces and skipping empty entries; a secret may hold a colon', () => {
    assert.deepEqual(parseTenants(' carol:c-secret, ,dave:d:e:f,'), [
      { user: 'carol', secret: 'c-secret' },
      { user: 'dave', secret: 'd:e:f' },
    ]);
  });

  for (const bad of ['carol', ':secret', 'carol:']) {
    it(`refuses "${bad}" without printing a secret`, () => {
      assert.throws(
        () => parseTenants(`dave:d-secret,${bad}`),
        (err: Error) => /ORDERCERT_TENANTS entry ".*:\.\.\." must be user:secret/.test(err.message) && !err.message.includes('d-secret') && !err.message.includes(':secret"'),
      );
    });
  }
});

describe('the start-up banner', () => {
  const config = (over: object = {}) => ({ ...readConfig({}, []), ...over });

  it('names every API, the docs and the database, hiding its password', () => {
    const text = describeStart(config({ databaseUrl: 'postgres://app:hunter2@db:5432/ordercert' }), 8123);
    for (const line of ['http://127.0.0.1:8123/cart', 'http://127.0.0.1:8123/activation/api/2.3.1', 'http://127.0.0.1:8123/ethernet', 'http://127.0.0.1:8123/docs', 'postgres://***@db:5432/ordercert']) {
      assert.ok(text.includes(line), `${line} in\n${text}`);
    }
    assert.ok(!text.includes('hunter2'));
  });

  it('shows the demo secrets, which are public, and hides every other', () => {
    const text = describeStart(config({ tenants: [...DEMO_TENANTS, { user: 'carol', secret: 'c-secret' }, { user: 'alpha2', secret: 'alpha2-secret' }] }), 1);
    assert.match(text, /tenants +alpha:alpha-secret, beta:beta-secret, carol:\*\*\*, alpha2:\*\*\*$/m);
    assert.match(describeStart(config({ tenants: [{ user: 'alpha', secret: 'other' }] }), 1), /tenants +alpha:\*\*\*$/m);
    assert.match(describeStart(config(), 1), /tenants +none \(set ORDERCERT_TENANTS or ORDERCERT_DEMO=1\)$/m);
  });

  it('lists the test clock only when it is on', () => {
    assert.doesNotMatch(describeStart(config(), 1), /__clock/);
    assert.match(describeStart(config({ testClock: true }), 1), /test clock +http:\/\/127\.0\.0\.1:1\/__clock .*\n.*__clock\/\{cart,activation,ethernet\}/);
  });
});
