import { SPAN_COLUMNS, type SpanRows } from '../../storage/columns';

type SpanColumn = (typeof SPAN_COLUMNS)[number];

/**
 * `spans` span rows of trace `tag`, dated now, complete as the decoders write them
 * (every column, in SPAN_COLUMNS order), so a real store takes them. The write path
 * reads only how each line starts: `[<Timestamp ns>,"<TraceId>","<SpanId>"`.
 */
export function spanRows(spans: number, tag: string): SpanRows {
  const now = BigInt(Date.now()) * 1_000_000n;
  const lines = Array.from({ length: spans }, (_, i) => `${spanRow(now + BigInt(i), tag.padEnd(32, '0'), String(i).padStart(16, '0'))}\n`);
  return { data: Buffer.from(lines.join('')), spans, probe: spans === 0 ? undefined : [String(now + BigInt(spans - 1)), tag.padEnd(32, '0'), String(spans - 1).padStart(16, '0')] };
}

/** One JSONCompactEachRow line; typed over the columns, so a new column cannot be left out. */
function spanRow(timestamp: bigint, traceId: string, spanId: string): string {
  const values: Record<SpanColumn, unknown> = {
    Timestamp: timestamp,
    TraceId: traceId,
    SpanId: spanId,
    ParentSpanId: '',
    TraceState: '',
    SpanName: 'span',
    SpanKind: 'Internal',
    ServiceName: 'test',
    ResourceAttributes: {},
    ScopeName: '',
    ScopeVersion: '',
    SpanAttributes: {},
    Duration: 1000,
    StatusCode: 'Unset',
    StatusMessage: '',
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Attributes': [],
  };
  // JSON.stringify cannot write a bigint: the nanoseconds go in as their digits, as the decoders write them.
  return `[${SPAN_COLUMNS.map((column) => (typeof values[column] === 'bigint' ? String(values[column]) : JSON.stringify(values[column]))).join(',')}]`;
}
