/**
 * Several chDB connections behind one @clickhouse/client connection: each call
 * goes to a free one, in arrival order when all are busy.
 *
 * Why: chDB runs one call of a connection at a time (measured: `SELECT 1` behind a
 * 6 s statement on the same connection took 5.9 s, on another one 28 ms). The
 * query API read through the writer's connection, so every trace lookup waited for
 * the insert or the edge-job step under way there, and the API's own requests
 * waited for each other. A few connections of its own let its reads run beside the
 * writer and beside each other.
 *
 * chDB hands a query's whole result over when the call resolves (its Readable is
 * already in memory), so a connection is free again as soon as its call settles.
 */
import type { ChdbConnection } from 'chdb/connection';

type Conn = Pick<ChdbConnection, 'query' | 'exec' | 'command' | 'insert' | 'ping' | 'close'>;

export class ChdbPool implements Conn {
  private readonly free: Conn[];
  private readonly waiting: ((connection: Conn) => void)[] = [];

  constructor(private readonly connections: readonly Conn[]) {
    if (connections.length === 0) throw new Error('a chDB pool needs at least one connection');
    this.free = [...connections];
  }

  query(params: Parameters<Conn['query']>[0]): ReturnType<Conn['query']> {
    return this.on((c) => c.query(params));
  }

  exec(params: Parameters<Conn['exec']>[0]): ReturnType<Conn['exec']> {
    return this.on((c) => c.exec(params));
  }

  command(params: Parameters<Conn['command']>[0]): ReturnType<Conn['command']> {
    return this.on((c) => c.command(params));
  }

  insert(params: Parameters<Conn['insert']>[0]): ReturnType<Conn['insert']> {
    return this.on((c) => c.insert(params));
  }

  ping(params: Parameters<Conn['ping']>[0]): ReturnType<Conn['ping']> {
    return this.on((c) => c.ping(params));
  }

  async close(): Promise<void> {
    for (const connection of this.connections) await connection.close();
  }

  private async on<T>(call: (connection: Conn) => Promise<T>): Promise<T> {
    const connection = this.free.pop() ?? (await new Promise<Conn>((resolve) => this.waiting.push(resolve)));
    try {
      return await call(connection);
    } finally {
      const next = this.waiting.shift();
      if (next) next(connection);
      else this.free.push(connection);
    }
  }
}
