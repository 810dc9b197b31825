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
 * Edges are:
 * - service → service, from a span whose parent is in another service;
 * - service → external peer, from a CLIENT or PRODUCER span with no child in
 *   another service, named by peer.service, else db.system with db.name, else
 *   server.address: the database or API that sends no spans of its own.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../log';
import { EDGES_TABLE, JOBS_TABLE, TRACES_TABLE } from './schema';

const JOB = 'service_edges';
/** How far before a child its parent may have started, and how late a child may start after its client span. */
const PARENT_HORIZON_SECONDS = 3600;
const CHILD_HORIZON_SECONDS = 300;
const MAX_STEP_SECONDS = 3600;

export interface EdgeJobOptions {
  /** Minutes younger than this are left for a later run. @default 60 */
  lagSeconds: number;
  /** @default 15000 */
  intervalMs: number;
}

export class EdgeJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly traces: string;
  private readonly edges: string;
  private readonly jobs: string;

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
    private readonly options: EdgeJobOptions,
    private readonly logger: Logger,
  ) {
    this.traces = `${database}.${TRACES_TABLE}`;
    this.edges = `${database}.${EDGES_TABLE}`;
    this.jobs = `${database}.${JOBS_TABLE}`;
  }

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

  /** Processes every complete minute up to `nowSeconds - lag`; returns the minutes covered. */
  async runOnce(nowSeconds: number): Promise<number> {
    const until = Math.floor((nowSeconds - this.options.lagSeconds) / 60) * 60;
    let from = await this.watermark();
    if (from === undefined) {
      const first = await this.firstSpanMinute();
      if (first === undefined) return 0;
      from = first;
    }
    let minutes = 0;
    while (from < until) {
      const to = Math.min(until, from + MAX_STEP_SECONDS);
      await this.insertEdges(from, to);
      await this.client.insert({ table: this.jobs, values: [{ Name: JOB, Watermark: to }], columns: ['Name', 'Watermark'], format: 'JSONEachRow' });
      minutes += (to - from) / 60;
      from = to;
    }
    return minutes;
  }

  private async watermark(): Promise<number | undefined> {
    const rows = await (
      await this.client.query({
        query: `SELECT toUnixTimestamp(max(Watermark)) AS w, count() AS n FROM ${this.jobs} WHERE Name = {name:String}`,
        query_params: { name: JOB },
        format: 'JSONEachRow',
      })
    ).json<{ w: number; n: string }>();
    return rows[0] && Number(rows[0].n) > 0 ? Number(rows[0].w) : undefined;
  }

  private async firstSpanMinute(): Promise<number | undefined> {
    const rows = await (
      await this.client.query({ query: `SELECT toUnixTimestamp(toStartOfMinute(min(Timestamp))) AS m, count() AS n FROM ${this.traces}`, format: 'JSONEachRow' })
    ).json<{ m: number; n: string }>();
    return rows[0] && Number(rows[0].n) > 0 ? Number(rows[0].m) : undefined;
  }

  private async insertEdges(from: number, to: number): Promise<void> {
    const params = { from, to, parentFrom: from - PARENT_HORIZON_SECONDS, childTo: to + CHILD_HORIZON_SECONDS };
    await this.client.command({
      query: `INSERT INTO ${this.edges} (Minute, Parent, Child, Kind, Calls, Errors, Latency)
SELECT toStartOfMinute(c.Timestamp) AS Minute, p.ServiceName AS Parent, c.ServiceName AS Child, 'service' AS Kind,
       count() AS Calls, countIf(c.StatusCode = 'Error') AS Errors, quantilesTDigestState(0.5, 0.95, 0.99)(c.Duration) AS Latency
FROM ${this.traces} AS c
INNER JOIN (
    SELECT TraceId, SpanId, ServiceName FROM ${this.traces}
    WHERE Timestamp >= toDateTime({parentFrom:UInt32}) AND Timestamp < toDateTime({to:UInt32})
) AS p ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({to:UInt32})
  AND c.ParentSpanId != '' AND p.ServiceName != c.ServiceName
GROUP BY Minute, Parent, Child`,
      query_params: params,
    });
    await this.client.command({
      query: `INSERT INTO ${this.edges} (Minute, Parent, Child, Kind, Calls, Errors, Latency)
SELECT toStartOfMinute(Timestamp) AS Minute, ServiceName AS Parent,
       multiIf(SpanAttributes['peer.service'] != '', SpanAttributes['peer.service'],
               SpanAttributes['db.system'] != '', concat(SpanAttributes['db.system'], if(SpanAttributes['db.name'] != '', concat(' ', SpanAttributes['db.name']), '')),
               SpanAttributes['server.address']) AS Child,
       'external' AS Kind,
       count() AS Calls, countIf(StatusCode = 'Error') AS Errors, quantilesTDigestState(0.5, 0.95, 0.99)(Duration) AS Latency
FROM ${this.traces}
WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32})
  AND SpanKind IN ('Client', 'Producer') AND Child != ''
  AND (TraceId, SpanId) NOT IN (
      SELECT c.TraceId, c.ParentSpanId FROM ${this.traces} AS c
      WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({childTo:UInt32}) AND c.ParentSpanId != ''
        AND c.SpanKind IN ('Server', 'Consumer'))
GROUP BY Minute, Parent, Child`,
      query_params: params,
    });
  }
}
