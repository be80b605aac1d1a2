/** HTTP to domain calls for the ethernet order API. Auth, body parsing and request validation sit in front. */
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { ApiError } from '../shared/errors.js';
import type { Action, EthernetDomain } from './domain.js';

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => fn(req, res).catch(next);

const param = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const integer = (value: unknown, fallback: number) => {
  const n = Number(value);
  return value === undefined || value === '' || !Number.isInteger(n) ? fallback : n;
};

export function ethernetRoutes(domain: EthernetDomain, basePath: string): Router {
  const router = express.Router();

  router.get(
    '/orders',
    wrap(async (req, res) => {
      const tenant: string = res.locals.tenant;
      const buyerId = param(req.query.buyerId);
      const id = param(req.query.id);
      const pon = param(req.query.pon);
      if (buyerId !== undefined && buyerId !== tenant) {
        throw new ApiError(403, 'WRONG_BUYER', `You can list only your own orders (buyerId "${tenant}")`);
      }
      if (id !== undefined || pon !== undefined) {
        res.status(200).json(await domain.find(tenant, { id, pon }));
        return;
      }
      const offset = Math.max(0, integer(req.query.offset, 0));
      const limit = Math.min(200, Math.max(1, integer(req.query.limit, 50)));
      res.status(200).json(await domain.list(tenant, offset, limit));
    }),
  );

  router.post(
    '/orders',
    wrap(async (req, res) => {
      const order = await domain.create(res.locals.tenant, req.body);
      res.status(201).location(`${basePath}/orders/${encodeURIComponent(order.id)}`).json(order);
    }),
  );

  router.get(
    '/orders/:id',
    wrap(async (req, res) => {
      res.status(200).json(await domain.get(res.locals.tenant, String(req.params.id)));
    }),
  );

  router.put(
    '/orders/:id',
    wrap(async (req, res) => {
      res.status(200).json(await domain.replace(res.locals.tenant, String(req.params.id), req.body));
    }),
  );

  router.patch(
    '/orders/:id',
    wrap(async (req, res) => {
      res.status(200).json(await domain.patch(res.locals.tenant, String(req.params.id), req.body));
    }),
  );

  for (const action of ['cancel', 'hold', 'release'] as Action[]) {
    router.post(
      `/orders/:id/${action}`,
      wrap(async (req, res) => {
        // 201, as the source documents ("201 Cancelled", "201 Held", "201 Released").
        res.status(201).json(await domain.transition(res.locals.tenant, String(req.params.id), action));
      }),
    );
  }
  return router;
}
