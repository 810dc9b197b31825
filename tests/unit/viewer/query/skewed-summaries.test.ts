import type { Span, TraceSummary } from '../../../../viewer/api/types';
import { adjustSummaries, bySlowest } from '../../../../viewer/query/skewed-summaries';
import { makeApiSpan } from '../../../support/api-spans';

const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number): bigint => BigInt(n) * 1_000_000n;
const summary = (traceId: string, startNs: bigint, durationMs: number): TraceSummary => ({
  traceId,
  rootService: 'web',
  rootOperation: 'GET /',
  startNs: String(startNs),
  durationNs: String(ms(durationMs)),
  spanCount: 3,
  errorCount: 0,
  services: [],
});
const span = (spanId: string, parentSpanId: string, service: string, kind: Span['kind'], startMs: number, durationMs: number): Span =>
  makeApiSpan({ traceId: 'skewed', spanId, parentSpanId, service, kind, startNs: String(T0 + ms(startMs)), durationNs: String(ms(durationMs)) });

//   root web [0..183]
//    └─ call web [10..170]
//         └─ handle api [-374..-224]  374 ms behind: stored, the trace lasts 557 ms
const skewed = [span('root', '', 'web', 'Server', 0, 183), span('call', 'root', 'web', 'Client', 10, 160), span('handle', 'call', 'api', 'Server', -374, 150)];

test("a listed trace with skew gets the adjusted trace's start and duration, and keeps its stored duration beside them", () => {
  const listed = [summary('skewed', T0 - ms(374), 557), summary('plain', T0, 300)];
  const adjusted = adjustSummaries(listed, new Map([['skewed', skewed]]));
  expect(adjusted[0]).toEqual({ ...listed[0], startNs: String(T0), durationNs: String(ms(183)), rawDurationNs: String(ms(557)) });
  expect(adjusted[1]).toBe(listed[1]);
});

test('sorted by slowest, the adjusted durations set the order; ties keep the search order', () => {
  const adjusted = adjustSummaries([summary('skewed', T0 - ms(374), 557), summary('plain', T0, 300), summary('tie', T0, 300)], new Map([['skewed', skewed]]));
  expect(bySlowest(adjusted).map((t) => t.traceId)).toEqual(['plain', 'tie', 'skewed']);
});
