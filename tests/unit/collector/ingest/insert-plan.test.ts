/**
 * How a batch is cut into inserts: never more than MAX_DAYS_PER_INSERT
 * days in one insert (ClickHouse refuses more than 100 partitions per block), every
 * row exactly once, whole requests left whole, and no cut at all for a batch of
 * today's spans.
 */
import { MAX_DAYS_PER_INSERT, planInserts, type Part, type Splittable } from '../../../../collector/ingest/insert-plan';
import { rowsOf as testRows } from '../../../support/span-rows';

const DAY_NS = 86_400n * 1_000_000_000n;
const TODAY = BigInt(Math.floor(Date.now() / 86_400_000));

/** A request with one span on each of `days` (in that order), span ids telling them apart. */
function request(key: string, days: bigint[]): Splittable {
  const rows = testRows(days.map((day, i) => ({ startNs: day * DAY_NS + BigInt(i) * 1_000_000_007n, traceId: 'a'.repeat(32), spanId: `${key}:${i}` })));
  return { key, rows, days: rows.days.map((d) => d.day) };
}

/** The day blocks of a request that a part's bytes hold, found by where they lie in the request's bytes. */
function blocksIn(part: Part<Splittable>): { day: number; spans: number }[] {
  const { data, days } = part.request.rows;
  return part.data.flatMap((chunk) => {
    const start = chunk.byteOffset - data.byteOffset;
    return days.filter((d) => d.start >= start && d.end <= start + chunk.length);
  });
}
const rowsOf = (parts: Part<Splittable>[]): string[] => parts.flatMap((p) => blocksIn(p).flatMap((b) => Array.from({ length: b.spans }, () => `${p.request.key}@${b.day}`)));
const daysIn = (parts: Part<Splittable>[]): Set<number> => new Set(parts.flatMap((p) => blocksIn(p).map((b) => b.day)));
const allRows = (r: Splittable): string[] => r.rows.days.flatMap((b) => Array.from({ length: b.spans }, () => `${r.key}@${b.day}`));

test("the decoders' day blocks give each request's UTC days, ascending, and every span once", () => {
  const r = request('a', [TODAY, TODAY - 1n, TODAY, TODAY - 40n]);
  expect(r.days).toEqual([Number(TODAY - 40n), Number(TODAY - 1n), Number(TODAY)]);
  expect(r.rows.days.map((d) => d.spans)).toEqual([1, 1, 2]);
  expect(r.rows.days[r.rows.days.length - 1]!.end).toBe(r.rows.data.length);
  expect(testRows([]).days).toEqual([]);
});

test("a batch of today's and yesterday's spans is one insert of whole requests, named as before", () => {
  const batch = [request('a', [TODAY, TODAY - 1n]), request('b', [TODAY])];
  const inserts = planInserts(batch);
  expect(inserts).toHaveLength(1);
  expect(inserts[0]!.map((p) => [p.name, p.completes, p.data.length, p.data[0] === p.request.rows.data])).toEqual([
    ['a', true, 1, true],
    ['b', true, 1, true],
  ]);
});

test('a request spread over 130 days is cut so that no insert holds more than the bound, each row once', () => {
  const spread = Array.from({ length: 130 }, (_, i) => TODAY - BigInt((i * 7) % 130));
  const poison = request('poison', [...spread, ...spread]);
  const innocent = request('innocent', [TODAY, TODAY]);
  const inserts = planInserts([poison, innocent]);
  expect(inserts).toHaveLength(Math.ceil(130 / MAX_DAYS_PER_INSERT));
  for (const parts of inserts) expect(daysIn(parts).size).toBeLessThanOrEqual(MAX_DAYS_PER_INSERT);
  const stored = inserts.flatMap(rowsOf).sort();
  expect(stored).toEqual([...allRows(poison), ...allRows(innocent)].sort());
  // Span counts add up, the request is completed by its last insert only, and its parts are named apart.
  const poisonParts = inserts.map((parts) => parts.find((p) => p.request === poison)!);
  expect(poisonParts.reduce((n, p) => n + p.spans, 0)).toBe(260);
  expect(poisonParts.map((p) => p.completes)).toEqual(poisonParts.map((_, i) => i === poisonParts.length - 1));
  expect(new Set(poisonParts.map((p) => p.name)).size).toBe(poisonParts.length);
  // The innocent request stays whole, in the insert holding today.
  const innocentParts = inserts.flatMap((parts) => parts.filter((p) => p.request === innocent));
  expect(innocentParts).toHaveLength(1);
  expect(innocentParts[0]).toMatchObject({ name: 'innocent', completes: true, spans: 2 });
});

test('two requests of 60 days each, fine alone, are cut when batched together', () => {
  const a = request(
    'a',
    Array.from({ length: 60 }, (_, i) => TODAY - BigInt(i)),
  );
  const b = request(
    'b',
    Array.from({ length: 60 }, (_, i) => TODAY - 60n - BigInt(i)),
  );
  const inserts = planInserts([a, b]);
  for (const parts of inserts) expect(daysIn(parts).size).toBeLessThanOrEqual(MAX_DAYS_PER_INSERT);
  expect(inserts.flatMap(rowsOf)).toHaveLength(120);
});
