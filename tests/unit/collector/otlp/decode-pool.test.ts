/**
 * The decode thread gives what decoding on the main thread gives: the same rows,
 * verdicts, counts and idempotency key, and the same refusal for a malformed body.
 */
import { normalizeBody } from '../../../../collector/otlp/decode';
import { decodeBody } from '../../../../collector/otlp/decode-pool';
import { decodeLimits } from '../../../../collector/otlp/limits';
import { MalformedRequest } from '../../../../collector/otlp/malformed';
import { requestKey } from '../../../../collector/ingest/idempotency';
import { deepJsonRequest } from '../../../support/deep';
import { jsonRequest, makeTraces, protobufRequest } from '../../../support/spans';

const ALWAYS_ON_THE_THREAD = 0;
const limits = decodeLimits({ nowMs: Date.now(), retentionDays: 7, maxFutureSeconds: 86_400, maxAttributes: 3 });

test.each([
  ['protobuf', protobufRequest],
  ['json', jsonRequest],
] as const)('%s: the thread returns what the main thread computes', async (encoding, encode) => {
  const body = encode(makeTraces().spans);
  const inline = normalizeBody(body, encoding, limits);
  // The SDK spans carry more than 3 attributes, so the cap has something to count.
  expect(inline.droppedAttributes?.count).toBeGreaterThan(0);
  const decoded = await decodeBody(body, encoding, limits, ALWAYS_ON_THE_THREAD);
  expect(decoded.key).toBe(requestKey(body));
  expect(decoded.normalized.rows.data.equals(inline.rows.data)).toBe(true);
  expect(decoded.normalized.rows.days).toEqual(inline.rows.days);
  expect({ ...decoded.normalized, rows: undefined }).toEqual({ ...inline, rows: undefined });
  // The probe span the writer journals crosses the thread with the rows.
  expect(inline.rows.probe).toBeDefined();
  expect(decoded.normalized.rows.probe).toEqual(inline.rows.probe);
  // The caller's body is copied, never moved: it is still whole.
  expect(requestKey(body)).toBe(decoded.key);
});

test('a malformed body is refused as malformed from the thread too', async () => {
  const refused = decodeBody(deepJsonRequest(1000), 'json', limits, ALWAYS_ON_THE_THREAD);
  await expect(refused).rejects.toThrow(MalformedRequest);
  await expect(refused).rejects.toThrow(/nests deeper than/);
});

test('bodies queue for the one thread and each gets its own answer', async () => {
  const bodies = Array.from({ length: 6 }, () => protobufRequest(makeTraces().spans));
  const decoded = await Promise.all(bodies.map((b) => decodeBody(b, 'protobuf', limits, ALWAYS_ON_THE_THREAD)));
  expect(decoded.map((d) => d.key)).toEqual(bodies.map(requestKey));
});
