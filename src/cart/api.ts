import express from 'express';
import type { ApiModule } from '../shared/api.js';
import { ApiError } from '../shared/errors.js';

export function cartApi(): ApiModule {
  return {
    name: 'cart',
    mountPath: '/cart',
    migrations: [],
    errorBody: (e: ApiError) => ({ message: e.message }),
    routes: () => express.Router().use((_req, _res, next) => next(new ApiError(501, 'NOT_IMPLEMENTED', 'Not implemented yet'))),
  };
}
