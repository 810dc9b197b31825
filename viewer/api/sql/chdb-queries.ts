/**
 * One statement on a chDB reader connection, run so that it can be cancelled.
 * The binding cannot interrupt a query while the engine works on it (a stream's
 * cancel waits for the fetch under way, a single-shot query runs to its end), so
 * every statement runs with a comment naming it (storage/sql/sql-endpoint/tagged.sql),
 * and a connection of its own kills it by that name with KILL QUERY (kill.sql). A
 * stream that ended in an error stays in system.processes until its connection
 * runs another query (measured), so such a reader runs a trivial one (scrub.sql)
 * before it is handed on.
 */
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChdbQueryStream, StreamChunk } from 'chdb';
import type { ChdbConnection } from 'chdb/connection';
import { HindsightError } from '../../../common/errors';
import type { SqlRegistry, SqlText } from '../../../storage/sql/registry';
import type { QueryResult } from './readers';

/** How often a kill is repeated until its query ends: a kill can land before the query is listed. */
const KILL_RETRY_MS = 250;

let sequence = 0;

/** What names a run in system.processes: this process, and the run's number in it. */
interface Tag {
  pid: number;
  run: number;
}

/**
 * The statement with the comment that names it in system.processes. Users' own
 * comments are gone by now (formatQuery drops them), so no statement of theirs
 * starts with one.
 */
function tagged(sql: SqlRegistry, statement: SqlText): { tag: Tag; text: string } {
  const tag = { pid: process.pid, run: ++sequence };
  return { tag, text: sql.render('sql-endpoint/tagged', { ...tag, statement }).query };
}

/** Kills tagged queries from a connection of its own, since a reader busy with a query cannot. */
export class Killer {
  constructor(
    private readonly connection: ChdbConnection,
    /** Renders the kills, and the tags of the runs they find. */
    readonly sql: SqlRegistry,
  ) {}

  /** Kills the query until `ended` settles. */
  async until(tag: Tag, ended: Promise<unknown>): Promise<void> {
    let over = false;
    const settled = ended.then(
      () => (over = true),
      () => (over = true),
    );
    const kill = this.sql.render('sql-endpoint/kill', tag).query;
    while (!over) {
      await this.connection.chdb.queryAsync(kill, { format: 'TSV' }).catch(() => undefined);
      await Promise.race([settled, delay(KILL_RETRY_MS)]);
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** A single-shot statement: its whole result, off the event loop. */
export async function chdbQuery(reader: ChdbConnection, killer: Killer, statement: SqlText, format: string, signal: AbortSignal): Promise<QueryResult> {
  const { tag, text } = tagged(killer.sql, statement);
  const running = reader.chdb.queryAsync(text, { format });
  const kill = (): void => void killer.until(tag, running);
  signal.addEventListener('abort', kill, { once: true });
  if (signal.aborted) kill();
  try {
    const result = await running;
    if (signal.aborted) throw abortReason(signal);
    // The engine's own measure: a wait for a libuv thread is not the statement's cost.
    return { body: Buffer.from(result.bytes()), seconds: result.elapsed, rowsRead: result.rowsRead, bytesRead: result.bytesRead };
  } catch (err) {
    throw signal.aborted ? abortReason(signal) : err;
  } finally {
    signal.removeEventListener('abort', kill);
  }
}

export interface StreamRun {
  reader: ChdbConnection;
  killer: Killer;
  statement: SqlText;
  format: string;
  signal: AbortSignal;
  /** Hands the reader back once `cleanup` is done with it. */
  release(cleanup: Promise<void>): void;
}

/**
 * A chDB streaming query as a Readable: pulled one native chunk per read(), so
 * a slow HTTP client holds the query back instead of the result piling up here.
 * Starting it plans the query on the calling thread (chDB's stream start is
 * synchronous), which is why statements that run queries while planned go
 * through query() instead.
 */
export async function chdbStream({ reader, killer, statement, format, signal, release }: StreamRun): Promise<Readable> {
  const { tag, text } = tagged(killer.sql, statement);
  let query: ChdbQueryStream | undefined;
  let chunks: AsyncIterator<StreamChunk> | undefined;
  let inFlight: Promise<unknown> | undefined;
  let exhausted = false;
  let stopped = false;
  const fetch = async (): Promise<Buffer | null> => {
    const next = chunks!.next();
    inFlight = next;
    const { done, value } = await next;
    inFlight = undefined;
    exhausted = done === true;
    // raw() is a view over the engine's chunk; copy it before the next fetch.
    return done ? null : Buffer.from(value.raw());
  };
  /** Ends the run once: a query cut short is killed, the reader scrubbed, and only then handed back. */
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    signal.removeEventListener('abort', onAbort);
    release(exhausted ? Promise.resolve() : abandon(reader, killer, tag, inFlight, () => query?.cancel()));
  };
  // onAbort reads it before the first chunk, while it is still undefined; a const would be in its temporal dead zone then.
  // eslint-disable-next-line prefer-const
  let readable: Readable | undefined;
  const onAbort = (): void => {
    if (readable) readable.destroy(abortReason(signal));
    else if (inFlight) void killer.until(tag, inFlight);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  let first: Buffer | null;
  try {
    query = reader.chdb.queryStream(text, { format });
    chunks = query[Symbol.asyncIterator]();
    first = await fetch();
    if (signal.aborted) throw abortReason(signal);
  } catch (err) {
    stop();
    throw signal.aborted ? abortReason(signal) : err;
  }
  readable = new Readable({
    read() {
      fetch().then(
        (chunk) => this.push(chunk),
        (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
      );
    },
    destroy(err, callback) {
      stop();
      callback(err);
    },
  });
  readable.push(first);
  return readable;
}

/** Kills a query cut short, waits for its fetch, frees the stream, and clears its process entry. */
async function abandon(reader: ChdbConnection, killer: Killer, tag: Tag, inFlight: Promise<unknown> | undefined, cancel: () => void): Promise<void> {
  if (inFlight) await killer.until(tag, inFlight);
  cancel();
  await reader.chdb.queryAsync(killer.sql.render('sql-endpoint/scrub', {}).query, { format: 'TSV' }).catch(() => undefined);
}

export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new HindsightError('HS_SQL_FAILED', 'the query was cancelled');
}
