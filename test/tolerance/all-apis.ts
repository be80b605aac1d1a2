/** Choices every API may make alike: what answers carry besides the spec's members, and where the API lives. */
import { activationApi } from '../../src/activation/api.js';
import { ActivationDomain, type EventView } from '../../src/activation/domain.js';
import { cartApi } from '../../src/cart/api.js';
import { ethernetApi } from '../../src/ethernet/api.js';
import type { ApiModule } from '../../src/shared/api.js';
import { domainOf } from './activation.js';
import { everyObject, mapAnswers, remount } from './edge.js';
import type { ToleranceVariant } from './variant.js';

/** The moment of the read, in every object of an answer: it differs on every read. */
const stampRead = (body: any) => everyObject(body, (o) => void (o.utcRetrievedAt = new Date().toISOString()));
/** Members of the vendor's own, in every object of an answer, errors included. */
const addVendorMembers = (body: any) => everyObject(body, (o) => void (o.vendorExtensions = { channel: 'partner-portal', traceId: 'T-0001' }));

/** Feed events are streamed, not sent with res.json: the domain adds the same to each event. */
const eventsMapped = (map: (body: any) => any) =>
  class extends ActivationDomain {
    protected override eventView(r: any): EventView {
      return map(super.eventView(r));
    }
  };

const everyApiMapped = (map: (body: any) => any) => (): ApiModule[] => [
  mapAnswers(cartApi(), map),
  mapAnswers(activationApi(domainOf(eventsMapped(map))), map),
  mapAnswers(ethernetApi(), map),
];

export const allApisTolerance: ToleranceVariant[] = [
  {
    name: 'read-time-fields',
    sweep: true,
    apis: ['cart', 'activation', 'ethernet'],
    choice: 'every object of every answer carries utcRetrievedAt, the moment of the read (changes on every read)',
    allowedBy: 'INTERPRETING.md: extra fields in a response never fail a server',
    strict: true,
    server: everyApiMapped(stampRead),
  },
  {
    name: 'extra-unknown-members',
    sweep: true,
    apis: ['cart', 'activation', 'ethernet'],
    choice: 'every object of every answer, errors included, carries members the spec does not name',
    allowedBy: 'INTERPRETING.md: extra fields in a response never fail a server',
    strict: true,
    server: everyApiMapped(addVendorMembers),
  },
  {
    name: 'base-url-with-path-prefix',
    apis: ['cart', 'activation', 'ethernet'],
    choice: 'the APIs live below a gateway prefix (/gateway/v2/<api>)',
    allowedBy: 'INTERPRETING.md: the suite sends requests to the spec paths below the base URL given',
    strict: true,
    server: () => [remount(cartApi(), '/gateway/v2/cart'), remount(activationApi(), '/gateway/v2/activation'), remount(ethernetApi(), '/gateway/v2/ethernet')],
  },
];
