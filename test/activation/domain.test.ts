/** The activation domain on a real SQLite file and on PostgreSQL: order rules, provisioning, the event feed. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { demoCatalogue, FAILING_ACCESS, FAILING_MESSAGE, LIMITED_ACCESS } from '../../src/activation/catalogue.js';
import { ActivationDomain, type EventView } from '../../src/activation/domain.js';
import { activationMigrations } from '../../src/activation/migrations.js';
import { TestClock } from '../../src/shared/clock.js';
import { migrate, openDb } from '../../src/shared/db.js';
import { ApiError } from '../../src/shared/errors.js';
import { createDatabase } from '../helpers/pg.js';

const collect = async (it: AsyncIterable<EventView>) => {
  const out: EventView[] = [];
  for await (const e of it) out.push(e);
  return out;
};
const activate = (accessId: string, service = 'BB-100-10') => ({ accessId, service, operation: 'ACTIVATE' as const, forcedTakeover: false });
const deactivate = (accessId: string, service = 'BB-100-10') => ({ accessId, service, operation: 'DEACTIVATE' as const });

async function rejects(p: Promise<unknown>, status: number, cause?: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, status);
    if (cause) assert.match(err.message, cause);
    return true;
  });
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`activation domain (${backend})`, function () {
    this.timeout(60_000);
    let db: Knex;
    let clock: TestClock;
    let domain: ActivationDomain;

    before(async () => {
      const url = backend === 'postgres' ? await createDatabase() : `sqlite://${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'act-')), 'db.sqlite')}`;
      db = openDb(url);
      await migrate(db, activationMigrations);
      clock = new TestClock();
      domain = new ActivationDomain(db, clock, { delaySeconds: 2, catalogue: demoCatalogue(), feedBatchSize: 3 });
    });
    after(async () => {
      await db?.destroy();
    });

    const drain = async () => {
      let n = 0;
      while (await domain.finishOne()) n++;
      return n;
    };

    it('receives an order, finishes it only once the delay has passed on the clock, then never again', async () => {
      const created = await domain.createOrder('alpha', activate('STTA0001'));
      assert.equal(created.status, 201);
      assert.equal(created.order.state, 'RECEIVED');
      assert.equal(created.order.message, '');
      assert.equal(await drain(), 0, 'not due yet');
      clock.advance(2);
      assert.equal(await drain(), 1);
      const done = await domain.getOrder('alpha', created.order.path!.split('/').pop()!);
      assert.equal(done.state, 'DONE_SUCCESS');
      clock.advance(3600);
      assert.equal(await drain(), 0);
      assert.deepEqual(await domain.getOrder('alpha', created.order.path!.split('/').pop()!), done);
      const events = await collect(await domain.feed('alpha'));
      assert.equal(events.filter((e) => e.order.path === created.order.path).length, 1);
    });

    it('answers the order in progress (200) instead of a second one, and nothing-to-do as DONE_SUCCESS without path', async () => {
      const first = await domain.createOrder('alpha', activate('STTA0010'));
      const again = await domain.createOrder('alpha', activate('STTA0010'));
      assert.equal(again.status, 200);
      assert.equal(again.order.path, first.order.path);
      clock.advance(2);
      await drain();
      const noop = await domain.createOrder('alpha', activate('STTA0010'));
      assert.deepEqual(noop, { status: 200, order: { accessId: 'STTA0010', service: 'BB-100-10', operation: 'ACTIVATE', state: 'DONE_SUCCESS', message: '' } });
      const off = await domain.createOrder('alpha', deactivate('STTA0011'));
      assert.equal(off.status, 200);
      assert.equal(off.order.path, undefined);
    });

    it('refuses bad input, unknown accesses, services not offered, same-type and claimed service types', async () => {
      await rejects(domain.createOrder('alpha', { accessId: 'STTA0020', service: 'BB-100-10', operation: 'ACTIVATE' }), 400, /forcedTakeover/);
      await rejects(domain.createOrder('alpha', activate('NOSUCH1')), 400, /Unknown accessId/);
      await rejects(domain.createOrder('alpha', activate('bad id!')), 400);
      await rejects(domain.createOrder('alpha', activate('STTA0020', 'NOPE')), 400, /not offered/);
      await rejects(domain.createOrder('alpha', activate(LIMITED_ACCESS, 'BB-1000-1000')), 400, /not offered/);
      await rejects(domain.createOrder('alpha', { ...activate('STTA0020'), spReference: 'x'.repeat(256) }), 400);
      await rejects(domain.createOrder('alpha', { ...activate('STTA0020'), equipment: [{ vendorId: 'A', macAddress: 'zz' }] }), 400);
      const count = await db('act_orders').where({ access_id: 'STTA0020' }).count({ n: '*' });
      assert.equal(Number(count[0].n), 0, 'nothing created');
      await domain.createOrder('alpha', activate('STTA0021', 'BB-100-100'));
      clock.advance(2);
      await drain();
      await rejects(domain.createOrder('alpha', activate('STTA0021', 'BB-100-10')), 400, /Another Service of ServiceType 'Broadband' is already active\./);
      await rejects(domain.createOrder('beta', activate('STTA0021', 'BB-1000-1000')), 400, /already claimed by other Service Provider/);
      const other = await domain.createOrder('beta', activate('STTA0021', 'IPTV-BASIC'));
      assert.equal(other.status, 201, 'another service type is free');
    });

    it('fails every order at the failing access with its message', async () => {
      const created = await domain.createOrder('alpha', activate(FAILING_ACCESS));
      clock.advance(2);
      await drain();
      const done = await domain.getOrder('alpha', created.order.path!.split('/').pop()!);
      assert.equal(done.state, 'DONE_FAILED');
      assert.equal(done.message, FAILING_MESSAGE);
    });

    it('keeps each provider to its own orders, events and services', async () => {
      const created = await domain.createOrder('alpha', activate('STTA0030'));
      await rejects(domain.getOrder('beta', created.order.path!.split('/').pop()!), 404);
      clock.advance(2);
      await drain();
      const betaEvents = await collect(await domain.feed('beta'));
      assert.ok(!betaEvents.some((e) => e.order.path === created.order.path));
      assert.ok(!(await domain.listServices('beta')).some((s) => s.accessId === 'STTA0030'));
      assert.ok((await domain.listServices('alpha')).some((s) => s.accessId === 'STTA0030'));
      const alphaEvent = (await collect(await domain.feed('alpha'))).at(-1)!;
      await rejects(domain.feed('beta', alphaEvent.event), 400, /Unknown event/);
    });

    it('streams the feed in batches, oldest first; since is exclusive; an unknown since is 400', async () => {
      for (let i = 0; i < 4; i++) {
        await domain.createOrder('alpha', i % 2 ? deactivate('STTA0040') : activate('STTA0040'));
        clock.advance(2);
        await drain();
      }
      const all = await collect(await domain.feed('alpha'));
      assert.ok(all.length > 6, 'more than two batches of 3');
      assert.equal(new Set(all.map((e) => e.event)).size, all.length);
      const positions = await db('act_events').where({ tenant: 'alpha' }).orderBy('position').pluck('event_id');
      assert.deepEqual(all.map((e) => e.event), positions);
      for (let k = 0; k < all.length; k++) {
        assert.deepEqual((await collect(await domain.feed('alpha', all[k].event))).map((e) => e.event), all.slice(k + 1).map((e) => e.event));
      }
      await rejects(domain.feed('alpha', 'cc537e54-e59c-11e3-a593-3c970e806452'), 400);
      assert.ok(all.every((e) => e.order.state === 'DONE_SUCCESS' || e.order.state === 'DONE_FAILED'));
    });
  });
}
