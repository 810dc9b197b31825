/**
 * Exactly-once storage of retried requests, in front of the writer. An exporter
 * that got no answer sends the same request again, byte for byte, so a request is
 * known by its key (requestKey, a hash of its body):
 * - a retry of a request still queued or being inserted joins that write, and gets
 *   its outcome;
 * - a retry of a request stored within the last 15 minutes (RecentRequests, which
 *   the journal also fills at start-up) is acknowledged without being stored again.
 * Either way the duplicate is counted (hindsight_duplicate_requests_total).
 */
import type { Metrics } from '../../common/metrics';
import type { SpanRows } from '../../storage/columns';
import type { RecentRequests } from './idempotency';
import type { RowWriter, WriteOutcome } from './writer';

export interface DedupOptions {
  recent: RecentRequests;
  metrics: Pick<Metrics, 'duplicateRequests'>;
}

export class DedupWriter implements RowWriter {
  /** Writes queued or running, by request key. */
  private readonly underway = new Map<string, Promise<WriteOutcome>>();
  private readonly recent: RecentRequests;
  private readonly metrics: DedupOptions['metrics'];

  constructor(
    private readonly writer: RowWriter,
    options: DedupOptions,
  ) {
    this.recent = options.recent;
    this.metrics = options.metrics;
  }

  write(rows: SpanRows, key: string): Promise<WriteOutcome> {
    // No rows: nothing to store, so nothing to store twice.
    if (rows.spans === 0) return this.writer.write(rows, key);
    const underway = this.underway.get(key);
    if (underway !== undefined || this.recent.has(key)) {
      this.metrics.duplicateRequests.inc();
      return underway ?? Promise.resolve({ kind: 'accepted' });
    }
    const write = this.writer.write(rows, key);
    this.underway.set(key, write);
    void write.then((outcome) => {
      this.underway.delete(key);
      if (outcome.kind === 'accepted') this.recent.add(key);
    });
    return write;
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
