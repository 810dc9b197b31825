import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeConfig } from '../../common/config';
import { SPAN_COLUMNS } from '../../storage/columns';
import { DayBlocks, EMPTY_MAP, SpanBlock } from '../../storage/span-block';
import { openStore, type Store } from '../../storage/store';
import { testDataDir } from '../support/server';

let store: Store;
let dir: string;

beforeAll(() => {
  store = openStore(makeConfig({ dataDir: testDataDir() }));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-span-block-'));
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function rowsOf(block: SpanBlock): Promise<Record<string, unknown>[]> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.native`);
  fs.writeFileSync(file, block.encode());
  const result = await store.client.query({ query: `SELECT * FROM file('${file}', Native)`, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

/** One span with an event and a link; `name` tells the rows apart. */
function writeSpan(b: SpanBlock, name: string): void {
  b.timestamp.int64(1_000, 0);
  b.traceId.hex(Buffer.alloc(16, 0xab), 0, 16);
  b.spanId.hex(Buffer.alloc(8, 0xcd), 0, 8);
  b.parentSpanId.text('');
  b.traceState.text('');
  b.spanName.text(name);
  b.spanKind.text('Server');
  b.serviceName.text('svc');
  b.resourceAttributes.repeat(EMPTY_MAP);
  b.scopeName.text('scope');
  b.scopeVersion.text('1');
  b.spanAttributes.keys.text('k');
  b.spanAttributes.values.text(name);
  b.spanAttributes.entries++;
  b.spanAttributes.endRow();
  b.duration.uint64(5);
  b.statusCode.text('Ok');
  b.statusMessage.text('');
  b.eventTimestamp.int64(2_000, 0);
  b.eventName.text('event');
  b.eventAttributes.endRow();
  b.events.elements++;
  b.linkTraceId.text('t');
  b.linkSpanId.text('s');
  b.linkTraceState.text('');
  b.linkAttributes.endRow();
  b.links.elements++;
  b.endRow();
}

test('the block has the columns of SPAN_COLUMNS, in order', () => {
  expect(new SpanBlock().columns().map((c) => c.name)).toEqual([...SPAN_COLUMNS]);
});

test('a span written and then taken back leaves no trace in any column', async () => {
  const block = new SpanBlock();
  writeSpan(block, 'first');
  block.mark();
  writeSpan(block, 'rejected');
  block.rollback();
  writeSpan(block, 'second');
  const rows = await rowsOf(block);
  expect(rows.map((r) => r['SpanName'])).toEqual(['first', 'second']);
  expect(rows[1]).toMatchObject({
    TraceId: 'ab'.repeat(16),
    SpanId: 'cd'.repeat(8),
    SpanAttributes: { k: 'second' },
    Duration: 5,
    'Events.Name': ['event'],
    'Events.Attributes': [{}],
    'Links.TraceId': ['t'],
  });
});

test('a released block is taken again emptied, and writes what a new one writes', async () => {
  const block = new SpanBlock();
  writeSpan(block, 'old');
  writeSpan(block, 'old too');
  block.release();
  const taken = SpanBlock.take();
  expect(taken).toBe(block);
  expect(taken.rows).toBe(0);
  writeSpan(taken, 'new');
  const fresh = new SpanBlock();
  writeSpan(fresh, 'new');
  expect(taken.encode().equals(fresh.encode())).toBe(true);
  expect((await rowsOf(taken)).map((r) => r['SpanName'])).toEqual(['new']);
});

test("DayBlocks.finish() gives its blocks back; the next request's rows are its own, and the last request's bytes stay whole", () => {
  const first = new DayBlocks();
  writeSpan(first.blockFor(1_000n), 'old');
  writeSpan(first.blockFor(1_000n), 'old too');
  const before = first.finish();
  const kept = Buffer.from(before.data);
  const again = new DayBlocks();
  writeSpan(again.blockFor(1_000n), 'new');
  const fresh = new SpanBlock();
  writeSpan(fresh, 'new');
  const after = again.finish();
  expect(after.data.equals(fresh.encode())).toBe(true);
  expect(after.spans).toBe(1);
  expect(before.data.equals(kept)).toBe(true);
});
