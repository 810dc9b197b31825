/**
 * 100,000 mutated protobuf and JSON bodies through the decoders in-process: each
 * either normalizes or is refused as malformed; nothing else is thrown, nothing
 * hangs, and the Native blocks written account for every byte and every stored span. Inputs that surprised earlier
 * versions are kept in tests/fixtures/fuzz/ and replayed first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeBody } from '../../../../collector/otlp/decode';
import { MalformedRequest } from '../../../../collector/otlp/malformed';
import { jsonRequest, makeSimpleTrace, makeTraces, protobufRequest } from '../../../support/spans';
import { mulberry32, mutate } from '../../../support/mutate';

const CORPUS = path.join(__dirname, '../../../fixtures/fuzz');
const ITERATIONS = 50_000;

function check(body: Buffer, encoding: 'protobuf' | 'json'): 'ok' | 'malformed' {
  try {
    const { rows } = normalizeBody(body, encoding);
    let end = 0;
    let spans = 0;
    for (const day of rows.days) {
      if (day.start !== end || day.end <= day.start || day.spans <= 0) throw new Error(`day blocks out of place: ${JSON.stringify(rows.days)}`);
      end = day.end;
      spans += day.spans;
    }
    if (end !== rows.data.length || spans !== rows.spans) throw new Error(`day blocks do not cover the rows: ${JSON.stringify(rows.days)}`);
    return 'ok';
  } catch (err) {
    if (err instanceof MalformedRequest) return 'malformed';
    fs.writeFileSync(path.join(CORPUS, `crash-${encoding}-${Date.now()}.bin`), body);
    throw err;
  }
}

const seeds = (): { protobuf: Buffer[]; json: Buffer[] } => {
  const traces = [makeTraces().spans, makeSimpleTrace({ children: 3, attributes: { a: [1, 2], b: 'x"y', c: true } })];
  return { protobuf: traces.map(protobufRequest), json: traces.map(jsonRequest) };
};

test('the kept corpus still decodes or is refused cleanly', () => {
  for (const file of fs.readdirSync(CORPUS)) {
    const body = fs.readFileSync(path.join(CORPUS, file));
    expect(['ok', 'malformed']).toContain(check(body, file.includes('json') ? 'json' : 'protobuf'));
  }
});

test.each(['protobuf', 'json'] as const)('50,000 mutated %s bodies: decoded or refused, never crashed', (encoding) => {
  const random = mulberry32(encoding === 'protobuf' ? 7 : 11);
  const inputs = seeds()[encoding];
  const outcomes = { ok: 0, malformed: 0 };
  for (let i = 0; i < ITERATIONS; i++) outcomes[check(mutate(inputs[i % inputs.length]!, random), encoding)]++;
  // Both outcomes occur: the mutations reach past the first byte.
  expect(outcomes.ok).toBeGreaterThan(ITERATIONS / 100);
  expect(outcomes.malformed).toBeGreaterThan(ITERATIONS / 100);
});
