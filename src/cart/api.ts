import type { ApiModule } from '../shared/api.js';
import type { ApiError } from '../shared/errors.js';
import { CartDomain, CODES } from './domain.js';
import { cartMigrations } from './migrations.js';
import { cartRoutes } from './routes.js';

export interface CartApiOptions {
  /** The domain module (a broken variant swaps in a subclass). */
  domain?: CartDomain;
}

const SHARED_CODES: Record<string, string> = {
  UNAUTHORIZED: CODES.unauthorized,
  NOT_FOUND: CODES.notFound,
  INVALID_REQUEST: CODES.invalid,
  BAD_JSON: CODES.invalid,
  TOO_LARGE: CODES.invalid,
  METHOD_NOT_ALLOWED: CODES.invalid,
};

/** Renders an ApiError as the OCTO error array. */
export function cartErrorBody(error: ApiError) {
  const errorClass = error.status >= 500 ? 'unknownError' : error.status === 400 || error.status === 413 ? 'inputValidationError' : 'illegalOperationError';
  const errorCode = /^core\/9\d{3}$/.test(error.code) ? error.code : (SHARED_CODES[error.code] ?? (error.status >= 500 ? 'core/9000' : CODES.invalid));
  const item: Record<string, unknown> = { errorClass, errorCode, errorMessage: error.message, retryable: error.status >= 500 };
  if (typeof error.details?.bookingUuid === 'string') item.bookingUuid = error.details.bookingUuid;
  return [item];
}

export function cartApi(options: CartApiOptions = {}): ApiModule {
  const domain = options.domain ?? new CartDomain();
  return {
    name: 'cart',
    mountPath: '/cart',
    migrations: cartMigrations,
    errorBody: cartErrorBody,
    routes: (ctx) => cartRoutes(ctx, domain),
  };
}
