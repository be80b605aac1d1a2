import type { Knex } from 'knex';
import type { Migration } from '../shared/db.js';
import { availabilityRows } from './catalogue.js';

/**
 * Cart tables. Timestamps are stored as ISO 8601 UTC strings (`Date.toISOString()`), which both engines
 * return unchanged and which compare correctly as text.
 */
export const cartMigrations: Migration[] = [
  {
    name: 'cart_001_tables',
    async up(db: Knex) {
      await db.schema.createTable('cart_availabilities', (t) => {
        t.string('supplier_id', 64).notNullable();
        t.string('id', 64).notNullable();
        t.string('product_id', 64).notNullable();
        t.string('option_id', 64).notNullable();
        t.integer('capacity').notNullable();
        t.primary(['supplier_id', 'id']);
      });
      await db.schema.createTable('cart_orders', (t) => {
        t.string('tenant', 64).notNullable();
        t.string('supplier_id', 64).notNullable();
        t.string('id', 64).notNullable();
        t.string('status', 16).notNullable();
        t.string('utc_expires_at', 32).notNullable();
        t.string('utc_created_at', 32).notNullable();
        t.text('cancel_reason');
        t.primary(['tenant', 'supplier_id', 'id']);
      });
      await db.schema.createTable('cart_bookings', (t) => {
        t.string('tenant', 64).notNullable();
        t.string('uuid', 36).notNullable();
        t.string('supplier_id', 64).notNullable();
        t.string('supplier_reference', 32).notNullable().unique();
        t.string('reseller_reference', 100);
        t.string('status', 16).notNullable();
        t.string('utc_hold_expiration', 32);
        t.string('utc_confirmed_at', 32);
        t.string('product_id', 64).notNullable();
        t.string('option_id', 64).notNullable();
        t.string('availability_id', 64).notNullable();
        t.text('unit_items').notNullable();
        t.integer('units').notNullable();
        t.text('contact');
        t.string('order_id', 64);
        t.integer('position').notNullable().defaultTo(0);
        t.text('fingerprint').notNullable();
        t.text('cancel_reason');
        t.string('utc_created_at', 32).notNullable();
        t.primary(['tenant', 'uuid']);
        t.index(['tenant', 'supplier_id', 'order_id']);
        t.index(['supplier_id', 'availability_id', 'status']);
      });
      const rows = availabilityRows();
      if (rows.length) await db('cart_availabilities').insert(rows);
    },
    async down(db: Knex) {
      await db.schema.dropTableIfExists('cart_bookings');
      await db.schema.dropTableIfExists('cart_orders');
      await db.schema.dropTableIfExists('cart_availabilities');
    },
  },
  {
    // The capacity check reads only live holds and confirmed bookings through this index (with the units, so the
    // table itself is not read): expired holds and cancelled bookings, which pile up, are never scanned.
    name: 'cart_002_capacity_index',
    async up(db: Knex) {
      await db.schema.alterTable('cart_bookings', (t) => {
        t.index(['supplier_id', 'availability_id', 'status', 'utc_hold_expiration', 'units'], 'cart_bookings_capacity');
        t.dropIndex(['supplier_id', 'availability_id', 'status']);
      });
    },
    async down(db: Knex) {
      await db.schema.alterTable('cart_bookings', (t) => {
        t.index(['supplier_id', 'availability_id', 'status']);
        t.dropIndex([], 'cart_bookings_capacity');
      });
    },
  },
  {
    // Pending confirmations: the supplier's decision (CONFIRMED or REJECTED) and when it takes effect, on the order
    // and on each of its bookings; and the catalogue's availabilities added since (the asynchronous option's).
    name: 'cart_003_pending_confirmation',
    async up(db: Knex) {
      for (const table of ['cart_orders', 'cart_bookings']) {
        await db.schema.alterTable(table, (t) => {
          t.string('utc_decision_at', 32);
          t.string('decision', 16);
        });
      }
      const rows = availabilityRows();
      if (rows.length) await db('cart_availabilities').insert(rows).onConflict(['supplier_id', 'id']).ignore();
    },
    async down(db: Knex) {
      for (const table of ['cart_orders', 'cart_bookings']) {
        await db.schema.alterTable(table, (t) => {
          t.dropColumn('utc_decision_at');
          t.dropColumn('decision');
        });
      }
    },
  },
];
