/**
 * Storage of ethernet orders: the order row (current version and state), its items, and every version of the
 * order document ever accepted (create, each supplemental PUT, each PATCH). Documents are stored as JSON text,
 * timestamps as ISO 8601 strings in UTC, so SQLite and PostgreSQL answer alike.
 */
import type { Knex } from 'knex';
import type { Migration } from '../shared/db.js';
import { forUpdate } from '../shared/db.js';

export const ORDERS = 'ethernet_orders';
export const ITEMS = 'ethernet_order_items';
export const VERSIONS = 'ethernet_order_versions';

export const ethernetMigrations: Migration[] = [
  {
    name: '300_ethernet_orders',
    async up(db) {
      await db.schema.createTable(ORDERS, (t) => {
        t.string('id', 45).primary();
        t.string('buyer_id', 25).notNullable();
        t.string('pon', 16).notNullable();
        t.string('buyer_order_version', 2).notNullable();
        t.string('status', 20).notNullable();
        t.string('status_since', 40).notNullable();
        t.integer('revision').notNullable();
        t.text('document').notNullable();
        t.string('created_at', 40).notNullable();
        t.string('updated_at', 40).notNullable();
        t.unique(['buyer_id', 'pon']);
        t.index(['buyer_id', 'created_at']);
        t.index(['status', 'status_since']);
      });
      await db.schema.createTable(VERSIONS, (t) => {
        t.string('order_id', 45).notNullable().references('id').inTable(ORDERS).onDelete('CASCADE');
        t.integer('revision').notNullable();
        t.string('buyer_order_version', 2).notNullable();
        t.string('change', 10).notNullable();
        t.text('document').notNullable();
        t.string('created_at', 40).notNullable();
        t.primary(['order_id', 'revision']);
      });
      await db.schema.createTable(ITEMS, (t) => {
        t.string('order_id', 45).notNullable();
        t.integer('revision').notNullable();
        t.integer('position').notNullable();
        t.string('order_item_reference', 4).notNullable();
        t.string('action', 10).notNullable();
        t.integer('quantity').notNullable();
        t.string('detail_type', 40);
        t.text('document').notNullable();
        t.primary(['order_id', 'revision', 'order_item_reference']);
        t.foreign(['order_id', 'revision']).references(['order_id', 'revision']).inTable(VERSIONS).onDelete('CASCADE');
      });
    },
    async down(db) {
      await db.schema.dropTableIfExists(ITEMS);
      await db.schema.dropTableIfExists(VERSIONS);
      await db.schema.dropTableIfExists(ORDERS);
    },
  },
];

/** An order as stored: the Buyer's current document plus what the Seller owns. */
export interface OrderRecord {
  id: string;
  buyerId: string;
  pon: string;
  buyerOrderVersion: string;
  status: string;
  statusSince: string;
  revision: number;
  document: Record<string, any>;
  createdAt: string;
  updatedAt: string;
}

export type Change = 'CREATE' | 'PUT' | 'PATCH';

const toRecord = (row: any): OrderRecord => ({
  id: row.id,
  buyerId: row.buyer_id,
  pon: row.pon,
  buyerOrderVersion: row.buyer_order_version,
  status: row.status,
  statusSince: String(row.status_since),
  revision: Number(row.revision),
  document: JSON.parse(row.document),
  createdAt: String(row.created_at),
  updatedAt: String(row.updated_at),
});

export class OrderStore {
  constructor(readonly db: Knex) {}

  async find(trx: Knex, buyerId: string, by: { id?: string; pon?: string }, lock = false): Promise<OrderRecord | undefined> {
    let q = trx(ORDERS).where({ buyer_id: buyerId });
    if (by.id !== undefined) q = q.andWhere({ id: by.id });
    if (by.pon !== undefined) q = q.andWhere({ pon: by.pon });
    if (lock) q = forUpdate(trx, q);
    const row = await q.first();
    return row ? toRecord(row) : undefined;
  }

  /** The orders matching `where`, newest first, and how many match in all. */
  async list(trx: Knex, where: Record<string, string>, offset: number, limit: number): Promise<{ total: number; orders: OrderRecord[] }> {
    const [{ n }] = await trx(ORDERS).where(where).count({ n: '*' });
    const rows = await trx(ORDERS).where(where).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).offset(offset).limit(limit);
    return { total: Number(n), orders: rows.map(toRecord) };
  }

  async versionsUsed(trx: Knex, orderId: string): Promise<string[]> {
    const rows = await trx(VERSIONS).where({ order_id: orderId }).select('buyer_order_version');
    return rows.map((r: any) => r.buyer_order_version);
  }

  async versions(trx: Knex, orderId: string): Promise<Array<{ revision: number; buyerOrderVersion: string; change: Change; document: Record<string, any>; createdAt: string }>> {
    const rows = await trx(VERSIONS).where({ order_id: orderId }).orderBy('revision');
    return rows.map((r: any) => ({ revision: Number(r.revision), buyerOrderVersion: r.buyer_order_version, change: r.change, document: JSON.parse(r.document), createdAt: String(r.created_at) }));
  }

  /** Every orderItemReference any version of the order has had. */
  async itemRefsEverOrdered(trx: Knex, orderId: string): Promise<string[]> {
    const rows = await trx(ITEMS).where({ order_id: orderId }).distinct('order_item_reference');
    return rows.map((r: any) => r.order_item_reference);
  }

  async insert(trx: Knex, order: OrderRecord): Promise<void> {
    await trx(ORDERS).insert({
      id: order.id,
      buyer_id: order.buyerId,
      pon: order.pon,
      buyer_order_version: order.buyerOrderVersion,
      status: order.status,
      status_since: order.statusSince,
      revision: order.revision,
      document: JSON.stringify(order.document),
      created_at: order.createdAt,
      updated_at: order.updatedAt,
    });
    await this.addVersion(trx, order, 'CREATE');
  }

  /** Stores a new version of the order's document (PUT or PATCH). */
  async replaceDocument(trx: Knex, order: OrderRecord, change: Change): Promise<void> {
    await trx(ORDERS).where({ id: order.id }).update({
      buyer_order_version: order.buyerOrderVersion,
      revision: order.revision,
      document: JSON.stringify(order.document),
      updated_at: order.updatedAt,
    });
    await this.addVersion(trx, order, change);
  }

  async setStatus(trx: Knex, id: string, from: string, to: string, at: string): Promise<number> {
    return trx(ORDERS).where({ id, status: from }).update({ status: to, status_since: at, updated_at: at });
  }

  /** Ids of orders in `status` since `before` or earlier. */
  async inStatusSince(trx: Knex, status: string, before: string, limit = 100): Promise<string[]> {
    const rows = await trx(ORDERS).where({ status }).andWhere('status_since', '<=', before).orderBy('status_since').limit(limit).select('id');
    return rows.map((r: any) => r.id);
  }

  private async addVersion(trx: Knex, order: OrderRecord, change: Change): Promise<void> {
    await trx(VERSIONS).insert({
      order_id: order.id,
      revision: order.revision,
      buyer_order_version: order.buyerOrderVersion,
      change,
      document: JSON.stringify(order.document),
      created_at: order.updatedAt,
    });
    const items: any[] = Array.isArray(order.document.orderItems) ? order.document.orderItems : [];
    if (items.length) {
      await trx(ITEMS).insert(
        items.map((item, position) => ({
          order_id: order.id,
          revision: order.revision,
          position,
          order_item_reference: item.orderItemReference,
          action: item.action,
          quantity: item.quantity,
          detail_type: item.orderItemDetail?.objectType ?? null,
          document: JSON.stringify(item),
        })),
      );
    }
  }
}
