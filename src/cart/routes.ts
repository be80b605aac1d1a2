import express, { type Router } from 'express';
import type { ApiContext } from '../shared/api.js';
import type { CartDomain } from './domain.js';

/** True when the X-Capabilities header (a comma-separated list) names the cart capability. */
export const hasCartCapability = (header: string | string[] | undefined): boolean =>
  (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .includes('redeam/cart');

/** Maps HTTP to the domain. Auth, body parsing and request validation are already in front. */
export function cartRoutes(ctx: ApiContext, domain: CartDomain): Router {
  const r = express.Router();
  const dc = { db: ctx.db, reader: ctx.reader, clock: ctx.clock, pendingSeconds: ctx.config.cartPendingSeconds };
  const tenant = (res: express.Response) => String(res.locals.tenant);
  const p = (req: express.Request, name: string) => String(req.params[name]);

  r.post('/suppliers/:supplierId/bookings', async (req, res) => {
    const { booking, created } = await domain.createBooking(dc, tenant(res), p(req, 'supplierId'), req.body, hasCartCapability(req.headers['x-capabilities']));
    res.status(created ? 201 : 200).json(booking);
  });
  r.get('/suppliers/:supplierId/bookings/:uuid', async (req, res) => {
    res.json(await domain.getBooking(dc, tenant(res), p(req, 'supplierId'), p(req, 'uuid')));
  });
  r.post('/suppliers/:supplierId/bookings/:uuid/extend', async (req, res) => {
    res.json(await domain.extendBooking(dc, tenant(res), p(req, 'supplierId'), p(req, 'uuid'), req.body));
  });
  r.post('/suppliers/:supplierId/bookings/:uuid/confirm', async (req, res) => {
    res.json(await domain.confirmBooking(dc, tenant(res), p(req, 'supplierId'), p(req, 'uuid'), req.body));
  });
  r.post('/suppliers/:supplierId/bookings/:uuid/cancel', async (req, res) => {
    res.json(await domain.cancelBooking(dc, tenant(res), p(req, 'supplierId'), p(req, 'uuid'), req.body));
  });
  r.get('/suppliers/:supplierId/orders/:orderId', async (req, res) => {
    res.json(await domain.getOrder(dc, tenant(res), p(req, 'supplierId'), p(req, 'orderId')));
  });
  r.post('/suppliers/:supplierId/orders/:orderId/extend', async (req, res) => {
    res.json(await domain.extendOrder(dc, tenant(res), p(req, 'supplierId'), p(req, 'orderId'), req.body));
  });
  r.post('/suppliers/:supplierId/orders/:orderId/confirm', async (req, res) => {
    res.json(await domain.confirmOrder(dc, tenant(res), p(req, 'supplierId'), p(req, 'orderId'), req.body));
  });
  r.delete('/suppliers/:supplierId/orders/:orderId', async (req, res) => {
    res.json(await domain.cancelOrder(dc, tenant(res), p(req, 'supplierId'), p(req, 'orderId'), req.body));
  });
  return r;
}
