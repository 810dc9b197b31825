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
 * batchMaxAgeMs, or at once when no insert is running and no other request is being
 * decoded; at most insertConcurrency inserts run at once (one on embedded chDB), and
 * while they run the next batch keeps growing, so a slow store gets fewer, larger
 * inserts.
 *
 * One request cannot fail or stall the others:
 * - a batch whose rows span more days (otel_traces partitions) than one insert may
 *   touch is cut by day (insert-plan.ts);
 * - requests spread over many days, which cost a part per day however they are
 *   batched, wait in a lane of their own with one insert at a time, at most a
 *   batch waiting and pauses that leave the store to others half the time, so
 *   they never hold up everyone else's inserts;
 * - an insert that fails for a reason not known to be the store's is retried
 *   request by request, so only the request whose rows are at fault fails, and
 *   only a failure that blames the store takes it down.
 *
 * Deduplication of retried requests sits in front of the writer (dedup.ts); the
 * journal behind it, told before and after each insert (InsertObserver); the live
 * tail after it, told of each request's rows once they are stored (onStored).
 */
import type { Config } from '../../common/config';
import { HindsightError } from '../../common/errors';
import type { Metrics } from '../../common/metrics';
import type { SpanRows } from '../../storage/columns';
import { SPAN_COLUMNS } from '../../storage/columns';
import type { Store } from '../../storage/store';
import type { StoreHealth } from './health';
import { batchKey, type JournaledRequest } from './idempotency';
import type { IncomingRequests } from './incoming';
import { planInserts, SPREAD_DAYS, type Part, type Splittable } from './insert-plan';
import { TRACES_TABLE } from '../../storage/schema';
import { classifyStoreError, type StoreFailure } from '../../storage/store-errors';

export type WriteOutcome = { kind: 'accepted' } | { kind: 'retryable'; error: HindsightError } | { kind: 'failed'; error: HindsightError };

/** Stores a request's rows, known by its key: the SpanWriter, or a decorator in front of it. */
export interface RowWriter {
  /** Resolves once the rows are stored, or at once when they are refused. Never rejects. */
  write(rows: SpanRows, key: string): Promise<WriteOutcome>;
  /** Refuses new writes, then waits until everything already accepted is inserted. */
  close(): Promise<void>;
}

/**
 * Told about each insert that completes requests (a request cut across inserts
 * completes with its last part): begin() before the insert, stored() once it has
 * landed. begin() may throw a HindsightError to stop the insert; stored() must not throw.
 */
export interface InsertObserver {
  begin(requests: JournaledRequest[]): number;
  stored(batch: number): void;
}

export interface SpanWriterOptions {
  store: Store;
  config: Pick<Config, 'batchMaxSpans' | 'batchMaxAgeMs' | 'queueMaxSpans' | 'queueMaxBytes' | 'insertConcurrency'>;
  metrics: Metrics;
  health: StoreHealth;
  /** The ingest journal, when there is one (embedded storage). */
  journal?: InsertObserver;
  /** Requests being decoded (the pipeline counts them): an idle store waits for them. */
  incoming?: IncomingRequests;
  /**
   * Told of each request's rows once the insert that completes it has succeeded, as the
   * request is acknowledged (the live tail's source). Called on the write path: it must
   * return at once and not throw.
   */
  onStored?: (rows: SpanRows) => void;
}

interface Pending extends Splittable {
  settle(outcome: WriteOutcome): void;
}

/**
 * Requests waiting for an insert, and the inserts draining them. `maxWaitingSpans`
 * bounds what may wait beyond the inserts already running (an empty lane admits
 * any one request).
 */
class Lane {
  pending: Pending[] = [];
  pendingSpans = 0;
  /** When the oldest pending request arrived (performance.now()). */
  pendingSince = 0;
  inFlight = 0;
  timer: NodeJS.Timeout | undefined;
  /** When the timer fires (performance.now()). */
  timerDue = 0;

  constructor(
    readonly concurrency: number,
    readonly maxWaitingSpans: number,
  ) {}

  get idle(): boolean {
    return this.pending.length === 0 && this.inFlight === 0;
  }
}

/** The longest pause of the spread lane for others (makeWay). */
const SPREAD_PAUSE_MAX_MS = 1000;

export class SpanWriter implements RowWriter {
  private queuedSpans = 0;
  private queuedBytes = 0;
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  private readonly store: Store;
  private readonly config: SpanWriterOptions['config'];
  private readonly metrics: Metrics;
  private readonly health: StoreHealth;
  private readonly journal: InsertObserver | undefined;
  private readonly incoming: IncomingRequests | undefined;
  private readonly onStored: ((rows: SpanRows) => void) | undefined;
  private readonly common: Lane;
  /**
   * Requests whose rows fall on more than SPREAD_DAYS days: one insert at a time,
   * beside the common ones, pausing between inserts while others have work
   * (makeWay). A common batch waits for at most one insert of spread rows
   * (MAX_DAYS_PER_INSERT bounds how long that takes), never for a queue of them.
   */
  private readonly spread: Lane;

  constructor(options: SpanWriterOptions) {
    this.store = options.store;
    this.config = options.config;
    this.metrics = options.metrics;
    this.health = options.health;
    this.journal = options.journal;
    this.incoming = options.incoming;
    this.onStored = options.onStored;
    // The last request on its way has been queued (or refused): a batch that waited for it may go.
    this.incoming?.onEnd(() => this.schedule(this.common));
    // The embedded store's connection runs one statement at a time (two inserts sent
    // together finish when two sent one after the other would): a second insert would
    // only wait inside it, holding rows that would otherwise have grown the next batch
    // (fewer, larger parts: less insert and merge work per span; README, Performance).
    const concurrency = this.store.engine === 'embedded' ? 1 : this.config.insertConcurrency;
    this.common = new Lane(concurrency, Number.POSITIVE_INFINITY);
    this.spread = new Lane(1, this.config.batchMaxSpans);
  }

  write(rows: SpanRows, key: string): Promise<WriteOutcome> {
    if (rows.spans === 0) return Promise.resolve({ kind: 'accepted' });
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
    const days = rows.days.map((d) => d.day);
    const lane = days.length > SPREAD_DAYS ? this.spread : this.common;
    if (lane.pendingSpans > 0 && lane.pendingSpans + rows.spans > lane.maxWaitingSpans) {
      return Promise.resolve({
        kind: 'retryable',
        error: new HindsightError('HS_QUEUE_FULL', `requests whose spans fall on more than ${SPREAD_DAYS} days are stored one batch at a time, and a batch of them is already waiting; retry later`),
      });
    }
    this.queuedSpans += rows.spans;
    this.queuedBytes += bytes;
    this.updateQueueGauges();
    return new Promise((resolve) => {
      lane.pending.push({
        rows,
        key,
        days,
        settle: (outcome) => {
          this.queuedSpans -= rows.spans;
          this.queuedBytes -= bytes;
          this.updateQueueGauges();
          resolve(outcome);
        },
      });
      if (lane.pendingSpans === 0) lane.pendingSince = performance.now();
      lane.pendingSpans += rows.spans;
      this.schedule(lane);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.schedule(this.common);
    this.schedule(this.spread);
    if (this.common.idle && this.spread.idle) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get depth(): { spans: number; bytes: number } {
    return { spans: this.queuedSpans, bytes: this.queuedBytes };
  }

  private updateQueueGauges(): void {
    this.metrics.queueSpans.set(this.queuedSpans);
    this.metrics.queueBytes.set(this.queuedBytes);
  }

  private schedule(lane: Lane): void {
    while (lane.pending.length > 0 && lane.inFlight < lane.concurrency && this.waitLeft(lane) === 0) {
      this.flush(lane);
    }
    if (lane.pending.length > 0 && lane.inFlight < lane.concurrency) this.arm(lane, this.waitLeft(lane));
    if (this.common.idle && this.spread.idle) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Sets the lane's timer to fire in `wait` ms, unless it already fires as soon. */
  private arm(lane: Lane, wait: number): void {
    const due = performance.now() + wait;
    if (lane.timer !== undefined) {
      if (lane.timerDue <= due + 1) return;
      clearTimeout(lane.timer);
    }
    lane.timerDue = due;
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      // Within a millisecond of due (timers round); a request that began decoding since may have moved it on.
      if (lane.pending.length > 0 && lane.inFlight < lane.concurrency && this.waitLeft(lane) <= 1) this.flush(lane);
      this.schedule(lane);
    }, wait);
  }

  /**
   * Milliseconds until the lane's pending batch is due; 0 when it is due now. At the
   * latest when its oldest request has waited batchMaxAgeMs, at once when it is full;
   * otherwise:
   * - while an insert runs, the batch grows by itself (group commit);
   * - an idle lane waits for requests still being decoded: requests that arrive
   *   together (each exporter's next one, sent when its last was acknowledged) reach
   *   the writer one decode apart, and taking the first alone would cost an insert,
   *   a part and its merges for each;
   * - with none on its way, an idle lane takes the batch at once: waiting for nothing
   *   would only add latency.
   */
  private waitLeft(lane: Lane): number {
    if (this.closing || lane.pendingSpans >= this.config.batchMaxSpans) return 0;
    if (lane.inFlight === 0 && (this.incoming?.count ?? 0) === 0) return 0;
    return Math.max(0, this.config.batchMaxAgeMs - (performance.now() - lane.pendingSince));
  }

  /** Takes up to batchMaxSpans of the lane's pending rows (at least one request) into one batch. */
  private flush(lane: Lane): void {
    if (lane.timer !== undefined) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    const batch: Pending[] = [];
    let spans = 0;
    while (lane.pending.length > 0) {
      const next = lane.pending[0] as Pending;
      if (batch.length > 0 && spans + next.rows.spans > this.config.batchMaxSpans) break;
      batch.push(next);
      spans += next.rows.spans;
      lane.pending.shift();
    }
    lane.pendingSpans -= spans;
    lane.pendingSince = performance.now();
    lane.inFlight++;
    void this.insertBatch(batch, lane === this.spread ? (elapsedMs) => this.makeWay(elapsedMs) : undefined).finally(() => {
      lane.inFlight--;
      this.schedule(lane);
    });
  }

  /**
   * Inserts a batch, cut by day when it must be, and settles each request: accepted
   * once all its rows are stored, failed alone when its own rows are at fault.
   */
  private async insertBatch(batch: Pending[], afterInsert: ((elapsedMs: number) => Promise<void>) | undefined): Promise<void> {
    const failures = new Map<Pending, HindsightError>();
    const failAll = (error: HindsightError): void => {
      for (const p of batch) if (!failures.has(p)) failures.set(p, error);
    };
    for (const parts of planInserts(batch)) {
      const live = parts.filter((part) => !failures.has(part.request));
      if (live.length === 0) continue;
      const started = performance.now();
      const failure = await this.insert(live);
      await afterInsert?.(performance.now() - started);
      if (failure === undefined) continue;
      if (failure.blame === 'store') {
        failAll(failure.error);
        break;
      }
      if (live.length === 1) {
        failures.set((live[0] as Part<Pending>).request, failure.error);
        continue;
      }
      // Not known to be the store's fault, so possibly one request's rows: insert
      // each alone, so that only the guilty one fails and the others are stored.
      const storeWide = await this.isolate(live, failures);
      if (storeWide !== undefined) {
        failAll(storeWide);
        break;
      }
    }
    for (const p of batch) {
      const error = failures.get(p);
      p.settle(error === undefined ? { kind: 'accepted' } : { kind: error.retryable ? 'retryable' : 'failed', error });
      if (error === undefined) this.onStored?.(p.rows);
    }
  }

  /**
   * After an insert of spread rows, while others' requests wait or are being
   * inserted, pauses as long as that insert took: embedded chDB runs one insert
   * at a time, so spread requests get about half the store at most, and a common
   * batch rarely waits behind one of their inserts. Measured with a 130-day request
   * every 200 ms beside a small client: its median latency stayed at its quiet
   * level with the pause, and rose about fivefold without.
   */
  private async makeWay(elapsedMs: number): Promise<void> {
    if (this.common.idle) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(SPREAD_PAUSE_MAX_MS, elapsedMs)));
  }

  /** Inserts each part alone, recording the requests that fail; returns a store-wide error, which stops it. */
  private async isolate(parts: Part<Pending>[], failures: Map<Pending, HindsightError>): Promise<HindsightError | undefined> {
    for (const part of parts) {
      const failure = await this.insert([part]);
      if (failure === undefined) continue;
      if (failure.blame === 'store') return failure.error;
      failures.set(part.request, failure.error);
    }
    return undefined;
  }

  /**
   * One INSERT, journaled before and after, its outcome reported to the store's
   * health; the store's error translated, never thrown. Only a failure that blames
   * the store takes it down.
   */
  private async insert(parts: Part<Pending>[]): Promise<StoreFailure | undefined> {
    const stop = this.metrics.insertSeconds.startTimer();
    try {
      // A request cut across inserts is journaled with its last part: "stored" must mean all of it.
      const completed = parts.filter((part) => part.completes).map((part) => ({ key: part.request.key, probe: part.request.rows.probe }));
      const journaled = completed.length > 0 ? this.journal?.begin(completed) : undefined;
      await this.store.insertRows(
        TRACES_TABLE,
        SPAN_COLUMNS,
        parts.flatMap((part) => part.data),
        batchKey(parts.map((part) => part.name)),
      );
      if (journaled !== undefined) this.journal?.stored(journaled);
      this.metrics.batchSpans.observe(parts.reduce((sum, part) => sum + part.spans, 0));
      this.health.succeeded();
      return undefined;
    } catch (err) {
      const failure = classifyStoreError(err);
      this.metrics.insertFailures.inc({ retryable: String(failure.error.retryable) });
      if (failure.blame === 'store') this.health.failed(failure.error);
      return failure;
    } finally {
      stop();
    }
  }
}
