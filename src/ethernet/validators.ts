/** The generated Ajv validators of the ethernet spec, as the domain uses them. */
import type { ValidateFunction } from 'ajv';
import { request_createOrder } from '../../generated/ethernet/validators.js';

/** The request body validator of POST /orders (an order-create-update). */
export const validateOrderCreateUpdate: ValidateFunction = request_createOrder;
