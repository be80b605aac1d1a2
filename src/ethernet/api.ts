import express from 'express';
import type { ApiContext, ApiModule } from '../shared/api.js';
import type { ApiError } from '../shared/errors.js';
import { EthernetDomain, type DomainOptions } from './domain.js';
import { ethernetRoutes } from './routes.js';
import { ethernetMigrations } from './store.js';
import { startSimulator } from './simulator.js';

export const MOUNT_PATH = '/ethernet';

export interface EthernetApiOptions {
  /** Builds the domain (a broken variant swaps in its own). */
  domain?: (options: DomainOptions) => EthernetDomain;
  /** Post-processes every successful JSON answer (a broken variant can damage responses). */
  mapResponse?: (body: any) => any;
}

/** errorCode is at most 12 characters in the error shape; the shared layer's longer codes get short names. */
const SHORT_CODES: Record<string, string> = {
  INVALID_REQUEST: 'INVALID',
  METHOD_NOT_ALLOWED: 'BAD_METHOD',
};
const short = (code: string) => (SHORT_CODES[code] ?? code).slice(0, 12);
const clip = (text: string) => (text.length > 150 ? text.slice(0, 147) + '...' : text);

/** Renders an ApiError as `{ objectType: errorResponse, orderMessages: [...] }`. */
export function ethernetErrorBody(error: ApiError) {
  type Message = { code: string; message: string; orderItemReference?: string };
  const listed = Array.isArray(error.details?.messages) ? (error.details.messages as Message[]) : undefined;
  const messages: Message[] = listed ?? (error.code === 'INVALID_REQUEST' ? error.message.split('; ').slice(0, 10).map((m) => ({ code: error.code, message: m })) : [{ code: error.code, message: error.message }]);
  return {
    objectType: 'errorResponse',
    orderMessages: messages.map((m) => ({
      objectType: 'orderMessage',
      errorCode: short(m.code),
      errorSeverity: 'ERROR',
      errorDescription: clip(m.message || m.code),
      // The members the source's orderMessage schema defines, beside the ones it requires.
      code: short(m.code),
      severity: 'ERROR',
      messageInformation: clip(m.message || m.code),
      ...(m.orderItemReference ? { orderItemReference: m.orderItemReference.slice(0, 4) } : {}),
    })),
  };
}

export function ethernetApi(options: EthernetApiOptions = {}): ApiModule {
  const makeDomain = (ctx: ApiContext) => (options.domain ?? ((o) => new EthernetDomain(o)))({ db: ctx.db, clock: ctx.clock, basePath: MOUNT_PATH });
  return {
    name: 'ethernet',
    mountPath: MOUNT_PATH,
    migrations: ethernetMigrations,
    errorBody: ethernetErrorBody,
    routes(ctx) {
      const routes = ethernetRoutes(makeDomain(ctx), MOUNT_PATH);
      const map = options.mapResponse;
      if (!map) return routes;
      const router = express.Router();
      router.use((_req, res, next) => {
        const json = res.json.bind(res);
        res.json = (body: any) => json(res.statusCode < 300 ? map(body) : body);
        next();
      });
      router.use(routes);
      return router;
    },
    start(ctx) {
      return startSimulator(makeDomain(ctx), ctx);
    },
  };
}
