/**
 * The store's fault seam. Production code never sets a fault; tests do, to see
 * the write path meet an unreachable or refusing ClickHouse, or one that refuses
 * some rows, exactly as it would meet a real one: the errors thrown here have the
 * shapes the real failures have (a Node socket error, a ClickHouse exception), so
 * everything above the store, from the error translation to the status codes,
 * runs unchanged.
 */

/**
 * - `unreachable`: every insert and query fails as a refused connection does;
 * - `refusing`: the engine answers queries but refuses inserts, as a ClickHouse
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

export class StoreFaults {
  private fault: StoreFault | undefined;
  private poison: { marker: Buffer; code: string; type: string } | undefined;
  /**
   * HINDSIGHT_TEST_KILL_AFTER_INSERTS=n: the process kills itself with SIGKILL right
   * after its n-th insert is stored and before any of its requests is acknowledged,
   * the worst moment for a crash. Only the crash tests set it.
   */
  private killAfterInserts = Number(process.env.HINDSIGHT_TEST_KILL_AFTER_INSERTS ?? 0);

  set(fault: StoreFault | undefined): void {
    this.fault = fault;
  }

  setPoison(poison: PoisonRows | undefined): void {
    this.poison = poison && { ...poison, marker: Buffer.from(poison.marker) };
  }

  afterInsert(): void {
    if (this.killAfterInserts > 0 && --this.killAfterInserts === 0) process.kill(process.pid, 'SIGKILL');
  }

  /** Throws what the engine would throw for this operation under the current fault. */
  check(operation: 'insert' | 'query', rows: readonly Buffer[] = []): void {
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
