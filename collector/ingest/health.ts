/**
 * Whether the store takes writes, as the write path has seen it.
 *
 * After a failure that blames the store (unreachable, refusing, overloaded, out of
 * disk; see storage/store-errors.ts) the store is down: new writes are refused at once with
 * HS_STORE_UNAVAILABLE, or HS_STORE_FULL while the disk is full (both 503 /
 * UNAVAILABLE with Retry-After), instead of each waiting on a dead server; one
 * request's bad rows never get here. /readyz says why, and a
 * probe runs every probeIntervalMs. The first probe that succeeds lets writes
 * through again, so ingestion resumes by itself when ClickHouse comes back; a store
 * that answers probes but still refuses inserts goes down again at the next insert.
 */
import { HindsightError } from '../../common/errors';
import type { Logger } from '../../common/log';
import type { Metrics } from '../../common/metrics';
import { toStoreError } from '../../storage/store-errors';

export class StoreHealth {
  private down: { since: number; error: HindsightError } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;

  constructor(
    private probe: () => Promise<void>,
    private readonly probeIntervalMs: number,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    metrics.storeUp.set(1);
  }

  /** Replaces the probe, e.g. once the schema that the first probe applied is in place. */
  setProbe(probe: () => Promise<void>): void {
    this.probe = probe;
  }

  /** Call only with errors that blame the store, not one request's rows. */
  failed(error: HindsightError): void {
    if (!error.retryable) return;
    if (this.down === undefined) {
      this.down = { since: Date.now(), error };
      this.metrics.storeUp.set(0);
      this.logger.warn({ err: error.message }, 'store unavailable: refusing writes with 503 until it answers again');
    } else {
      this.down.error = error;
    }
    this.scheduleProbe();
  }

  succeeded(): void {
    if (this.down === undefined) return;
    const downSeconds = (Date.now() - this.down.since) / 1000;
    this.down = undefined;
    this.metrics.storeUp.set(1);
    this.logger.info({ downSeconds }, 'store available again: writes resume');
  }

  /** The error to refuse a write with while the store is down; undefined while it is up. */
  refusal(): HindsightError | undefined {
    if (this.down === undefined) return undefined;
    const since = new Date(this.down.since).toISOString();
    const code = this.down.error.code === 'HS_STORE_FULL' ? 'HS_STORE_FULL' : 'HS_STORE_UNAVAILABLE';
    return new HindsightError(code, `the store has been unavailable since ${since}: ${this.down.error.message}`);
  }

  notReadyReason(): string | undefined {
    return this.refusal()?.message;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleProbe(): void {
    if (this.stopped || this.probing || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.probing = true;
      this.probe().then(
        () => {
          this.probing = false;
          this.succeeded();
        },
        (err: unknown) => {
          this.probing = false;
          if (this.down !== undefined) this.down.error = toStoreError(err);
          this.scheduleProbe();
        },
      );
    }, this.probeIntervalMs);
  }
}
