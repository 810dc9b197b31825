import { Readable } from 'node:stream';
import { OUTPUT_FORMATS } from '../../../../../viewer/api/sql/formats';

async function framed(format: keyof typeof OUTPUT_FORMATS, rows: string[], started: bigint): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of Readable.from(rows.map((r) => Buffer.from(r))).pipe(OUTPUT_FORMATS[format].frame([{ name: 'n', type: 'UInt8' }], started))) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

describe('the JSON frame', () => {
  test("is ClickHouse's JSON document around JSONEachRow rows, however the chunks fall", async () => {
    const body = JSON.parse(await framed('json', ['{"n":1}\n{"n"', ':2}\n'], process.hrtime.bigint())) as Record<string, unknown>;
    expect(body).toMatchObject({ meta: [{ name: 'n', type: 'UInt8' }], data: [{ n: 1 }, { n: 2 }], rows: 2 });
  });

  test("counts elapsed from the statement's start, not from its first rows", async () => {
    const fiveSecondsAgo = process.hrtime.bigint() - 5_000_000_000n;
    const body = JSON.parse(await framed('json', ['{"n":1}\n'], fiveSecondsAgo)) as { statistics: { elapsed: number } };
    expect(body.statistics.elapsed).toBeGreaterThanOrEqual(5);
  });
});

test('CSV and TSV frames write their header once, also with no rows', async () => {
  expect(await framed('csv', ['1\n', '2\n'], 0n)).toBe('"n"\n1\n2\n');
  expect(await framed('tsv', [], 0n)).toBe('n\n');
});
