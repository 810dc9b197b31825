/** The trace reader over a stand-in for the named queries: no store, only what it makes of their rows. */
import { HindsightError } from '../../../../common/errors';
import type { Queries, SpanRow, TraceSummaryRow } from '../../../../viewer/query/queries';
import { OUTLIER_HISTORY_NS, OUTLIER_MIN_SAMPLES, OUTLIER_WINDOW_NS } from '../../../../viewer/query/outliers';
import { TraceReader, toCriticalPath } from '../../../../viewer/query/reader';
import { makeApiSpan } from '../../../support/api-spans';

const TRACE = 'ab'.repeat(16);
const range = { startNs: 0n, endNs: 3_600_000_000_000n };

function spanRow(overrides: Partial<SpanRow>): SpanRow {
  return {
    TraceId: TRACE,
    SpanId: '0000000000000001',
    ParentSpanId: '',
    TraceState: '',
    SpanName: 'op',
    SpanKind: 'Server',
    ServiceName: 'svc',
    ResourceAttributes: {},
    ScopeName: '',
    ScopeVersion: '',
    SpanAttributes: {},
    startNs: '1000',
    durationNs: '500',
    StatusCode: 'Unset',
    StatusMessage: '',
    eventTimesNs: [],
    eventNames: [],
    eventAttributes: [],
    linkTraceIds: [],
    linkSpanIds: [],
    linkTraceStates: [],
    linkAttributes: [],
    ...overrides,
  };
}

const summaryRow = (traceId: string): TraceSummaryRow => ({
  TraceId: traceId,
  startNs: '0',
  durationNs: '1',
  spanCount: '1',
  errorCount: '0',
  rootService: 'svc',
  rootOperation: 'op',
  services: { svc: '1' },
});

/** Stored traces by id; a trace mapped to [] is known to the lookup table but has no spans left. */
function readerOver(stored: Record<string, SpanRow[]>, extra: Partial<Queries> = {}, now = () => 1_700_000_000_000): TraceReader {
  const queries: Partial<Queries> = {
    traceRange: async (traceId) => (stored[traceId] === undefined ? undefined : range),
    traceSpans: async (traceId) => stored[traceId] ?? [],
    ...extra,
  };
  return new TraceReader(queries as Queries, now);
}

describe('a trace that is not stored is HS_NOT_FOUND, for every question about it', () => {
  const reader = readerOver({ [TRACE]: [] });
  test.each([
    ['trace', (id: string) => reader.trace(id)],
    ['critical path', (id: string) => reader.criticalPath(id)],
    ['outliers', (id: string) => reader.outliers(id)],
  ])('%s', async (_name, ask) => {
    for (const id of [TRACE, 'cd'.repeat(16)]) {
      const error = await ask(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HindsightError);
      expect(error).toMatchObject({ code: 'HS_NOT_FOUND', httpStatus: 404, message: `trace ${id} not found` });
    }
  });
});

test('a stored trace comes back as API spans', async () => {
  const reader = readerOver({ [TRACE]: [spanRow({ SpanId: 'a1', SpanName: 'GET /' })] });
  const trace = await reader.trace(TRACE);
  expect(trace.traceId).toBe(TRACE);
  expect(trace.spans.map((s) => [s.spanId, s.name, s.kind])).toEqual([['a1', 'GET /', 'Server']]);
});

test('outliers: baselines of the last week up to now, at least OUTLIER_MIN_SAMPLES each, then scored', async () => {
  const baselines = jest.fn(async () => [{ service: 'svc', operation: 'op', samples: '100', logMedian: Math.log(100), logSigma: 0.1, p50: 100, p95: 120, errorRate: 0 }]);
  const reader = readerOver({ [TRACE]: [spanRow({ SpanId: 'slow', durationNs: '1000' }), spanRow({ SpanId: 'usual', durationNs: '100' })] }, { baselines }, () => 1_700_000_000_000);
  const answer = await reader.outliers(TRACE);
  const nowNs = 1_700_000_000_000n * 1_000_000n;
  expect(baselines).toHaveBeenCalledWith({ startNs: nowNs - OUTLIER_WINDOW_NS, endNs: nowNs }, nowNs - OUTLIER_HISTORY_NS, OUTLIER_MIN_SAMPLES);
  expect(answer).toEqual({ traceId: TRACE, outliers: [{ spanId: 'slow', z: 23, severity: 'critical', baselineP50Ns: 100 }] });
});

test('a search with spans leaves out a trace whose spans are gone by the time they are read', async () => {
  const other = 'cd'.repeat(16);
  const reader = readerOver({ [TRACE]: [spanRow({})] }, { searchTraces: async () => [summaryRow(other), summaryRow(TRACE)] });
  const found = await reader.searchWithSpans({ range, attributes: [], limit: 20, sort: 'newest' });
  expect(found.map((t) => t.traceId)).toEqual([TRACE]);
});

test('services carry their error rate, 0 for a service without spans', async () => {
  const reader = readerOver(
    {},
    {
      services: async () => [
        { name: 'a', spanCount: '4', errorCount: '1' },
        { name: 'b', spanCount: '0', errorCount: '0' },
      ],
    },
  );
  expect(await reader.services(range)).toEqual({
    services: [
      { name: 'a', spanCount: 4, errorCount: 1, errorRate: 0.25 },
      { name: 'b', spanCount: 0, errorCount: 0, errorRate: 0 },
    ],
  });
});

test('the critical path is answered in Unix nanoseconds, as decimal strings', () => {
  const start = 1_700_000_000_000_000_000n;
  const spans = [makeApiSpan({ spanId: 'root', startNs: String(start), durationNs: '1000' }), makeApiSpan({ spanId: 'child', parentSpanId: 'root', startNs: String(start + 200n), durationNs: '500' })];
  const path = toCriticalPath(TRACE, spans);
  expect(path.traceId).toBe(TRACE);
  expect(path.warnings).toEqual([]);
  expect(path.segments.map((s) => [s.spanId, s.start, s.end, s.selfTime])).toEqual([
    ['root', String(start), String(start + 200n), '200'],
    ['child', String(start + 200n), String(start + 700n), '500'],
    ['root', String(start + 700n), String(start + 1000n), '300'],
  ]);
});
