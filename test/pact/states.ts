/**
 * Provider states of the ordercert pacts: one name per state, the parameters the consumer sends with it, and the
 * values the provider answers with from its state setup (injected into the request where the consumer cannot know
 * them: server-chosen ids, the vendor's own catalogue and buyer ids). Both sides import this module: the consumer
 * tests to name the states, the provider verification to register a handler for every one of them.
 *
 * A vendor's provider-state setup endpoint receives `{ "state": <name>, "params": { ... } }` and must make the
 * state true (creating the objects, and removing any left over under the same ids), then answer a JSON object with
 * the "provides" values. docs/PACT.md lists them for vendors.
 */

/** A state's name together with the types of its parameters and of the values the provider answers. */
export interface StateDef<P extends Record<string, string | number>, V extends Record<string, string>> {
  name: string;
  /** Only for typing: never read at run time. */
  readonly params?: P;
  readonly provides?: V;
}

const state = <P extends Record<string, string | number>, V extends Record<string, string>>(name: string): StateDef<P, V> => ({ name });

/** What a cart state gives back: where the reseller books (the vendor's own test catalogue). */
export interface CartCatalogue extends Record<string, string> {
  supplierId: string;
  productId: string;
  optionId: string;
  availabilityId: string;
  unitId: string;
}

export const cartStates = {
  /** Nothing exists yet under the order id and the booking uuid; the catalogue has a bookable availability. */
  noOrder: state<{ orderId: string; bookingUuid: string }, CartCatalogue>('cart: no order and no booking exist under the given ids'),
  /**
   * An ON_HOLD order `orderId` holding one ON_HOLD booking `bookingUuid` (one unit, a resellerReference, held for
   * about 30 minutes).
   */
  orderOnHold: state<{ orderId: string; bookingUuid: string }, CartCatalogue>('cart: an order on hold with one booking on hold'),
  /** As orderOnHold, but the booking was then confirmed on its own (POST .../bookings/{uuid}/confirm): it blocks the order. */
  orderWithConfirmedBooking: state<{ orderId: string; bookingUuid: string }, CartCatalogue>(
    'cart: an order on hold whose only booking was confirmed on its own',
  ),
} as const;

/** What an activation state gives back: the access and service it prepared (the vendor's own test data). */
export interface ActivationPlace extends Record<string, string> {
  accessId: string;
  service: string;
}

export const activationStates = {
  /** `service` is offered at `accessId` (connection YES), and no provider has it or its type active or in progress there. */
  serviceOrderable: state<{ accessId: string; service: string }, ActivationPlace>('activation: a service can be activated at an access'),
  /** An ACTIVATE order of the caller that has finished with DONE_SUCCESS; provides its id (last segment of its path). */
  finishedOrder: state<{ accessId: string; service: string }, ActivationPlace & { orderId: string }>(
    'activation: the provider has a finished order',
  ),
  /**
   * The caller has at least `count` finished orders, hence at least `count` events in its feed; provides `firstEvent`,
   * an event of the caller's feed that has at least one later event.
   */
  feedWithEvents: state<{ count: number }, { firstEvent: string }>('activation: the provider has events in its feed'),
} as const;

/** What an ethernet state gives back: the caller's buyerId and, where an order exists, its Seller-assigned id. */
export interface EthernetBuyer extends Record<string, string> {
  buyerId: string;
}
export interface EthernetOrderRef extends EthernetBuyer {
  id: string;
}

export const ethernetStates = {
  /** The caller (buyer) has no order with buyerPurchaseOrderNumber `pon`. */
  ponUnused: state<{ pon: string }, EthernetBuyer>('ethernet: the buyer has no order with the purchase order number'),
  /** The caller has an IN_PROGRESS order, version "1", with buyerPurchaseOrderNumber `pon`, created from the consumer's create body. */
  orderInProgress: state<{ pon: string }, EthernetOrderRef>('ethernet: the buyer has an order in progress'),
  /** As orderInProgress, then held: orderStatus HELD. */
  orderHeld: state<{ pon: string }, EthernetOrderRef>('ethernet: the buyer has a held order'),
  /** As orderInProgress, then cancelled: orderStatus CANCELLED (a final state). */
  orderCancelled: state<{ pon: string }, EthernetOrderRef>('ethernet: the buyer has a cancelled order'),
} as const;

export const allStates = { cart: cartStates, activation: activationStates, ethernet: ethernetStates } as const;

export type ParamsOf<S> = S extends StateDef<infer P, any> ? P : never;
export type ProvidesOf<S> = S extends StateDef<any, infer V> ? V : never;
