import fs from 'node:fs';
import path from 'node:path';
import express, { type ErrorRequestHandler, type Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import YAML from 'yaml';
import type { Knex } from 'knex';
import type { Clock } from './clock.js';
import type { ServerConfig } from './config.js';
import type { Migration } from './db.js';
import { ApiError } from './errors.js';
import { basicAuth } from './auth.js';
import { packageRoot } from './package-root.js';

export const ROOT = packageRoot(import.meta.url);

/** What every API module is given: its database, its clock, the server configuration. */
export interface ApiContext {
  db: Knex;
  /**
   * For reads that need no transaction and no lock. On SQLite a small pool of read-only connections, which
   * WAL lets run beside the one writer (each sees the last committed state); on PostgreSQL the same pool as db.
   */
  reader: Knex;
  clock: Clock;
  config: ServerConfig;
}

/**
 * One API of the reference server. The three APIs share this shape: a spec, migrations,
 * their own error body, routes over a domain module, and optional background work.
 */
export interface ApiModule {
  name: 'cart' | 'activation' | 'ethernet';
  /** Where the API is mounted in the reference server, e.g. `/cart`. The spec's paths sit below it. */
  mountPath: string;
  migrations: Migration[];
  /** Renders an error in the API's own error shape. */
  errorBody(error: ApiError): unknown;
  /** The API's routes (auth, body parsing and request validation are already in front of them). */
  routes(ctx: ApiContext): Router;
  /** Starts background work (workers, simulators); returns a function that stops it. */
  start?(ctx: ApiContext): () => Promise<void>;
  /** The spec requests are validated against, when not the API's own (a server drawing its own limits). */
  spec?: Record<string, any>;
}

export const specPath = (name: ApiModule['name']) => path.join(ROOT, 'specs', name, 'openapi.yaml');

export function loadSpec(name: ApiModule['name']): Record<string, any> {
  return YAML.parse(fs.readFileSync(specPath(name), 'utf8'));
}

/** The validator's messages, each led by the path of the member it is about. */
const bodyProblem = (err: any): string =>
  Array.isArray(err?.errors) && err.errors.length > 0
    ? err.errors.map((e: { path?: string; message?: string }) => `${(e.path ?? '').replace(/^\.?/, '')} ${e.message ?? ''}`.trim()).join('; ')
    : String(err?.message ?? 'no body');

/** Turns express-openapi-validator's and body-parser's errors into ApiErrors; keeps ours. */
export function toApiError(err: any): ApiError {
  if (err instanceof ApiError) return err;
  const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 500) return new ApiError(500, 'INTERNAL', 'Internal server error');
  if (err?.type === 'entity.parse.failed') return new ApiError(400, 'BAD_JSON', 'Request body is not valid JSON');
  if (err?.type === 'entity.too.large') return new ApiError(413, 'TOO_LARGE', 'Request body is larger than the limit');
  // A missing or non-JSON body is a bad request like any other: no spec documents 415, all document 400.
  if (status === 415) return new ApiError(400, 'INVALID_REQUEST', 'The request body is missing or not JSON: send a JSON body with Content-Type: application/json');
  if (Array.isArray(err?.errors) && err.errors.length > 0) {
    const code = status === 404 ? 'NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : 'INVALID_REQUEST';
    return new ApiError(status, code, bodyProblem(err));
  }
  return new ApiError(status, 'INVALID_REQUEST', String(err?.message ?? 'Bad request'));
}

/**
 * Mounts one API: JSON body parsing with a size limit, HTTP Basic auth, request validation
 * against the API's own spec, its routes, and an error handler that answers in its error shape.
 */
export function mountApi(app: express.Express, api: ApiModule, ctx: ApiContext): void {
  const spec = api.spec ? structuredClone(api.spec) : loadSpec(api.name);
  spec.servers = [{ url: api.mountPath }];
  const router = express.Router();
  router.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));
  router.use(basicAuth(ctx.config.tenants));
  router.use(
    OpenApiValidator.middleware({
      apiSpec: spec as any,
      // discriminator: a oneOf with a declared discriminator is validated against the one branch its propertyName
      // names, so the errors are about that branch's members instead of every other branch's objectType.
      validateRequests: ctx.config.validateRequests === false ? false : { allowUnknownQueryParameters: false, discriminator: true },
      validateResponses: false,
      validateSecurity: false,
      ignoreUndocumented: false,
    }),
  );
  router.use(api.routes(ctx));
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const error = toApiError(err);
    if (error.status >= 500) console.error(`[${api.name}] ${req.method} ${req.path}:`, err);
    if (!res.headersSent) res.status(error.status).json(api.errorBody(error));
    else res.end();
  };
  router.use(onError);
  app.use(api.mountPath, router);
}
