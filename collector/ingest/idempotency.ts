/**
 * Exactly-once storage of requests that exporters retry.
 *
 * An exporter that got no answer sends the same request again, byte for byte, so a
 * request is known by a hash of its body (requestKey). Then:
 * - a retry joins the write of the same request while that is queued or running
 *   (dedup.ts, in front of the writer);
 * - a retry of a request stored within the last RECENT_TTL_MS is acknowledged
 *   without being stored again (RecentRequests, kept by dedup.ts);
 * - a crash between an insert and its acknowledgements is survived with the journal
 *   in the data directory (IngestJournal, the writer's InsertObserver): each batch is
 *   journaled before its insert and marked after it. On restart, the requests of
 *   marked batches, and of unmarked ones whose insert is found to have landed (one
 *   span of each request is looked up), join RecentRequests, so their retries are
 *   acknowledged and not stored twice.
 *
 * The journal is written through the page cache: it survives the process being
 * killed, as the table parts it describes do, but not a power cut. When it cannot
 * be written (a full disk), nothing is inserted and exporters are told to retry
 * (HS_STORE_FULL, 503 / UNAVAILABLE).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HindsightError } from '../../common/errors';
import type { Logger } from '../../common/log';
import type { SpanProbe } from '../../storage/columns';
import type { Store } from '../../storage/store';
import { selectRows } from '../../storage/sql/select';

const RECENT_TTL_MS = 15 * 60_000;
const RECENT_MAX = 200_000;
export const JOURNAL_FILE = 'hindsight.ingest-journal';
/** The size past which the journal is rewritten with its last lines. */
export const JOURNAL_MAX_BYTES = 4 * 1024 * 1024;
/** How much the journal grows before it is rewritten, at least; and before a failed rewrite is tried again. */
export const JOURNAL_MIN_GROWTH = 64 * 1024;
/** Lines kept when the journal is rotated: far more than the batches that can be in flight. */
const JOURNAL_KEEP_LINES = 256;

export function requestKey(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 24);
}

/**
 * A batch known by the keys of its requests, in order: the same requests make the
 * same key, so a retried INSERT carries the same deduplication token without
 * hashing its rows again.
 */
export function batchKey(requestKeys: readonly string[]): string {
  return requestKey(Buffer.from(requestKeys.join('\n')));
}

/** Keys of requests stored lately, oldest first, bounded in age and number. */
export class RecentRequests {
  private readonly stored = new Map<string, number>();

  add(key: string, now = Date.now()): void {
    this.stored.delete(key);
    this.stored.set(key, now + RECENT_TTL_MS);
    if (this.stored.size > RECENT_MAX) this.stored.delete(this.stored.keys().next().value as string);
  }

  has(key: string, now = Date.now()): boolean {
    for (const [oldest, expires] of this.stored) {
      if (expires > now) break;
      this.stored.delete(oldest);
    }
    return this.stored.has(key);
  }

  get size(): number {
    return this.stored.size;
  }
}

/** One span of a request, enough to look the request up in otel_traces; the decoders choose it. */
export type Probe = SpanProbe;

export interface JournaledRequest {
  key: string;
  probe: Probe | undefined;
}

/**
 * A batch before its insert, the mark after it, and the keys an earlier recovery
 * found stored: carried from journal to journal so that a second crash before the
 * exporters' retries arrive does not forget them.
 */
type JournalLine = { batch: number; requests: JournaledRequest[] } | { stored: number } | { recovered: string[]; at: number };

export class IngestJournal {
  private fd: number;
  private bytes = 0;
  /** The size at which the journal is next rewritten. */
  private rotateAt = 0;
  private tail: string[] = [];
  private nextBatch = 1;
  /** A failed append may have left part of a line behind: the next one starts a fresh line. */
  private torn = false;

  private constructor(
    private readonly file: string,
    /** The recovered-keys line, kept at the head of the journal through rotations while its keys matter. */
    private head: { line: string; expires: number },
    private readonly logger: Logger,
  ) {
    this.fd = this.openRewritten(head.line);
  }

  /**
   * Opens the journal in the data directory, after finding out which requests of the
   * previous process's last batches are stored. Returns their keys.
   */
  static async open(dataDir: string, store: Store, logger: Logger): Promise<{ journal: IngestJournal; stored: string[] }> {
    const file = path.join(dataDir, JOURNAL_FILE);
    const stored = fs.existsSync(file) ? await recover(fs.readFileSync(file, 'utf8'), store) : { keys: [], probed: 0 };
    if (stored.probed > 0 || stored.keys.length > 0) {
      logger.info({ storedRequests: stored.keys.length, probedRequests: stored.probed }, 'ingest journal read: retries of these requests will not be stored twice');
    }
    const at = Date.now();
    const line = stored.keys.length > 0 ? `${JSON.stringify({ recovered: stored.keys, at })}\n` : '';
    return { journal: new IngestJournal(file, { line, expires: at + RECENT_TTL_MS }, logger), stored: stored.keys };
  }

  /**
   * Journals a batch before its insert; returns its number for stored(). Throws
   * HS_STORE_FULL (or HS_STORE_UNAVAILABLE) when the line cannot be written: the
   * insert must not run unjournaled, and the exporter must keep its data.
   */
  begin(requests: JournaledRequest[]): number {
    const batch = this.nextBatch++;
    this.append({ batch, requests });
    return batch;
  }

  /** Marks a batch stored. Never throws: without its mark, recovery looks the batch's requests up instead. */
  stored(batch: number): void {
    try {
      this.append({ stored: batch });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'ingest journal: a stored mark was not written; a restart will look its requests up instead');
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private append(line: JournalLine): void {
    const text = `${this.torn ? '\n' : ''}${JSON.stringify(line)}\n`;
    try {
      writeWhole(this.fd, text);
    } catch (err) {
      this.torn = true;
      throw journalError(err);
    }
    this.torn = false;
    this.bytes += Buffer.byteLength(text);
    this.tail.push(text);
    if (this.tail.length > JOURNAL_KEEP_LINES) this.tail.shift();
    if (this.bytes >= this.rotateAt) this.rotate();
  }

  /**
   * Rewrites the journal with its last lines only (a crash can only concern the
   * newest batches). The old descriptor is closed only once the new file is in
   * place and open: a descriptor closed but kept would be reused by the next file
   * or socket the process opens, and journal lines would go there. If the new file
   * cannot be written (a full disk), appending goes on in the old one.
   */
  private rotate(): void {
    if (Date.now() > this.head.expires) this.head = { line: '', expires: Number.POSITIVE_INFINITY };
    let fd: number;
    try {
      fd = this.openRewritten(this.head.line + this.tail.join(''));
    } catch (err) {
      this.rotateAt = this.bytes + JOURNAL_MIN_GROWTH;
      this.logger.warn({ err: (err as Error).message, bytes: this.bytes }, 'ingest journal: rotation failed; appending to the current file');
      return;
    }
    const old = this.fd;
    this.fd = fd;
    try {
      fs.closeSync(old);
    } catch {
      // The descriptor is released even when close reports an error (Linux close(2)).
    }
  }

  /**
   * Writes `content` as a new journal file beside the current one, renames it over
   * the current one and returns it open for appending; on failure removes it and
   * throws, leaving the current file and descriptor as they were.
   */
  private openRewritten(content: string): number {
    const aside = `${this.file}.tmp`;
    const fd = fs.openSync(aside, 'w');
    try {
      writeWhole(fd, content);
      fs.renameSync(aside, this.file);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(aside, { force: true });
      throw err;
    }
    this.bytes = Buffer.byteLength(content);
    // A large recovered-keys head must not make every append rewrite it.
    this.rotateAt = Math.max(JOURNAL_MAX_BYTES, this.bytes + JOURNAL_MIN_GROWTH);
    return fd;
  }
}

/** Writes all of `text` or throws: a short write (the disk filled up midway) is a failure too. */
function writeWhole(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  const written = fs.writeSync(fd, bytes);
  if (written < bytes.length) throw Object.assign(new Error(`ENOSPC: wrote ${written} of ${bytes.length} bytes`), { code: 'ENOSPC' });
}

function journalError(err: unknown): HindsightError {
  const code = (err as { code?: unknown }).code;
  const message = `the ingest journal cannot be written: ${(err as Error).message}`;
  return new HindsightError(code === 'ENOSPC' || code === 'EDQUOT' ? 'HS_STORE_FULL' : 'HS_STORE_UNAVAILABLE', message, { cause: err });
}

async function recover(text: string, store: Store): Promise<{ keys: string[]; probed: number }> {
  const begun = new Map<number, JournaledRequest[]>();
  const done = new Set<number>();
  const keys: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let parsed: JournalLine;
    try {
      parsed = JSON.parse(line) as JournalLine;
    } catch {
      continue; // torn by the crash: a batch line means no insert began; a lost mark is settled by the probes
    }
    // Loops, not push(...list): a list of 100k keys would overflow the call stack.
    if ('batch' in parsed) begun.set(parsed.batch, parsed.requests);
    else if ('stored' in parsed) done.add(parsed.stored);
    else if (parsed.at + RECENT_TTL_MS > Date.now()) for (const key of parsed.recovered) keys.push(key);
  }
  const unknown: JournaledRequest[] = [];
  for (const [batch, requests] of begun) {
    for (const r of requests) {
      if (done.has(batch)) keys.push(r.key);
      else unknown.push(r);
    }
  }
  const probes = unknown.filter((r): r is JournaledRequest & { probe: Probe } => r.probe !== undefined);
  if (probes.length > 0) {
    const found = await storedProbes(
      store,
      probes.map((r) => r.probe),
    );
    for (const r of probes) if (found.has(`${r.probe[1]}:${r.probe[2]}`)) keys.push(r.key);
  }
  return { keys, probed: probes.length };
}

async function storedProbes(store: Store, probes: Probe[]): Promise<Set<string>> {
  const times = probes.map((p) => BigInt(p[0]));
  const min = times.reduce((a, b) => (b < a ? b : a));
  const max = times.reduce((a, b) => (b > a ? b : a));
  const rows = await selectRows<{ TraceId: string; SpanId: string }>(
    store.client,
    store.sql.render('ingest/stored-probes', { min, max, traces: probes.map((p) => p[1]), spans: probes.map((p) => p[2]) }),
  );
  return new Set(rows.map((r) => `${r.TraceId}:${r.SpanId}`));
}
