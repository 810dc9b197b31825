/**
 * How a batch of span rows is cut into inserts that ClickHouse accepts.
 *
 * otel_traces is partitioned by day, and ClickHouse refuses an insert block whose
 * rows fall in more than max_partitions_per_insert_block partitions (100 by
 * default) with TOO_MANY_PARTS. Requests spread over many days, alone or batched
 * together, are therefore cut by day. The decoders write a request's spans as one
 * Native block per day (SpanRows.days), so a cut takes whole blocks and reads no
 * row; a batch of today's spans is left whole.
 */
import type { SpanRows } from '../../storage/columns';

/**
 * Distinct days one INSERT may touch. Days are counted in UTC while the partition
 * key uses the server's time zone, so 8 days may touch up to 16 partitions: well
 * under the limit. Not more, because an insert costs about a part per partition
 * and embedded chDB runs one insert at a time: a batch of today's spans may have
 * to wait for one insert of spread rows, and that wait grows with its days, while
 * a smaller bound would add inserts.
 */
export const MAX_DAYS_PER_INSERT = 8;

/**
 * A request whose rows fall on more days than this is expensive to store whatever
 * the batching (a part per day, in each table): the writer queues such requests
 * apart, so that they cannot hold up everyone else's. Two, so that spans sent
 * around midnight are not affected.
 */
export const SPREAD_DAYS = 2;

/** A request's rows, with the UTC days they fall on (ascending), as the writer queues them. */
export interface Splittable {
  rows: SpanRows;
  /** The request's identity (requestKey). */
  key: string;
  days: readonly number[];
}

/** One request's rows within one insert. */
export interface Part<R extends Splittable> {
  request: R;
  data: Buffer[];
  spans: number;
  /** Names these rows in the insert's deduplication token: the request's key, with the days taken when it is cut. */
  name: string;
  /** Whether the request has no rows in a later insert. */
  completes: boolean;
}

/**
 * The inserts a batch needs: one, holding every request whole, when its rows span
 * at most MAX_DAYS_PER_INSERT days (the common case, which costs nothing more);
 * otherwise the batch's days are taken MAX_DAYS_PER_INSERT at a time, oldest first,
 * and a request whose days fall in several groups is cut between its day blocks.
 */
export function planInserts<R extends Splittable>(batch: readonly R[]): Part<R>[][] {
  const days = [...new Set(batch.flatMap((r) => r.days))].sort((a, b) => a - b);
  if (days.length <= MAX_DAYS_PER_INSERT) return [batch.map((r) => whole(r))];
  const groupOf = new Map(days.map((day, i) => [day, Math.floor(i / MAX_DAYS_PER_INSERT)]));
  const inserts: Part<R>[][] = Array.from({ length: Math.ceil(days.length / MAX_DAYS_PER_INSERT) }, () => []);
  for (const r of batch) {
    const groups = [...new Set(r.days.map((day) => groupOf.get(day) as number))];
    if (groups.length === 1) {
      (inserts[groups[0] as number] as Part<R>[]).push(whole(r));
      continue;
    }
    const parts = cut(r, groupOf, (group) => {
      const first = days[group * MAX_DAYS_PER_INSERT] as number;
      const last = days[Math.min(days.length, (group + 1) * MAX_DAYS_PER_INSERT) - 1] as number;
      return `${r.key}@${first}-${last}`;
    });
    for (const [group, part] of parts) (inserts[group] as Part<R>[]).push(part);
  }
  return inserts;
}

function whole<R extends Splittable>(r: R): Part<R> {
  return { request: r, data: [r.rows.data], spans: r.rows.spans, name: r.key, completes: true };
}

/** A request's day blocks by insert group, as runs of consecutive blocks (no copy); the last group completes it. */
function cut<R extends Splittable>(r: R, groupOf: ReadonlyMap<number, number>, name: (group: number) => string): Map<number, Part<R>> {
  const parts = new Map<number, Part<R>>();
  const { data, days } = r.rows;
  for (let i = 0; i < days.length;) {
    const group = groupOf.get(days[i]!.day) as number;
    const start = days[i]!.start;
    let spans = 0;
    for (; i < days.length && groupOf.get(days[i]!.day) === group; i++) spans += days[i]!.spans;
    let part = parts.get(group);
    if (part === undefined) parts.set(group, (part = { request: r, data: [], spans: 0, name: name(group), completes: false }));
    part.data.push(data.subarray(start, days[i - 1]!.end));
    part.spans += spans;
  }
  (parts.get(Math.max(...parts.keys())) as Part<R>).completes = true;
  return parts;
}
