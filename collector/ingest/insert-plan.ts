/**
 * How a batch of span rows is cut into inserts that ClickHouse accepts.
 *
 * otel_traces is partitioned by day, and ClickHouse refuses an insert block whose
 * rows fall in more than max_partitions_per_insert_block partitions (100 by
 * default) with TOO_MANY_PARTS. Requests spread over many days, alone or batched
 * together, are therefore cut by day; a batch of today's spans is left whole, at
 * the cost of reading each row's first bytes once (about 0.1 µs a span).
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

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SECONDS_PER_DAY = 86_400;

/**
 * The UTC day of the span row starting at `start`: its line begins with
 * `[<Timestamp in ns>,` (SPAN_COLUMNS). Whole seconds are read from the digits
 * before the last nine, so the arithmetic stays exact in a double.
 */
function dayAt(data: Buffer, start: number): number {
  // Every time from 2001 to 2286 has 19 digits: find the comma without scanning for it.
  let end = data[start + 20] === COMMA ? start + 20 : start + 1;
  while (end < data.length && (data[end] as number) >= DIGIT_0 && (data[end] as number) <= DIGIT_9) end++;
  let seconds = 0;
  for (let i = start + 1; i < end - 9; i++) seconds = seconds * 10 + (data[i] as number) - DIGIT_0;
  return Math.floor(seconds / SECONDS_PER_DAY);
}

/** The end of the row starting at `start`, past its newline. */
function rowEnd(data: Buffer, start: number): number {
  const newline = data.indexOf(NEWLINE, start);
  return newline === -1 ? data.length : newline + 1;
}

/** The distinct UTC days of span rows, ascending. One pass, reading a few bytes per row. */
export function rowDays(data: Buffer): number[] {
  const days = new Set<number>();
  let last = Number.NaN;
  for (let start = 0; start < data.length; start = rowEnd(data, start)) {
    const day = dayAt(data, start);
    if (day !== last) days.add((last = day));
  }
  return [...days].sort((a, b) => a - b);
}

/**
 * The inserts a batch needs: one, holding every request whole, when its rows span
 * at most MAX_DAYS_PER_INSERT days (the common case, which costs nothing more);
 * otherwise the batch's days are taken MAX_DAYS_PER_INSERT at a time, oldest first,
 * and a request whose days fall in several groups is cut row by row.
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

/** A request's rows by insert group, as runs of consecutive rows (no copy); the last group completes it. */
function cut<R extends Splittable>(r: R, groupOf: ReadonlyMap<number, number>, name: (group: number) => string): Map<number, Part<R>> {
  const parts = new Map<number, Part<R>>();
  const data = r.rows.data;
  const take = (group: number, from: number, to: number, spans: number): void => {
    let part = parts.get(group);
    if (part === undefined) parts.set(group, (part = { request: r, data: [], spans: 0, name: name(group), completes: false }));
    part.data.push(data.subarray(from, to));
    part.spans += spans;
  };
  let runStart = 0;
  let runGroup = -1;
  let runSpans = 0;
  for (let start = 0; start < data.length; start = rowEnd(data, start)) {
    const group = groupOf.get(dayAt(data, start)) as number;
    if (group !== runGroup) {
      if (runSpans > 0) take(runGroup, runStart, start, runSpans);
      runStart = start;
      runGroup = group;
      runSpans = 0;
    }
    runSpans++;
  }
  if (runSpans > 0) take(runGroup, runStart, data.length, runSpans);
  (parts.get(Math.max(...parts.keys())) as Part<R>).completes = true;
  return parts;
}
