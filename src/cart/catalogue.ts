/**
 * The demo catalogue every reseller of the reference server can book: one supplier, one product with one
 * option and two units, and two availabilities. `slot-open` has room for any test run; `slot-small` has two
 * places, so that taking and giving back capacity can be observed.
 */
export interface AvailabilityDef {
  id: string;
  capacity: number;
}

export interface SupplierDef {
  id: string;
  products: Array<{ id: string; options: Array<{ id: string; units: string[]; availabilities: AvailabilityDef[] }> }>;
}

export const DEMO_SUPPLIER: SupplierDef = {
  id: 'demo-supplier',
  products: [
    {
      id: 'demo-tour',
      options: [
        {
          id: 'DEFAULT',
          units: ['adult', 'child'],
          availabilities: [
            { id: 'slot-open', capacity: 1_000_000 },
            { id: 'slot-small', capacity: 2 },
          ],
        },
      ],
    },
  ],
};

export const CATALOGUE: SupplierDef[] = [DEMO_SUPPLIER];

export const findSupplier = (id: string) => CATALOGUE.find((s) => s.id === id);
