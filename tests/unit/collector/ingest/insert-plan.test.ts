/**
 * How a batch is cut into inserts: never more than MAX_DAYS_PER_INSERT
 * days in one insert (ClickHouse refuses more than 100 partitions per block), every
 * row exactly once, whole requests left whole, and no cut at all for a batch of
 * today's spans.
 */
import { MAX_DAYS_PER_INSERT, planInserts, rowDays, type Part, type Splittable } from '../../../../collector/ingest/insert-plan';

const DAY_NS = 86_400n * 1_000_000_000n;
const TODAY = BigInt(Math.floor(Date.now() / 86_400_000));

/** A span row as the normalizer writes it: `[<ns>,"<trace id>","<span id>",...]`. */
function row(day: bigint, i: number): string {
  const ns = day * DAY_NS + BigInt(i) * 1_000_000_007n;
  return `[${ns},"${'a'.repeat(31)}${i % 10}","${String(i).padStart(16, '0')}","","","op"]\n`;
}

function request(key: string, days: bigint[]): Splittable {
  const text = days.map((day, i) => row(day, i)).join('');
  const data = Buffer.from(text);
  return { key, rows: { data, spans: days.length, probe: undefined }, days: rowDays(data) };
}

const lines = (data: Buffer): string[] =>
  data
    .toString()
    .split('\n')
    .filter((l) => l !== '');
const rowsOf = (parts: Part<Splittable>[]): string[] => parts.flatMap((p) => lines(Buffer.concat(p.data)));
const daysIn = (parts: Part<Splittable>[]): Set<number> => new Set(parts.flatMap((p) => rowDays(Buffer.concat(p.data))));

test("rowDays reads each row's UTC day from its leading nanosecond timestamp", () => {
  const r = request('a', [TODAY, TODAY - 1n, TODAY, TODAY - 40n]);
  expect(r.days).toEqual([Number(TODAY - 40n), Number(TODAY - 1n), Number(TODAY)]);
  expect(rowDays(Buffer.from('[86399999999999,"x"]\n[86400000000000,"y"]\n[0,"z"]\n'))).toEqual([0, 1]);
  expect(rowDays(Buffer.alloc(0))).toEqual([]);
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
  expect(stored).toEqual([...lines(poison.rows.data), ...lines(innocent.rows.data)].sort());
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
