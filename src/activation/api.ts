import type { ApiContext, ApiModule } from '../shared/api.js';
import type { ApiError } from '../shared/errors.js';
import { demoCatalogue, type AccessCatalogue } from './catalogue.js';
import { ActivationDomain } from './domain.js';
import { activationMigrations } from './migrations.js';
import { activationRoutes, type RespondCreated } from './routes.js';
import { startWorker } from './worker.js';

export interface ActivationOptions {
  /** Builds the domain for a server context (a broken variant passes a subclass). */
  domain?: (ctx: ApiContext, catalogue: AccessCatalogue) => ActivationDomain;
  /** How a new order is answered (201 + Location + body in the reference server). */
  respondCreated?: RespondCreated;
  catalogue?: AccessCatalogue;
  workerIntervalMs?: number;
}

/** The Service Activation API (ON-API 2.3.1) with its order event feed, mounted at /activation. */
export function activationApi(options: ActivationOptions = {}): ApiModule {
  const catalogue = options.catalogue ?? demoCatalogue();
  const domains = new WeakMap<ApiContext, ActivationDomain>();
  const domainFor = (ctx: ApiContext) => {
    let domain = domains.get(ctx);
    if (!domain) {
      domain = options.domain
        ? options.domain(ctx, catalogue)
        : new ActivationDomain(ctx.db, ctx.clock, { delaySeconds: ctx.config.activationDelaySeconds, catalogue, feedBatchSize: ctx.config.activationFeedBatchSize });
      domains.set(ctx, domain);
    }
    return domain;
  };
  return {
    name: 'activation',
    mountPath: '/activation',
    migrations: activationMigrations,
    errorBody: (e: ApiError) => ({ cause: e.message }),
    routes: (ctx) => activationRoutes(domainFor(ctx), { respondCreated: options.respondCreated }),
    start: (ctx) => startWorker(domainFor(ctx), options.workerIntervalMs),
  };
}
