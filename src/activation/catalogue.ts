/**
 * The demo accesses of the reference server: who can order what where. The physical network is the
 * same for every provider; which services a provider has active there lives in the database.
 */

export type Connection = 'YES' | 'NO' | string;

export interface ServiceDefinition {
  service: string;
  serviceType: string;
}

export interface AccessRecord {
  accessId: string;
  streetName: string;
  streetNumber: string;
  streetLittera: string;
  postalCode: string;
  city: string;
  countryCode: string;
  premisesType: 'MDU_APARTMENT' | 'MDU_COMMON' | 'RESIDENTIAL_HOUSE' | 'COMMERCIAL' | 'PUBLIC' | 'UNKNOWN';
  mduApartmentNumber: string;
  mduDistinguisher: string;
  outlet: string;
  population: string;
  /** Manufacturer and model of the KO's equipment, "" where the KO provides none (text, as the feasibility page has it). */
  coFiberConverter: string;
  coCpeSwitch: string;
  coCpeRouter: string;
  services: Array<{ service: string; connection: Connection }>;
  /** Demo only: provisioning at this access always fails with this message. */
  failsWith?: string;
  /** Demo only: provisioning at this access takes this many times the usual delay (a slower part of the network). */
  slowerBy?: number;
}

/** Every service the demo KO knows, with its service type (one active service per type and access). */
export const SERVICES: ServiceDefinition[] = [
  { service: 'BB-100-10', serviceType: 'Broadband' },
  { service: 'BB-100-100', serviceType: 'Broadband' },
  { service: 'BB-1000-1000', serviceType: 'Broadband' },
  { service: 'IPTV-BASIC', serviceType: 'IPTV' },
  { service: 'VOIP-1', serviceType: 'VoIP' },
];

/** The access where every order fails (so DONE_FAILED can be seen), and its message. */
export const FAILING_ACCESS = 'STTA0002';
/** More accesses that fail like it, so that clients (and the conformance suite) can try failures side by side. */
export const MORE_FAILING_ACCESSES = ['STTA0005', 'STTA0006', 'STTA0007'];
export const FAILING_MESSAGE = "Port is too busy for you. You can't handle the truth!";
/** The access where provisioning takes three times the usual delay, so that orders finish out of creation order. */
export const SLOW_ACCESS = 'STTA0004';
export const SLOW_FACTOR = 3;
/** An access where BB-1000-1000 is not offered (connection NO). */
export const LIMITED_ACCESS = 'STTA0003';
export const DEMO_ACCESS_COUNT = 200;

export interface AccessCatalogue {
  list(): AccessRecord[];
  get(accessId: string): AccessRecord | undefined;
  serviceType(service: string): string | undefined;
  /** When an access last changed (whole seconds: an HTTP-date has no finer unit). */
  modifiedAt(): Date;
  /** The accesses changed after `since`. */
  changedSince(since: Date): AccessRecord[];
}

function demoAccess(n: number): AccessRecord {
  const accessId = `STTA${String(n).padStart(4, '0')}`;
  const mdu = n % 3 !== 0;
  return {
    accessId,
    streetName: mdu ? 'Storgatan' : 'Lindvägen',
    streetNumber: String(1 + (n % 97)),
    streetLittera: n % 5 === 0 ? 'B' : '',
    postalCode: String(11120 + (n % 50)).padStart(5, '0'),
    city: 'Stockholm',
    countryCode: 'SE',
    premisesType: mdu ? 'MDU_APARTMENT' : 'RESIDENTIAL_HOUSE',
    mduApartmentNumber: mdu ? String(1000 + n) : '',
    mduDistinguisher: mdu ? `LGH ${1000 + n}` : '',
    outlet: '1',
    population: 'DEMO',
    coFiberConverter: '',
    coCpeSwitch: 'ACME FS-8',
    coCpeRouter: '',
    services: SERVICES.map((s) => ({ service: s.service, connection: accessId === LIMITED_ACCESS && s.service === 'BB-1000-1000' ? 'NO' : 'YES' })),
    failsWith: accessId === FAILING_ACCESS || MORE_FAILING_ACCESSES.includes(accessId) ? FAILING_MESSAGE : undefined,
    slowerBy: accessId === SLOW_ACCESS ? SLOW_FACTOR : undefined,
  };
}

export function demoCatalogue(count = DEMO_ACCESS_COUNT): AccessCatalogue {
  const accesses = Array.from({ length: count }, (_, i) => demoAccess(i + 1));
  const byId = new Map(accesses.map((a) => [a.accessId, a]));
  const types = new Map(SERVICES.map((s) => [s.service, s.serviceType]));
  // The demo accesses never change once built: every one of them last changed when the catalogue was made.
  const builtAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    list: () => accesses,
    get: (id) => byId.get(id),
    serviceType: (s) => types.get(s),
    modifiedAt: () => builtAt,
    changedSince: (since) => (builtAt > since ? accesses : []),
  };
}
