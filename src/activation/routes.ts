import express, { type Response, type Router } from 'express';
import type { ActivationDomain, EventView, OrderView } from './domain.js';
import { API_ROOT } from './domain.js';

const tenantOf = (res: Response): string => res.locals.tenant;

/** How a new order is answered: 201, Location to the order, the order as body. */
export type RespondCreated = (res: Response, order: OrderView, location: string) => void;
export const respondCreated: RespondCreated = (res, order, location) => {
  res.status(201).location(location).json(order);
};

/** Writes the feed as a JSON array, one event at a time, waiting for the socket when it is full. */
async function streamArray(res: Response, items: AsyncIterable<EventView>): Promise<void> {
  res.status(200).type('application/json');
  const write = (chunk: string) =>
    res.write(chunk)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          // A client that goes away never drains: stop waiting then too.
          res.once('drain', () => resolve());
          res.once('close', () => resolve());
        });
  let first = true;
  let buffer = '[';
  for await (const item of items) {
    if (res.destroyed) return;
    buffer += (first ? '' : ',') + JSON.stringify(item);
    first = false;
    if (buffer.length >= 64 * 1024) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer + ']');
  res.end();
}

/** An If-Modified-Since header as a date; undefined when absent or not an HTTP-date (then the whole list is sent). */
function ifModifiedSince(header: string | undefined): Date | undefined {
  if (!header) return undefined;
  const ms = Date.parse(header);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** HTTP over the domain: every rule lives in the domain; this maps requests and answers. */
export function activationRoutes(domain: ActivationDomain, options: { respondCreated?: RespondCreated } = {}): Router {
  const router = express.Router();
  const created = options.respondCreated ?? respondCreated;

  router.post(`${API_ROOT}/orders/`, async (req, res) => {
    const { status, order } = await domain.createOrder(tenantOf(res), req.body ?? {});
    if (status === 201) created(res, order, `${req.baseUrl}${order.path}`);
    else res.status(200).json(order);
  });

  router.get(`${API_ROOT}/orders/:orderId`, async (req, res) => {
    res.json(await domain.getOrder(tenantOf(res), req.params.orderId as string));
  });

  router.get(`${API_ROOT}/orderevents/`, async (req, res) => {
    const since = typeof req.query.since === 'string' ? req.query.since : undefined;
    const events = await domain.feed(tenantOf(res), since);
    await streamArray(res, events);
  });

  // The whole access list is serialised once and sent as is; If-Modified-Since asks only for what changed since.
  let accessList: string | undefined;
  router.get(`${API_ROOT}/accesses/`, (req, res) => {
    const modifiedAt = domain.accessesModifiedAt();
    const since = ifModifiedSince(req.get('If-Modified-Since'));
    res.set('Last-Modified', modifiedAt.toUTCString());
    if (since && modifiedAt <= since) {
      res.status(304).end();
      return;
    }
    if (since) {
      res.json(domain.listAccesses(since));
      return;
    }
    accessList ??= JSON.stringify(domain.listAccesses());
    res.type('application/json').send(accessList);
  });

  router.get(`${API_ROOT}/accesses/:accessId`, async (req, res) => {
    res.json(await domain.getAccess(tenantOf(res), req.params.accessId as string));
  });

  router.get(`${API_ROOT}/services/`, async (_req, res) => {
    res.json(await domain.listServices(tenantOf(res)));
  });

  return router;
}
