/** What the cart suite needs before any check: its profile keys, and the steps that tell whether they are right. */
import type { PreflightContext } from '../framework/check.js';
import { profileKey as key, type ProfileKey } from '../framework/profile-keys.js';
import { bookingPath, CANCEL, createBooking } from './helpers.js';

export const profileKeys: ProfileKey[] = [
  key('supplierId', 'string', true, 'the supplier the checks book with'),
  key('productId', 'string', true, 'a product the test resellers may book'),
  key('optionId', 'string', true, 'an option of that product'),
  key('availabilityId', 'string', true, 'an availability with room for every booking a run makes'),
  key('unitId', 'string', true, 'a unit of that option'),
  key('smallAvailabilityId', 'string', false, 'an availability of the same option with at most 10 places, to observe capacity'),
  key('asyncOptionId', 'string', false, 'an option whose confirmations are not instant (PENDING, then settled)'),
  key('asyncAvailabilityId', 'string', false, 'an availability of the asynchronous option whose confirmations settle CONFIRMED'),
  key('rejectingAvailabilityId', 'string', false, 'an availability of the asynchronous option whose confirmations are always REJECTED'),
  key('settleSeconds', 'number', false, 'seconds after which a PENDING confirmation has settled'),
];

export async function preflight({ t, clients, credentialProblem, brief }: PreflightContext): Promise<string[]> {
  const p = t.profile;
  const problems: string[] = [];
  for (const [i, client] of clients.slice(0, 2).entries()) {
    const ex = await client.get(`/suppliers/${encodeURIComponent(p.supplierId)}/orders/${t.uid('preflight-')}`, { skipSchema: true });
    const refused = credentialProblem(i, ex);
    if (refused) problems.push(refused);
  }
  if (problems.length) return problems;
  // The only way the Cart API tells whether the profile's ids exist: a booking with them, cancelled at once.
  const uuid = t.uuid();
  const created = await createBooking(t, { uuid, minutes: 5 }, clients[0], { skipSchema: true });
  if (created.status < 200 || created.status >= 300) {
    problems.push(
      `the cart API refused a booking with the profile's ids (supplierId "${p.supplierId}", productId "${p.productId}", optionId "${p.optionId}", ` +
        `availabilityId "${p.availabilityId}", unitId "${p.unitId}"): ${brief(created)}; check the cart section of the profile`,
    );
    return problems;
  }
  await clients[0].post(bookingPath(t, uuid, 'cancel'), CANCEL, { skipSchema: true });
  return problems;
}
