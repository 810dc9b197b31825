/**
 * Group commit: concurrent requests' rows share one INSERT, and each request's
 * promise settles only when the insert holding its rows has completed, so an
 * acknowledgement always means "stored".
 *
 * Memory is bounded by the queue (spans and bytes waiting for or inside an
 * insert); a request that would overflow it is refused at once with a retryable
 * outcome, which transports turn into 429 / RESOURCE_EXHAUSTED.
 *
 * A batch is flushed when it reaches batchMaxSpans or its oldest rows have waited
 * batchMaxAgeMs; at most insertConcurrency inserts run at once, and while they run
 * the next batch keeps growing, so a slow store gets fewer, larger inserts.
 */
import type { Config } from '../config';
import { HindsightError } from '../errors';
import type { Metrics } from '../metrics';
import type { SpanRows } from './columns';
import { SPAN_COLUMNS } from './columns';
import type { Store } from './client';
import type { StoreHealth } from './health';
import { batchKey, probeOf, type IngestJournal, type RecentRequests } from './idempotency';
import { TRACES_TABLE } from './schema';
import { toStoreError } from './store-errors';

export type WriteOutcome =
  | { kind: 'accepted' }
  | { kind: 'retryable'; error: HindsightError }
  | { kind: 'failed'; error: HindsightError };

type WriterConfig = Pick<Config, 'batchMaxSpans' | 'batchMaxAgeMs' | 'queueMaxSpans' | 'queueMaxBytes' | 'insertConcurrency'>;

interface Pending {
  rows: SpanRows;
  /** The request's identity (requestKey). */
  key: string;
  settle(outcome: WriteOutcome): void;
}

export class SpanWriter {
  private pending: Pending[] = [];
  private pendingSpans = 0;
  /** When the oldest pending request arrived (performance.now()). */
  private pendingSince = 0;
  private queuedSpans = 0;
  private queuedBytes = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  /** Writes queued or running, by request key: a retry joins the write already under way. */
  private readonly underway = new Map<string, Promise<WriteOutcome>>();

  constructor(
    private readonly store: Store,
    private readonly config: WriterConfig,
    private readonly metrics: Metrics,
    private readonly health: StoreHealth,
    private readonly recent: RecentRequests,
    private readonly journal: IngestJournal | undefined,
  ) {}

  /**
   * Resolves once the rows are stored, or at once when they are refused. Never rejects.
   * A request (known by its key) already stored or being stored is not stored again.
   */
  write(rows: SpanRows, key: string): Promise<WriteOutcome> {
    if (rows.spans === 0) return Promise.resolve({ kind: 'accepted' });
    const underway = this.underway.get(key);
    if (underway !== undefined || this.recent.has(key)) {
      this.metrics.duplicateRequests.inc();
      return underway ?? Promise.resolve({ kind: 'accepted' });
    }
    const write = this.enqueue(rows, key);
    this.underway.set(key, write);
    void write.then((outcome) => {
      this.underway.delete(key);
      if (outcome.kind === 'accepted') this.recent.add(key);
    });
    return write;
  }

  private enqueue(rows: SpanRows, key: string): Promise<WriteOutcome> {
    if (this.closing) {
      return Promise.resolve({ kind: 'retryable', error: new HindsightError('HS_SHUTTING_DOWN', 'Hindsight is shutting down') });
    }
    const refusal = this.health.refusal();
    if (refusal !== undefined) return Promise.resolve({ kind: 'retryable', error: refusal });
    // An empty queue admits any request, so one larger than the bound still gets in alone.
    const bytes = rows.data.length;
    const empty = this.queuedSpans === 0;
    if (!empty && (this.queuedSpans + rows.spans > this.config.queueMaxSpans || this.queuedBytes + bytes > this.config.queueMaxBytes)) {
      return Promise.resolve({
        kind: 'retryable',
        error: new HindsightError('HS_QUEUE_FULL', `write queue is full (${this.queuedSpans} spans, ${this.queuedBytes} bytes queued); retry later`),
      });
    }
    this.queuedSpans += rows.spans;
    this.queuedBytes += bytes;
    this.updateQueueGauges();
    return new Promise((resolve) => {
      this.pending.push({
        rows,
        key,
        settle: (outcome) => {
          this.queuedSpans -= rows.spans;
          this.queuedBytes -= bytes;
          this.updateQueueGauges();
          resolve(outcome);
        },
      });
      if (this.pendingSpans === 0) this.pendingSince = performance.now();
      this.pendingSpans += rows.spans;
      this.schedule();
    });
  }

  /** Refuses new writes, then waits until everything already accepted is inserted. */
  async close(): Promise<void> {
    this.closing = true;
    this.schedule();
    if (this.pending.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get depth(): { spans: number; bytes: number } {
    return { spans: this.queuedSpans, bytes: this.queuedBytes };
  }

  private updateQueueGauges(): void {
    this.metrics.queueSpans.set(this.queuedSpans);
    this.metrics.queueBytes.set(this.queuedBytes);
  }

  private schedule(): void {
    while (this.pending.length > 0 && this.inFlight < this.config.insertConcurrency && this.waitLeft() === 0) {
      this.flush();
    }
    if (this.pending.length > 0 && this.timer === undefined && this.inFlight < this.config.insertConcurrency) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.pending.length > 0 && this.inFlight < this.config.insertConcurrency) this.flush();
        this.schedule();
      }, this.waitLeft());
    }
    if (this.pending.length === 0 && this.inFlight === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Milliseconds until the pending batch is due; 0 when it is due now. */
  private waitLeft(): number {
    // An idle store takes the batch at once: waiting would only add latency, and
    // while this insert runs the next batch grows by itself (group commit).
    if (this.closing || this.inFlight === 0 || this.pendingSpans >= this.config.batchMaxSpans) return 0;
    return Math.max(0, this.config.batchMaxAgeMs - (performance.now() - this.pendingSince));
  }

  /** Takes up to batchMaxSpans of pending rows (at least one request) into one insert. */
  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch: Pending[] = [];
    let spans = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0] as Pending;
      if (batch.length > 0 && spans + next.rows.spans > this.config.batchMaxSpans) break;
      batch.push(next);
      spans += next.rows.spans;
      this.pending.shift();
    }
    this.pendingSpans -= spans;
    this.pendingSince = performance.now();
    this.inFlight++;
    void this.insertBatch(batch, spans).finally(() => {
      this.inFlight--;
      this.schedule();
    });
  }

  private async insertBatch(batch: Pending[], spans: number): Promise<void> {
    const error = await this.insert(batch, spans);
    if (error === undefined) {
      for (const p of batch) p.settle({ kind: 'accepted' });
      return;
    }
    if (error.retryable || batch.length === 1) {
      for (const p of batch) p.settle({ kind: error.retryable ? 'retryable' : 'failed', error });
      return;
    }
    // A permanent failure may come from one request's rows: insert each alone so the
    // others are not lost with it.
    for (const p of batch) {
      const own = await this.insert([p], p.rows.spans);
      p.settle(own === undefined ? { kind: 'accepted' } : { kind: own.retryable ? 'retryable' : 'failed', error: own });
    }
  }

  /**
   * One INSERT, journaled before and after, its outcome reported to the store's
   * health; the store's error translated, never thrown.
   */
  private async insert(batch: Pending[], spans: number): Promise<HindsightError | undefined> {
    const stop = this.metrics.insertSeconds.startTimer();
    try {
      const journaled = this.journal?.begin(batch.map((p) => ({ key: p.key, probe: probeOf(p.rows) })));
      await this.store.insertRows(TRACES_TABLE, SPAN_COLUMNS, batch.map((p) => p.rows.data), batchKey(batch.map((p) => p.key)));
      if (journaled !== undefined) this.journal?.stored(journaled);
      this.store.faults.afterInsert();
      this.metrics.batchSpans.observe(spans);
      this.health.succeeded();
      return undefined;
    } catch (err) {
      const error = toStoreError(err);
      this.metrics.insertFailures.inc({ retryable: String(error.retryable) });
      this.health.failed(error);
      return error;
    } finally {
      stop();
    }
  }
}
