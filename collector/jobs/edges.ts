/**
 * The service dependency job: turns spans into per-minute service edges, so a
 * 24-hour map reads 1,440 small rows per edge instead of joining millions of
 * spans. It is incremental and owned here, rather than a materialized view,
 * because an edge joins a child span to its parent, and the two often arrive in
 * different inserts: a view sees one insert at a time.
 *
 * Each run covers whole minutes from the watermark up to now minus a lag (so late
 * spans of those minutes have arrived), at most an hour per step, and moves the
 * watermark in hindsight_jobs, so a restart resumes where it stopped.
 *
 * Spans can arrive later than the lag (an exporter's retries after an outage, a
 * long span exported when it ends). A view records the minutes that received
 * such spans (hindsight_late_arrivals); each run then recomputes the edges those
 * spans can change, replacing the minutes' rows (delete, then insert), and moves
 * a second watermark over the arrivals it has handled. The view rather than the
 * writer telling the job: the spans may reach a collector that does not run the
 * job, or come from another writer of the same tables.
 *
 * Edges are:
 * - service → service, from a span whose parent is in another service;
 * - service → external peer, from a CLIENT or PRODUCER span with no child in
 *   another service, named by peer.service, else db.system with db.name, else
 *   server.address: the database or API that sends no spans of its own;
 * - producer service → broker → consumer service, for messaging: a PRODUCER span
 *   naming its broker (messaging.system with the destination) is an edge to the
 *   broker, and a CONSUMER span whose parent or link is a producer span of another
 *   service is an edge from the broker (Kind 'messaging').
 *
 * Whole hours the job has covered are rolled up into hindsight_service_edges_1h (a third
 * watermark, `service_edges_hours`), and rewritten when late spans change one of their minutes,
 * so a day-long map adds 24 latency histograms per edge instead of 1,440.
 *
 * The selects (storage/sql/jobs/edges/) are shared with the live map
 * (viewer/query/queries.ts), which computes the minutes past the watermark the same way.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../common/log';
import { EDGES_1H_TABLE, EDGES_TABLE, localTable } from '../../storage/schema';
import type { SqlRegistry } from '../../storage/sql/registry';
import { selectRows } from '../../storage/sql/select';

const JOB = 'service_edges';
const LATE_JOB = 'service_edges_late';
/** Hours from HOURS_START to it are rolled up into the hourly edge table (viewer/query/dependencies.ts reads them there). */
const HOURS_JOB = 'service_edges_hours';
/** The first hour rolled up, set once: the minutes before it stay in the per-minute table only. */
const HOURS_START = 'service_edges_hours_start';
const HOUR = 3600;
/** Hours rolled up per statement: a day of per-minute rows. */
const MAX_HOUR_STEP_SECONDS = 24 * HOUR;
/** The cursor through one second of arrivals too large for one run; see MAX_LATE_MINUTES_PER_RUN. */
const lateCursor = (second: number): string => `service_edges_late_cursor/${second}`;
/** How far before a child its parent may have started, and how late a child may start after its client span. */
const PARENT_HORIZON_SECONDS = 3600;
const CHILD_HORIZON_SECONDS = 300;
const MAX_STEP_SECONDS = 3600;
/**
 * Minutes recomputed per run, about. Each late minute costs its neighbourhood
 * (66 minutes), so this is a few scattered late minutes or six contiguous hours: a
 * run stays short, and leaves the store (which embedded chDB shares with ingest,
 * one query at a time) to ingest. Whole seconds of arrivals are taken until it is
 * reached, and the rest waits for the next run. One second that exceeds it alone
 * (an import or a backfill of days of spans at once) is worked through over several
 * runs, newest minutes first: a cursor in hindsight_jobs
 * (`service_edges_late_cursor/<second>`) keeps the oldest late minute done, and the
 * arrivals' watermark stays on that second until every minute of it is.
 */
const MAX_LATE_MINUTES_PER_RUN = 6 * 60;
const MAX_ARRIVAL_SECONDS_PER_RUN = 10_000;

/** Whole minutes or hours [from, to) in Unix seconds. */
type Range = [from: number, to: number];

export interface EdgeJobOptions {
  /**
   * Minutes younger than this are left for a later run. More than
   * ARRIVAL_LATE_SECONDS (storage/schema.ts), the age from which an arriving span is
   * recorded as late. @default 60
   */
  lagSeconds: number;
  /** @default 15000 */
  intervalMs: number;
  /**
   * How long after their arrival late spans are handled. The arrival time is taken
   * when the insert starts, and its rows show only once it completes: handled
   * sooner, an insert still running could be passed over for good. @default 30
   */
  settleSeconds: number;
}

/** Where edges are deleted: the tables themselves, or on a cluster (its name) their local tables on every node. */
interface EdgeStorage {
  cluster: string | undefined;
}

export class EdgeJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private edgeStorage: Promise<EdgeStorage> | undefined;
  /** Whether this instance has cleared what a run that stopped before moving the watermark left past it. */
  private resumed = false;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly sql: SqlRegistry,
    private readonly options: EdgeJobOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = (): void => {
      this.running = this.runOnce(Math.floor(Date.now() / 1000)).then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'service edge job failed; it will retry'),
      );
      void this.running.finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Processes every complete minute up to `nowSeconds - lag`, then recomputes the
   * minutes late spans changed; returns the minutes newly covered.
   */
  async runOnce(nowSeconds: number): Promise<number> {
    const until = Math.floor((nowSeconds - this.options.lagSeconds) / 60) * 60;
    let from = await this.watermark(JOB);
    if (from === undefined) {
      const first = await this.firstSpanMinute();
      if (first === undefined) return 0;
      from = first;
    }
    if (!this.resumed) {
      // A run that stopped between its insert and its watermark left edges past it.
      await this.deleteEdges(from, undefined);
      const hours = await this.watermark(HOURS_JOB);
      if (hours !== undefined) await this.deleteHourEdges(hours, undefined);
      this.resumed = true;
    }
    let minutes = 0;
    while (from < until) {
      const to = Math.min(until, from + MAX_STEP_SECONDS);
      await this.insertEdges(from, to);
      await this.setWatermark(JOB, to);
      minutes += (to - from) / 60;
      from = to;
    }
    await this.rollHours(from);
    const recomputed = await this.recomputeLate(from);
    if (recomputed > 0) this.logger.debug({ minutes: recomputed }, 'service edges recomputed for late spans');
    return minutes;
  }

  /**
   * Recomputes the covered minutes (before `watermark`) whose edges spans that
   * arrived since the last run can change: a late span's own minute, the minutes
   * of children it may be the parent of, and of client spans it may be the server
   * child of. Returns the minutes recomputed.
   */
  private async recomputeLate(watermark: number): Promise<number> {
    const upTo = (await this.serverNow()) - this.options.settleSeconds;
    const mark = await this.watermark(LATE_JOB);
    if (mark === undefined) {
      // The first run covers every minute there is: nothing before it can be late.
      await this.setWatermark(LATE_JOB, upTo);
      return 0;
    }
    if (upTo <= mark) return 0;
    const arrived = await this.lateArrivals(mark, upTo, watermark);
    let next = arrived.length === MAX_ARRIVAL_SECONDS_PER_RUN ? (arrived.at(-1)?.arrived ?? upTo - 1) + 1 : upTo;
    const dirty = new Set<number>();
    let cursor: { second: number; minute: number } | undefined;
    for (const [i, { arrived: second, minutes }] of arrived.entries()) {
      // Whole seconds of arrivals, at least one: the next run starts at the first one left.
      if (dirty.size >= MAX_LATE_MINUTES_PER_RUN && i > 0) {
        next = second;
        break;
      }
      // Newest first, from where an earlier run stopped in this second, if one did (only the
      // first second of a run can be one: a run that stops inside a second starts the next there).
      const done = i === 0 ? await this.minuteCursor(second) : undefined;
      const left = minutes.filter((m) => done === undefined || m < done).sort((a, b) => b - a);
      for (const [j, minute] of left.entries()) {
        if (dirty.size >= MAX_LATE_MINUTES_PER_RUN) {
          // This second is too large for one run: finish it in the next ones.
          cursor = { second, minute: left[j - 1]! };
          next = second;
          break;
        }
        const last = Math.min(watermark, minute + 60 + PARENT_HORIZON_SECONDS);
        for (let m = minute - CHILD_HORIZON_SECONDS; m < last; m += 60) dirty.add(m);
      }
      if (cursor !== undefined) break;
    }
    for (const [from, to] of spanRanges(dirty, 60)) {
      for (let start = from; start < to; start += MAX_STEP_SECONDS) {
        const end = Math.min(to, start + MAX_STEP_SECONDS);
        await this.deleteEdges(start, end);
        await this.insertEdges(start, end);
      }
    }
    if (dirty.size > 0) await this.rerollHours(dirty);
    if (cursor !== undefined) {
      await this.setWatermark(lateCursor(cursor.second), cursor.minute);
      this.logger.info({ arrived: cursor.second, doneDownTo: cursor.minute }, 'late spans arrived in more minutes at once than a run recomputes; the rest follow in the next runs');
    }
    await this.setWatermark(LATE_JOB, next);
    return dirty.size;
  }

  /**
   * Rolls up every hour the job has covered whole (before `watermark`) and not rolled up yet,
   * moving its own watermark; the first time, from the first hour of per-minute edges, which it
   * records (HOURS_START) for the map.
   */
  private async rollHours(watermark: number): Promise<void> {
    const until = Math.floor(watermark / HOUR) * HOUR;
    let from = await this.watermark(HOURS_JOB);
    if (from === undefined) {
      from = await this.firstEdgeHour();
      if (from === undefined || from >= until) return;
      await this.setWatermark(HOURS_START, from);
    }
    while (from < until) {
      const to = Math.min(until, from + MAX_HOUR_STEP_SECONDS);
      await this.insertHours(from, to);
      await this.setWatermark(HOURS_JOB, to);
      from = to;
    }
  }

  /** The rolled-up hours holding one of the recomputed `minutes`, rolled up again from their minutes. */
  private async rerollHours(minutes: ReadonlySet<number>): Promise<void> {
    const [first, rolled] = [(await this.watermark(HOURS_START)) ?? Infinity, (await this.watermark(HOURS_JOB)) ?? -Infinity];
    const hours = new Set([...minutes].map((m) => Math.floor(m / HOUR) * HOUR).filter((h) => h >= first && h < rolled));
    for (const [from, to] of spanRanges(hours, HOUR)) {
      await this.deleteHourEdges(from, to);
      await this.insertHours(from, to);
    }
  }

  private async insertHours(from: number, to: number): Promise<void> {
    await this.client.command(this.sql.render('jobs/hour-edges', { from, to }));
  }

  private async firstEdgeHour(): Promise<number | undefined> {
    const rows = await selectRows<{ h: number; n: string }>(this.client, this.sql.render('jobs/first-edge-hour', {}));
    return rows[0] && Number(rows[0].n) > 0 ? Number(rows[0].h) : undefined;
  }

  /** The oldest minute already recomputed of one second's late arrivals, when a run stopped inside it. */
  private async minuteCursor(second: number): Promise<number | undefined> {
    const rows = await selectRows<{ w: number; n: string }>(this.client, this.sql.render('jobs/min-watermark', { name: lateCursor(second) }));
    return rows[0] && Number(rows[0].n) > 0 ? Number(rows[0].w) : undefined;
  }

  /** Per second of arrival in [from, to), oldest first, the covered minutes that received late spans. */
  private async lateArrivals(from: number, to: number, watermark: number): Promise<{ arrived: number; minutes: number[] }[]> {
    const rows = await selectRows<{ arrived: number; minutes: number[] }>(this.client, this.sql.render('jobs/late-arrivals', { from, to, watermark, limit: MAX_ARRIVAL_SECONDS_PER_RUN }));
    return rows.map((r) => ({ arrived: Number(r.arrived), minutes: r.minutes.map(Number) }));
  }

  private async serverNow(): Promise<number> {
    const rows = await selectRows<{ now: number }>(this.client, this.sql.render('jobs/server-now', {}));
    return Number(rows[0]?.now);
  }

  private async watermark(name: string): Promise<number | undefined> {
    const rows = await selectRows<{ w: number; n: string }>(this.client, this.sql.render('jobs/watermark', { name }));
    return rows[0] && Number(rows[0].n) > 0 ? Number(rows[0].w) : undefined;
  }

  private async setWatermark(name: string, watermark: number): Promise<void> {
    await this.client.command(this.sql.render('jobs/set-watermark', { name, watermark }));
  }

  /**
   * Deletes the edges of minutes [from, to), or from `from` on. A lightweight
   * DELETE: the rows vanish from reads at once, and the minutes are re-inserted
   * right after. Between the two a reader sees those minutes empty, never counted twice.
   */
  private async deleteEdges(from: number, to: number | undefined): Promise<void> {
    const { cluster } = await this.deletable();
    await this.client.command(this.sql.render('jobs/delete-edges', { table: cluster === undefined ? EDGES_TABLE : localTable(EDGES_TABLE), cluster, from, to }));
  }

  /** Deletes the hourly edges of hours [from, to), or from `from` on, as deleteEdges does minutes. */
  private async deleteHourEdges(from: number, to: number | undefined): Promise<void> {
    const { cluster } = await this.deletable();
    await this.client.command(this.sql.render('jobs/delete-hour-edges', { table: cluster === undefined ? EDGES_1H_TABLE : localTable(EDGES_1H_TABLE), cluster, from, to }));
  }

  /**
   * A Distributed table takes no DELETE: on a cluster (the edge tables are
   * Distributed), rows are deleted from their local tables on every node. The
   * cluster's name is the one the schema was created with, read back from it.
   */
  private deletable(): Promise<EdgeStorage> {
    this.edgeStorage ??= (async () => {
      const rows = await selectRows<{ engine_full: string }>(this.client, this.sql.render('jobs/edge-table-engine', {}));
      const cluster = /^Distributed\('?([A-Za-z_][A-Za-z0-9_]*)'?,/.exec(rows[0]?.engine_full ?? '')?.[1];
      return { cluster };
    })().catch((err: unknown) => {
      this.edgeStorage = undefined;
      throw err;
    });
    return this.edgeStorage;
  }

  private async firstSpanMinute(): Promise<number | undefined> {
    const rows = await selectRows<{ m: number; n: string }>(this.client, this.sql.render('jobs/first-span-minute', {}));
    return rows[0] && Number(rows[0].n) > 0 ? Number(rows[0].m) : undefined;
  }

  private async insertEdges(from: number, to: number): Promise<void> {
    await this.client.command(this.sql.render('jobs/service-edges', { from, to, parentFrom: from - PARENT_HORIZON_SECONDS }));
    await this.client.command(this.sql.render('jobs/external-edges', { from, to, childTo: to + CHILD_HORIZON_SECONDS }));
    await this.client.command(this.sql.render('jobs/messaging-edges', { from, to, parentFrom: from - PARENT_HORIZON_SECONDS }));
  }
}

/** Starts of periods `length` seconds long as runs of consecutive periods [from, to), in order. */
function spanRanges(starts: ReadonlySet<number>, length: number): Range[] {
  const ranges: Range[] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last !== undefined && last[1] === start) last[1] = start + length;
    else ranges.push([start, start + length]);
  }
  return ranges;
}
