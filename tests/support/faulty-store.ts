/**
 * A Store that fails on demand, for tests that make the write path meet an
 * unreachable or refusing ClickHouse, or one that refuses some rows, exactly as it
 * would meet a real one: the errors thrown here have the shapes the real failures
 * have (a Node socket error, a ClickHouse exception), so everything above the
 * store, from the error translation to the status codes, runs unchanged. Wraps a
 * real Store; hand it to startServer through `wrapStore` (startFaultyServer does).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Engine, Store } from '../../storage/store';
import type { SqlRegistry } from '../../storage/sql/registry';

/**
 * - `unreachable`: every insert and ping fails as a refused connection does;
 * - `refusing`: the engine answers pings but refuses inserts, as a ClickHouse
 *   whose table went read-only does (a replica that lost Keeper, a full disk).
 */
export type StoreFault = 'unreachable' | 'refusing';

/**
 * Rows that the engine refuses: an insert holding `marker` in its rows fails with
 * ClickHouse error `code` (`type`), as an insert with one request's bad rows does.
 * Whether the error blames the rows, the store or neither is the code's to say.
 */
export interface PoisonRows {
  marker: string;
  code: string;
  type: string;
}

export class FaultyStore implements Store {
  private fault: StoreFault | undefined;
  private poison: { marker: Buffer; code: string; type: string } | undefined;

  constructor(private readonly store: Store) {}

  get client(): ClickHouseClient {
    return this.store.client;
  }

  get background(): ClickHouseClient {
    return this.store.background;
  }

  get reader(): ClickHouseClient {
    return this.store.reader;
  }

  get database(): string {
    return this.store.database;
  }

  get sql(): SqlRegistry {
    return this.store.sql;
  }

  get engine(): Engine {
    return this.store.engine;
  }

  /** Sets the fault every later insert or ping meets; undefined heals the store. */
  set(fault: StoreFault | undefined): void {
    this.fault = fault;
  }

  setPoison(poison: PoisonRows | undefined): void {
    this.poison = poison && { ...poison, marker: Buffer.from(poison.marker) };
  }

  async insertRows(table: string, columns: readonly string[], chunks: readonly Buffer[], batchKey: string): Promise<void> {
    this.check('insert', chunks);
    await this.store.insertRows(table, columns, chunks, batchKey);
  }

  async ping(): Promise<void> {
    this.check('query');
    await this.store.ping();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** Throws what the engine would throw for this operation under the current fault. */
  private check(operation: 'insert' | 'query', rows: readonly Buffer[] = []): void {
    if (this.fault === 'unreachable') {
      throw Object.assign(new Error('connect ECONNREFUSED (injected by the store fault seam)'), { code: 'ECONNREFUSED' });
    }
    if (this.fault === 'refusing' && operation === 'insert') {
      throw Object.assign(new Error('Table is in readonly mode (injected by the store fault seam)'), { code: '242', type: 'TABLE_IS_READ_ONLY' });
    }
    const poison = this.poison;
    if (poison !== undefined && rows.some((chunk) => chunk.includes(poison.marker))) {
      throw Object.assign(new Error(`${poison.type}: refused a row holding the marker (injected by the store fault seam)`), { code: poison.code, type: poison.type });
    }
  }
}
