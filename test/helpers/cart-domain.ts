/** Building blocks of the cart domain tests: booking requests with unique uuids, and refusals as ApiErrors. */
import assert from 'node:assert/strict';
import type { BookingRequest } from '../../src/cart/domain.js';
import { ApiError } from '../../src/shared/errors.js';

/** A maker of booking requests for one option and availability; each gets the next uuid under `uuidPrefix`. */
export function bookingRequests(uuidPrefix: string, defaults: Pick<BookingRequest, 'optionId' | 'availabilityId'>) {
  let n = 0;
  return (o: Partial<BookingRequest> = {}): BookingRequest => ({
    uuid: `${uuidPrefix}${String(++n).padStart(12, '0')}`,
    productId: 'demo-tour',
    ...defaults,
    unitItems: [{ unitId: 'adult' }],
    holdExpirationMinutes: 30,
    ...o,
  });
}

/** Awaits `p` and asserts that it failed with an ApiError of `status` (and `code`, when given). */
export async function refused(p: Promise<unknown>, status: number, code?: string): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${err}`);
    assert.equal(err.status, status, err.message);
    if (code) assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${status}`);
}
