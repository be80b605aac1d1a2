/**
 * Servers whose request validation forgets one thing the spec's schema asks, deep in a body or of a kind the
 * hand-written input checks never send: a nested required member, a fraction for an integer, a value outside an
 * enum, a member's JSON type. Each validates against its own copy of the spec with that one thing left out (as a
 * hand-written validator that missed it would). Caught by the schema probes (conformance/framework/body-probes.ts).
 * Last, a documented header mechanism the checks had not held (found by mutation testing): If-Modified-Since ignored.
 */
import { activationApi } from '../../src/activation/api.js';
import { ActivationDomain, type OrderInput } from '../../src/activation/domain.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import { EthernetDomain } from '../../src/ethernet/domain.js';
import { loadSpec, type ApiModule } from '../../src/shared/api.js';
import { withEdge, withOwnLimits } from '../tolerance/edge.js';
import { domainOf } from '../tolerance/activation.js';
import type { Variant } from './variant.js';

type Schemas = Record<string, any>;
/**
 * The API of `which` validating requests against a spec copy with `change` made; `fill` makes the domain's own
 * checks (activation and ethernet check bodies again) see the forgotten thing as the validator did: valid.
 */
const servers = (which: 'cart' | 'activation' | 'ethernet', change: (s: Schemas) => void, fill?: (body: any) => any) => (): ApiModule[] => {
  const apis = {
    cart: cartApi(),
    activation: fill && which === 'activation' ? activationApi(domainOf(forgetting(fill))) : activationApi(),
    ethernet: fill && which === 'ethernet' ? ethernetApi({ domain: (o) => new (ethernetForgetting(fill))(o) }) : ethernetApi(),
  };
  apis[which] = withOwnLimits(apis[which], change);
  return [apis.cart, apis.activation, apis.ethernet];
};
const forgetting = (fill: (body: any) => any) =>
  class extends ActivationDomain {
    protected override validate(input: OrderInput) {
      return super.validate(fill(structuredClone(input)));
    }
  };
const ethernetForgetting = (fill: (body: any) => any) =>
  class extends EthernetDomain {
    protected override checkSchema(body: unknown): void {
      super.checkSchema(fill(structuredClone(body)));
    }
  };
const v = (name: string, api: Variant['api'], breaks: string, description: string, change: (s: Schemas) => void, fill?: (body: any) => any): Variant => ({ name, api, breaks, description, apis: servers(api, change, fill) });

export const schemaProbeVariants: Variant[] = [
  v('probe-cart-hold-minutes-fraction', 'cart', 'CART-BAD-INPUT', 'holdExpirationMinutes may be a fraction (validated as a number): 30.5 is booked', (s) => {
    s.BookingRequest.properties.holdExpirationMinutes.type = 'number';
    s.ExtendRequest.properties.holdExpirationMinutes.type = 'number';
  }),
  v('probe-cart-contact-name-optional', 'cart', 'CART-BAD-INPUT', 'an order confirm whose contact has no fullName is accepted', (s) => {
    s.Contact.required = s.Contact.required.filter((m: string) => m !== 'fullName');
  }),
  v('probe-cart-extend-reason-any-text', 'cart', 'CART-BAD-INPUT', "an extension's reason may be any text (the enum not checked)", (s) => {
    delete s.ExtendRequest.properties.reason.enum;
  }),
  v('probe-act-mac-address-optional', 'activation', 'ACT-ORDER-BAD-INPUT', 'an equipment entry without macAddress is accepted (stored without one)', (s) => {
    s.Equipment.required = ['vendorId'];
  }, (b) => ({ ...b, equipment: b.equipment?.map((e: any) => ({ macAddress: '02:00:00:00:00:00', ...e })) })),
  v('probe-act-sp-reference-any-type', 'activation', 'ACT-ORDER-BAD-INPUT', 'spReference may be of any JSON type (a number is stored as sent)', (s) => {
    delete s.OrderRequest.properties.spReference.type;
  }, (b) => ({ ...b, ...(b.spReference === undefined ? {} : { spReference: String(b.spReference) }) })),
  v('probe-eth-contact-phone-optional', 'ethernet', 'ETH-ERROR-SHAPE', "an order whose buyerOrderContact has no telephoneNumber is accepted", (s) => {
    s.contact.required = s.contact.required.filter((m: string) => m !== 'telephoneNumber');
  }, (b) => {
    for (const c of ['buyerOrderContact', 'buyerImplementationContact', 'buyerTechnicalContact']) if (b?.[c] && typeof b[c] === 'object') b[c].telephoneNumber ??= '000';
    return b;
  }),
  v('probe-eth-item-quantity-fraction', 'ethernet', 'ETH-ERROR-SHAPE', "an item's quantity may be a fraction (validated as a number)", (s) => {
    s.orderItem.properties.quantity.type = 'number';
  }, (b) => {
    for (const i of Array.isArray(b?.orderItems) ? b.orderItems : []) if (typeof i?.quantity === 'number') i.quantity = Math.ceil(i.quantity);
    return b;
  }),
  v('probe-eth-desired-responses-any-text', 'ethernet', 'ETH-ERROR-SHAPE', 'desiredResponses may be any text (the enum not checked)', (s) => {
    delete s.orderFields.properties.desiredResponses.enum;
  }, (b) => (typeof b?.desiredResponses === 'string' ? { ...b, desiredResponses: 'NONE' } : b)),
  {
    name: 'probe-eth-put-not-validated',
    api: 'ethernet',
    breaks: 'ETH-ERROR-SHAPE',
    description: 'a supplemental PUT is not checked against the schema (only creates are): a PUT whose items have no action replaces the order',
    apis: () => [
      cartApi(),
      activationApi(),
      {
        ...ethernetApi({ domain: (o) => new (class extends EthernetDomain {
          private replacing = false;
          protected override checkSchema(body: unknown): void {
            if (!this.replacing) super.checkSchema(body);
          }
          override async replace(buyer: string, id: string, body: Record<string, any>) {
            this.replacing = true;
            try {
              return await super.replace(buyer, id, body);
            } finally {
              this.replacing = false;
            }
          }
        })(o) }),
        spec: (() => {
          const spec = loadSpec('ethernet');
          spec.paths['/orders/{id}'].put.requestBody.content['application/json'].schema = {};
          return spec;
        })(),
      },
    ],
  },
  {
    name: 'act-if-modified-since-ignored',
    api: 'activation',
    breaks: 'ACT-ACCESS-INCREMENTAL',
    description: 'GET accesses/ ignores If-Modified-Since: every access again (200) when nothing changed since, never 304',
    apis: () => [cartApi(), withEdge(activationApi(), (req, _res, next) => (delete req.headers['if-modified-since'], next())), ethernetApi()],
  },
];
