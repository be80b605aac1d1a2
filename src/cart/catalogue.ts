/**
 * The demo catalogue every reseller of the reference server can book: one supplier, one product with two options.
 *
 * - `DEFAULT` confirms at once. `slot-open` has room for any test run; `slot-small` has two places, so that taking
 *   and giving back capacity can be observed.
 * - `PENDING` confirms asynchronously: a confirm answers the order and every booking PENDING, and the supplier
 *   decides after the server's pending delay (CART_PENDING_SECONDS on its clock), for the whole order at once.
 *   On `slot-pending` the decision is CONFIRMED; on `slot-rejects` (two places) it is always REJECTED, and the
 *   places come back.
 */
export interface AvailabilityDef {
  id: string;
  capacity: number;
  /** The supplier rejects every pending confirmation that holds a place here. */
  rejects?: boolean;
}

export interface OptionDef {
  id: string;
  units: string[];
  /** `pending`: confirmations are not instant (PENDING until the supplier decides). Default `instant`. */
  confirmation?: 'instant' | 'pending';
  availabilities: AvailabilityDef[];
}

export interface SupplierDef {
  id: string;
  products: Array<{ id: string; options: OptionDef[] }>;
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
        {
          id: 'PENDING',
          units: ['adult', 'child'],
          confirmation: 'pending',
          availabilities: [
            { id: 'slot-pending', capacity: 1_000_000 },
            { id: 'slot-rejects', capacity: 2, rejects: true },
          ],
        },
      ],
    },
  ],
};

export const CATALOGUE: SupplierDef[] = [DEMO_SUPPLIER];

export const findSupplier = (id: string) => CATALOGUE.find((s) => s.id === id);

/** How the supplier confirms a booking of this option and availability. */
export function confirmationOf(supplierId: string, productId: string, optionId: string, availabilityId: string): { pending: boolean; rejects: boolean } {
  const option = findSupplier(supplierId)
    ?.products.find((p) => p.id === productId)
    ?.options.find((o) => o.id === optionId);
  const availability = option?.availabilities.find((a) => a.id === availabilityId);
  return { pending: option?.confirmation === 'pending', rejects: !!availability?.rejects };
}

/** Every availability of the catalogue as a row of cart_availabilities. */
export const availabilityRows = () =>
  CATALOGUE.flatMap((s) =>
    s.products.flatMap((p) =>
      p.options.flatMap((o) => o.availabilities.map((a) => ({ supplier_id: s.id, id: a.id, product_id: p.id, option_id: o.id, capacity: a.capacity }))),
    ),
  );
