/**
 * Wrappers that make a choice at an API's HTTP edge, in front of the reference routes (after auth and request
 * validation): the reference domain stays as it is, the answers and the paths change.
 */
import express, { type RequestHandler } from 'express';
import { loadSpec, type ApiModule } from '../../src/shared/api.js';

/** The same API with `edge` in front of its routes. */
export function withEdge(api: ApiModule, edge: RequestHandler): ApiModule {
  return {
    ...api,
    routes: (ctx) => {
      const router = express.Router();
      router.use(edge);
      router.use(api.routes(ctx));
      return router;
    },
  };
}

/**
 * Every JSON answer of the API, errors included, passes through `map` (which must give the same result when
 * applied twice: an error rendered after the edge passes through it once more).
 */
export function mapAnswers(api: ApiModule, map: (body: any, status: number) => any): ApiModule {
  const edged = withEdge(api, (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: any) => json(map(body, res.statusCode));
    next();
  });
  return { ...edged, errorBody: (error) => map(api.errorBody(error), error.status) };
}

/** The same API below another path (a vendor's gateway prefix). */
export const remount = (api: ApiModule, mountPath: string): ApiModule => ({ ...api, mountPath });

/** Applies `add` to every plain object in `body`, at every depth. */
export function everyObject(body: any, add: (o: Record<string, unknown>) => void): any {
  if (Array.isArray(body)) body.forEach((b) => everyObject(b, add));
  else if (body && typeof body === 'object') {
    for (const v of Object.values(body)) everyObject(v, add);
    add(body);
  }
  return body;
}

/** The API validating requests against a copy of its spec, with `change` made to the copy's schemas (other limits). */
export function withOwnLimits(api: ApiModule, change: (schemas: Record<string, any>) => void): ApiModule {
  const spec = loadSpec(api.name);
  change(spec.components.schemas);
  return { ...api, spec };
}
