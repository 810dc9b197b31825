import { probeOf, RecentRequests, requestKey } from '../../../collector/store/idempotency';

test('a request key depends on every byte of the body', () => {
  const body = Buffer.from('0123456789abcdef');
  const changed = Buffer.from(body);
  changed[15] = 0x30;
  expect(requestKey(body)).toBe(requestKey(Buffer.from(body)));
  expect(requestKey(body)).not.toBe(requestKey(changed));
});

test('recent requests expire after 15 minutes', () => {
  const recent = new RecentRequests();
  recent.add('a', 0);
  recent.add('b', 60_000);
  expect(recent.has('a', 14 * 60_000)).toBe(true);
  expect(recent.has('a', 15 * 60_000 + 1)).toBe(false);
  expect(recent.has('b', 15 * 60_000 + 1)).toBe(true);
  expect(recent.size).toBe(1);
});

test('the probe is the first row\'s Timestamp, TraceId and SpanId', () => {
  const data = Buffer.from('[1795525697106000000,"3e4465f0d4cf257b0e306dc966118979","d96dfb62179e3151","",""]\n[1,"x","y"]\n');
  expect(probeOf({ data, spans: 2 })).toEqual(['1795525697106000000', '3e4465f0d4cf257b0e306dc966118979', 'd96dfb62179e3151']);
  expect(probeOf({ data: Buffer.from('[]\n'), spans: 0 })).toBeUndefined();
});
