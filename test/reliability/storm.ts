/**
 * Crash storm: concurrent cart order operations and activation orders against a reference server
 * process that is killed with SIGKILL at random moments and restarted on the same database. After
 * each restart: no order has bookings in different statuses, no availability holds more than its
 * capacity, the event feed extends what readers saw before (nothing lost, reordered or duplicated),
 * and nothing acknowledged to a client is lost.
 */
import crypto from 'node:crypto';
import { openDb } from '../../src/shared/db.js';
import { databaseFor, startTestServer, type Backend, type TestServer } from '../helpers/server.js';

export interface StormOptions {
  backend: Backend;
  kills: number;
  /** Random time the load runs before each kill, in ms. */
  minRunMs?: number;
  maxRunMs?: number;
  /**
   * Acknowledged writes to wait for before each kill, after the random time: on a loaded machine that time alone may
   * pass with almost nothing acknowledged, and a kill then tests nothing. Waited for at most `maxWaitMs` (default 30 s).
   */
  minAcknowledgedPerRound?: number;
  maxWaitMs?: number;
  seed?: number;
}

export interface StormSummary {
  backend: Backend;
  kills: number;
  operations: number;
  acknowledged: number;
  events: number;
  violations: string[];
}

const auth = { Authorization: 'Basic ' + Buffer.from('alpha:alpha-secret').toString('base64'), 'Content-Type': 'application/json' };
const SUP = '/suppliers/demo-supplier';
const STORM_ACCESSES = Array.from({ length: 40 }, (_, i) => `STTA${String(150 + i).padStart(4, '0')}`);

export async function crashStorm(options: StormOptions): Promise<StormSummary> {
  let random = options.seed ?? 1;
  const rand = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const databaseUrl = await databaseFor(options.backend);
  const summary: StormSummary = { backend: options.backend, kills: 0, operations: 0, acknowledged: 0, events: 0, violations: [] };
  // What clients were told: bookings created, orders confirmed or cancelled, activation orders placed.
  const ackBookings = new Map<string, string>(); // uuid -> orderId
  const ackOrderStatus = new Map<string, string>(); // orderId -> CONFIRMED | CANCELLED
  const ackActivation = new Set<string>(); // order path
  let feedSeen: string[] = [];

  const call = async (server: TestServer, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    summary.operations++;
    const res = await fetch(url, { method, headers: { ...auth, ...headers }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  const cartWorker = async (server: TestServer, stop: () => boolean) => {
    while (!stop()) {
      const orderId = `storm-${crypto.randomBytes(5).toString('hex')}`;
      for (let i = 0; i < 3 && !stop(); i++) {
        const uuid = crypto.randomUUID();
        const res = await call(server, 'POST', `${server.apis.cart}${SUP}/bookings`, {
          uuid, channelName: 'storm', productId: 'demo-tour', optionId: 'DEFAULT', availabilityId: pick(['slot-open', 'slot-small']),
          unitItems: [{ unitId: 'adult' }], holdExpirationMinutes: 30, orderId,
        }, { 'X-Capabilities': 'redeam/cart' });
        if (res.status < 300) (ackBookings.set(uuid, orderId), summary.acknowledged++);
      }
      const op = pick(['confirm', 'cancel', 'extend', 'race']);
      const url = `${server.apis.cart}${SUP}/orders/${orderId}`;
      const confirm = () => call(server, 'POST', `${url}/confirm`, { contact: { fullName: 'Storm', emailAddress: 's@example.com', phoneNumber: '+4670000', locales: ['en'] } });
      const cancel = () => call(server, 'DELETE', url, { reason: 'CUSTOMER' });
      const results = op === 'confirm' ? [['CONFIRMED', await confirm()]] : op === 'cancel' ? [['CANCELLED', await cancel()]] : op === 'race' ? await Promise.all([confirm().then((r) => ['CONFIRMED', r]), cancel().then((r) => ['CANCELLED', r])]) : [['', await call(server, 'POST', `${url}/extend`, { reason: 'OTHER', holdExpirationMinutes: 10 })]];
      for (const [status, res] of results as Array<[string, { status: number }]>) {
        if (status && res.status < 300) (ackOrderStatus.set(orderId, status), summary.acknowledged++);
      }
    }
  };

  const activationWorker = async (server: TestServer, stop: () => boolean) => {
    while (!stop()) {
      const accessId = pick(STORM_ACCESSES);
      const operation = pick(['ACTIVATE', 'DEACTIVATE']);
      const res = await call(server, 'POST', `${server.apis.activation}/api/2.3.1/orders/`, {
        accessId, service: 'VOIP-1', operation, ...(operation === 'ACTIVATE' ? { forcedTakeover: false } : {}),
      });
      if (res.status < 300 && res.body?.path) (ackActivation.add(res.body.path), summary.acknowledged++);
    }
  };

  const feedReader = async (server: TestServer, stop: () => boolean) => {
    while (!stop()) {
      const since = feedSeen.at(-1);
      const res = await call(server, 'GET', `${server.apis.activation}/api/2.3.1/orderevents/${since ? `?since=${since}` : ''}`);
      if (res.status === 200) feedSeen = feedSeen.concat(res.body.map((e: any) => e.event));
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  for (let round = 0; round <= options.kills; round++) {
    const server = await startTestServer({ databaseUrl, testClock: false, env: { ACTIVATION_DELAY_SECONDS: '0' } });
    await verify(server, round);
    if (round === options.kills) {
      await server.stop();
      break;
    }
    let stopped = false;
    const stop = () => stopped;
    const swallow = (p: Promise<void>) => p.catch(() => undefined); // a killed server breaks requests mid-flight
    const load = [cartWorker, cartWorker, activationWorker, activationWorker, feedReader].map((w) => swallow(w(server, stop)));
    const min = options.minRunMs ?? 300;
    const before = summary.acknowledged;
    await new Promise((r) => setTimeout(r, min + rand() * ((options.maxRunMs ?? 1500) - min)));
    const giveUp = Date.now() + (options.maxWaitMs ?? 30_000);
    while (summary.acknowledged - before < (options.minAcknowledgedPerRound ?? 0) && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 20));
    await server.kill('SIGKILL');
    summary.kills++;
    stopped = true;
    await Promise.all(load);
  }
  return summary;

  async function verify(server: TestServer, round: number) {
    const problem = (msg: string) => summary.violations.push(`after kill ${round}: ${msg}`);
    // Cart: every acknowledged booking exists; an order's bookings share one status; acknowledged outcomes hold.
    const byOrder = new Map<string, string[]>();
    for (const [uuid, orderId] of ackBookings) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), uuid]);
    for (const [orderId, uuids] of byOrder) {
      const res = await call(server, 'GET', `${server.apis.cart}${SUP}/orders/${orderId}`);
      if (res.status !== 200) {
        problem(`order ${orderId} with acknowledged bookings answers ${res.status}`);
        continue;
      }
      const statuses = new Set<string>(res.body.bookings.map((b: any) => b.status));
      if (statuses.size > 1) problem(`order ${orderId} has bookings in ${[...statuses].join(' and ')}`);
      const present = new Set(res.body.bookings.map((b: any) => b.uuid));
      for (const uuid of uuids) if (!present.has(uuid)) problem(`acknowledged booking ${uuid} of order ${orderId} is lost`);
      const told = ackOrderStatus.get(orderId);
      if (told && res.body.status !== told) problem(`order ${orderId} was acknowledged ${told} but reads ${res.body.status}`);
    }
    const db = openDb(databaseUrl);
    try {
      const now = new Date().toISOString();
      const held = await db('cart_bookings as b')
        .join('cart_availabilities as a', function () {
          this.on('a.id', '=', 'b.availability_id').andOn('a.supplier_id', '=', 'b.supplier_id');
        })
        .where((q) => q.where('b.status', 'CONFIRMED').orWhere((w) => w.where('b.status', 'ON_HOLD').where('b.utc_hold_expiration', '>', now)))
        .groupBy('a.id', 'a.capacity')
        .select('a.id', 'a.capacity', db.raw('sum(b.units) as taken'));
      for (const row of held) {
        if (Number(row.taken) <= Number(row.capacity)) continue;
        // The bookings that count, as stored: what a failure needs to be understood after the database is gone.
        const counted = await db('cart_bookings')
          .where({ availability_id: row.id })
          .where((q) => q.where('status', 'CONFIRMED').orWhere((w) => w.where('status', 'ON_HOLD').where('utc_hold_expiration', '>', now)))
          .select('uuid', 'order_id', 'status', 'units', 'utc_hold_expiration', 'utc_created_at', 'utc_confirmed_at');
        problem(`availability ${row.id} holds ${row.taken} of ${row.capacity} places (at ${now}: ${JSON.stringify(counted)})`);
      }
    } finally {
      await db.destroy();
    }
    // Activation: acknowledged orders exist; the feed extends what readers saw; no event twice.
    for (const path of ackActivation) {
      const res = await call(server, 'GET', `${server.apis.activation}${path}`);
      if (res.status !== 200) problem(`acknowledged activation order ${path} answers ${res.status}`);
    }
    const feed = await call(server, 'GET', `${server.apis.activation}/api/2.3.1/orderevents/`);
    const ids: string[] = feed.body.map((e: any) => e.event);
    summary.events = ids.length;
    if (new Set(ids).size !== ids.length) problem('the feed repeats an event');
    if (feedSeen.some((id, i) => ids[i] !== id)) problem(`the feed no longer starts with the ${feedSeen.length} events readers saw before`);
    const paths = feed.body.map((e: any) => e.order.path);
    if (new Set(paths).size !== paths.length) problem('an order has more than one event');
  }
}
