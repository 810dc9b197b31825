/**
 * The backfill job: fills the tables of views created over a store that already
 * held spans (storage/schema.ts, `backfills` of a migration). Such a view takes
 * spans from the migration's cutoff on; this job inserts the rows of the spans
 * before it through the view's own SELECT, one hour of spans per step, newest hour
 * first (the hours a user most likely looks at are filled first), then lifts the
 * view's cutoff so that it takes every span inserted, whatever its time.
 *
 * Progress lives in hindsight_jobs (`backfill/<view>`: the oldest hour written, 0
 * once done), so a restart resumes at the next hour. A step that stopped before
 * recording its hour is redone on restart, and counts its spans twice in that
 * hour's sums; steps are short, which keeps that window small.
 *
 * Collectors sharing one ClickHouse server each run this job, but one at a time: each
 * holds a lease in hindsight_jobs (`backfill-lease/<random id>`, its Watermark the time
 * it was taken, renewed before each step and dead a minute after the last renewal), and
 * only the oldest live lease steps: a collector that starts later never takes over from
 * a live one. A new lease waits LEASE_SETTLE_MS before it first steps, so two collectors
 * starting together both see both leases before either writes.
 *
 * Spans older than the cutoff that arrive while the backfill runs are taken by it
 * when their hour is still ahead of it, and missed when their hour is already
 * written: the window is the backfill's duration, and only for spans that late.
 */
import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Gauge } from 'prom-client';
import type { Logger } from '../../common/log';
import { BACKFILLS, backfillJob, backfillSelect, liftCutoffStatement, type Backfill, type SchemaOptions } from '../../storage/schema';
import { selectRows } from '../../storage/sql/select';

const HOUR = 3600;
/** How long a new lease waits before its first step, so that leases written at the same time see each other. */
const LEASE_SETTLE_MS = 2000;

export interface BackfillJobOptions {
  schema: SchemaOptions;
  /** Between steps, so that ingest and reads keep their share of the store. @default 1000 */
  pauseMs: number;
  /** Hours left per view, for /metrics. */
  remaining?: Gauge<'view'>;
}

export class BackfillJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Per view, the hours still to write (newest first), read once per pass over a view. */
  private readonly hours = new Map<string, number[]>();
  private readonly lease = `backfill-lease/${randomBytes(8).toString('hex')}`;
  /** When this job took its lease, by the store's clock. */
  private leaseTaken: number | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: BackfillJobOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = (): void => {
      this.running = this.step().then(
        (more) => {
          if (more && !this.stopped) this.timer = setTimeout(tick, this.options.pauseMs);
        },
        (err: unknown) => {
          this.logger.warn({ err }, 'backfill step failed; it will retry');
          if (!this.stopped) this.timer = setTimeout(tick, Math.max(this.options.pauseMs, 10_000));
        },
      );
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Runs every step there is; for tests and tools. */
  async runToEnd(): Promise<void> {
    while (await this.step());
  }

  /** One step of the first view with work left; false when none has any. */
  async step(): Promise<boolean> {
    const pending: [Backfill, number][] = [];
    for (const b of BACKFILLS) {
      const progress = await this.progress(b);
      if (progress !== undefined && progress !== 0) pending.push([b, progress]);
    }
    const [first] = pending;
    if (first === undefined) return false;
    if (await this.leads()) {
      // Progress read again: another collector may have stepped while this one waited.
      const progress = await this.progress(first[0]);
      if (progress !== undefined && progress !== 0) await this.stepOf(first[0], progress);
    }
    return true;
  }

  /** Renews this job's lease; true when it is the lease that steps. */
  private async leads(): Promise<boolean> {
    const { sql } = this.options.schema;
    const first = this.leaseTaken === undefined;
    this.leaseTaken ??= Number((await selectRows<{ now: number }>(this.client, sql.render('jobs/server-now', {})))[0]?.now);
    await this.client.command(sql.render('jobs/set-watermark', { name: this.lease, watermark: this.leaseTaken }));
    if (first) await new Promise((resolve) => setTimeout(resolve, LEASE_SETTLE_MS));
    const [leader] = await selectRows<{ name: string }>(this.client, sql.render('jobs/backfill-leader', {}));
    return leader?.name === this.lease;
  }

  /** Writes the newest hour before `progress`, or lifts the cutoff when none is left. */
  private async stepOf(b: Backfill, progress: number): Promise<void> {
    const { schema: o } = this.options;
    let hours = (this.hours.get(b.view) ?? []).filter((h) => h < progress);
    if (hours.length === 0) hours = await this.spanHours(progress);
    const hour = hours.shift();
    this.hours.set(b.view, hours);
    if (hour === undefined) {
      await this.client.command({ query: liftCutoffStatement(o, b) });
      await this.client.command(o.sql.render('jobs/set-watermark', { name: backfillJob(b), watermark: 0 }));
      this.options.remaining?.set({ view: b.view }, 0);
      this.logger.info({ view: b.view }, 'backfill done: the view now takes every span');
      return;
    }
    const started = Date.now();
    const select = backfillSelect(o, b.select, { from: hour, to: Math.min(hour + HOUR, progress) });
    await this.client.command(o.sql.render('jobs/backfill', { target: b.table, select }));
    await this.client.command(o.sql.render('jobs/set-watermark', { name: backfillJob(b), watermark: hour }));
    this.options.remaining?.set({ view: b.view }, hours.length);
    this.logger.info({ view: b.view, hour: new Date(hour * 1000).toISOString(), hoursLeft: hours.length, ms: Date.now() - started }, 'backfilled an hour of spans');
  }

  /** The view's progress: undefined when it needs no backfill, 0 when done, else the oldest hour written. */
  private async progress(b: Backfill): Promise<number | undefined> {
    const [row] = await selectRows<{ w: number; n: string }>(this.client, this.options.schema.sql.render('jobs/min-watermark', { name: backfillJob(b) }));
    return row !== undefined && Number(row.n) > 0 ? Number(row.w) : undefined;
  }

  private async spanHours(before: number): Promise<number[]> {
    const rows = await selectRows<{ hour: number }>(this.client, this.options.schema.sql.render('jobs/span-hours', { cutoff: before }));
    return rows.map((r) => Number(r.hour));
  }
}
