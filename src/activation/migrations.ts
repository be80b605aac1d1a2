import type { Migration } from '../shared/db.js';

/** Orders, the services active per access, the immutable events and the counter that orders them. */
export const activationMigrations: Migration[] = [
  {
    name: 'activation_001_initial',
    async up(db) {
      await db.schema.createTable('act_orders', (t) => {
        t.string('id', 36).primary();
        t.string('tenant', 64).notNullable();
        t.string('access_id', 32).notNullable();
        t.string('service', 64).notNullable();
        t.string('service_type', 64).notNullable();
        t.string('operation', 16).notNullable();
        t.string('state', 16).notNullable();
        t.text('message').notNullable();
        t.boolean('forced_takeover').nullable();
        t.text('equipment').nullable();
        t.string('sp_reference', 255).nullable();
        t.string('created_at', 30).notNullable();
        t.string('due_at', 30).notNullable();
        t.string('finished_at', 30).nullable();
        t.index(['state', 'due_at'], 'act_orders_due');
        t.index(['tenant', 'access_id', 'service', 'state'], 'act_orders_service');
      });
      await db.schema.createTable('act_active', (t) => {
        t.string('access_id', 32).notNullable();
        t.string('service_type', 64).notNullable();
        t.string('tenant', 64).notNullable();
        t.string('service', 64).notNullable();
        t.text('equipment').notNullable();
        t.string('sp_reference', 255).nullable();
        t.string('option82', 128).notNullable();
        t.string('activated_at', 30).notNullable();
        t.primary(['access_id', 'service_type']);
        t.index(['tenant', 'access_id'], 'act_active_tenant');
      });
      await db.schema.createTable('act_events', (t) => {
        t.bigInteger('position').notNullable().primary();
        t.string('event_id', 64).notNullable().unique();
        t.string('tenant', 64).notNullable();
        t.string('order_id', 36).notNullable();
        t.string('access_id', 32).notNullable();
        t.string('service', 64).notNullable();
        t.string('operation', 16).notNullable();
        t.string('state', 16).notNullable();
        t.text('message').notNullable();
        t.string('created_at', 30).notNullable();
        t.index(['tenant', 'position'], 'act_events_feed');
      });
      await db.schema.createTable('act_event_counter', (t) => {
        t.integer('id').primary();
        t.bigInteger('last').notNullable();
      });
      await db('act_event_counter').insert({ id: 1, last: 0 });
    },
    async down(db) {
      for (const table of ['act_event_counter', 'act_events', 'act_active', 'act_orders']) await db.schema.dropTableIfExists(table);
    },
  },
];
