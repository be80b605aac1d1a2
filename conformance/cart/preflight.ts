/** What the cart suite needs before any check: its profile keys, and the steps that tell whether they are right. */
import type { CheckContext, PreflightContext } from '../framework/check.js';
import type { ApiClient } from '../framework/http.js';
import type { Exchange } from '../framework/types.js';
import { profileKey as key, type ProfileKey } from '../framework/profile-keys.js';
import { bookingBody, bookingPath, bookingsPath, CANCEL, CART, CONFIRM, createBooking, orderPath } from './helpers.js';

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

export async function preflight({ t, clients, credentialProblem, brief, capabilities }: PreflightContext): Promise<string[]> {
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
  const explicit = (name: 'asyncConfirmation' | 'perBookingHolds') => capabilities[name].declared && capabilities[name].state === 'offered';
  if (explicit('asyncConfirmation')) problems.push(...(await asyncConfirmationShown(t, clients[0], brief)));
  if (explicit('perBookingHolds')) problems.push(...(await perBookingHoldsShown(t, clients[0], brief)));
  return problems;
}

/** A declared asynchronous confirmation, shown: an order of the asynchronous option confirmed reads PENDING. */
async function asyncConfirmationShown(t: CheckContext, client: ApiClient, brief: (ex: Exchange) => string): Promise<string[]> {
  const p = t.profile;
  const orderId = t.uid('preflight-');
  const booked = await client.post(
    bookingsPath(t),
    { ...bookingBody(t, { orderId, availabilityId: p.asyncAvailabilityId }), optionId: p.asyncOptionId },
    { headers: CART, skipSchema: true },
  );
  const where = `(asyncOptionId "${p.asyncOptionId}", asyncAvailabilityId "${p.asyncAvailabilityId}")`;
  if (booked.status < 200 || booked.status >= 300) return [`the cart API refused a booking of the asynchronous option ${where}: ${brief(booked)}; check the cart section of the profile`];
  const confirmed = await client.post(orderPath(t, orderId, 'confirm'), CONFIRM, { skipSchema: true });
  const read = await client.get(orderPath(t, orderId), { skipSchema: true });
  if (confirmed.body?.status === 'PENDING' || read.body?.status === 'PENDING') return [];
  return [
    `the profile declares capabilities.asyncConfirmation, but confirming an order of the asynchronous option ${where} answered ${brief(confirmed)} ` +
      `and the order then read ${read.body?.status ?? read.status}, not PENDING: declare asyncConfirmation false, or name an option whose confirmations are pending`,
  ];
}

/** Declared holds per booking, shown: two bookings of one order asking for 30 and 1 minutes get holds ending apart. */
async function perBookingHoldsShown(t: CheckContext, client: ApiClient, brief: (ex: Exchange) => string): Promise<string[]> {
  const orderId = t.uid('preflight-');
  const uuids = [t.uuid(), t.uuid()];
  for (const [i, minutes] of [30, 1].entries()) {
    const ex = await createBooking(t, { uuid: uuids[i], orderId, minutes }, client, { skipSchema: true });
    if (ex.status < 200 || ex.status >= 300) return [`the cart API refused booking ${i + 1} of an order (${minutes} minutes' hold): ${brief(ex)}`];
  }
  const order = (await client.get(orderPath(t, orderId), { skipSchema: true })).body;
  // The short booking's hold as the order lists it, else as the booking reads alone: an order that does not list a
  // booking which joined it breaks a rule the checks judge, and says nothing about the holds.
  const listed = order?.bookings?.find((b: any) => b?.uuid === uuids[1]);
  const short = listed ?? (await client.get(bookingPath(t, uuids[1]), { skipSchema: true })).body;
  for (const uuid of uuids) await client.post(bookingPath(t, uuid, 'cancel'), CANCEL, { skipSchema: true });
  const shortHold = Date.parse(short?.utcHoldExpiration);
  const orderHold = Date.parse(order?.utcExpiresAt);
  if (Number.isNaN(shortHold) || Number.isNaN(orderHold)) return [];
  if (shortHold + 10_000 < orderHold) return [];
  return [
    `the profile declares capabilities.perBookingHolds, but of an order whose bookings asked for 30 and 1 minutes' holds the second is held until ` +
      `${short?.utcHoldExpiration} and the order until ${order?.utcExpiresAt}: declare perBookingHolds false (one hold per order)`,
  ];
}
