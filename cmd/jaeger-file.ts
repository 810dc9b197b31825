/**
 * Jaeger JSON, as `hindsight export --format jaeger`, Jaeger's query API and Jaeger UI's
 * download write it, read back into an OTLP/JSON ExportTraceServiceRequest for import.
 * The inverse of viewer/api/jaeger.ts (toJaegerTrace), with Jaeger's own OTLP mapping for
 * what that adds: `span.kind`, `otel.status_code`, `otel.status_description` and `error`
 * tags become the span's kind and status, `otel.scope.*` (or the older `otel.library.*`)
 * its scope, a process its resource, logs its events, the first CHILD_OF reference in the
 * trace its parent and every other reference a link. Jaeger keeps microseconds, so the
 * times come back as whole microseconds; trace state and link attributes are not in it.
 */

/** Jaeger's tag as files hold it: typed, or (older writers) a bare string value. */
interface JaegerTag {
  key: string;
  type?: string;
  value: unknown;
}

interface JaegerFileSpan {
  traceID: string;
  spanID: string;
  operationName?: string;
  references?: { refType?: string; traceID?: string; spanID?: string }[] | null;
  startTime: number | string;
  duration: number | string;
  tags?: JaegerTag[] | null;
  logs?: { timestamp: number | string; fields?: JaegerTag[] | null }[] | null;
  processID?: string;
  /** Jaeger's internal model embeds the process instead of naming it. */
  process?: JaegerProcess;
}

interface JaegerProcess {
  serviceName?: string;
  tags?: JaegerTag[] | null;
}

interface JaegerFileTrace {
  traceID?: string;
  spans: JaegerFileSpan[];
  processes?: Record<string, JaegerProcess> | null;
}

/** OTLP/JSON's AnyValue, as far as Jaeger's tag types go. */
type OtlpValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number } | { bytesValue: string };
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}

export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: { timeUnixNano: string; name: string; attributes: OtlpKeyValue[] }[];
  links: { traceId: string; spanId: string; attributes: OtlpKeyValue[] }[];
  status: { code: number; message: string };
}

export interface OtlpJsonRequest {
  resourceSpans: { resource: { attributes: OtlpKeyValue[] }; scopeSpans: { scope: { name: string; version: string }; spans: OtlpJsonSpan[] }[] }[];
}

/** OTLP's SpanKind numbers by Jaeger's `span.kind` value. */
const KINDS: Record<string, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
/** OTLP's StatusCode numbers by Jaeger's `otel.status_code` value. */
const STATUS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

/** The traces in a parsed JSON document when it is Jaeger's; undefined when it is not. */
export function jaegerTraces(document: unknown): JaegerFileTrace[] | undefined {
  const isTrace = (t: unknown): t is JaegerFileTrace => typeof t === 'object' && t !== null && Array.isArray((t as { spans?: unknown }).spans);
  const list = Array.isArray(document)
    ? document
    : typeof document === 'object' && document !== null && Array.isArray((document as { data?: unknown }).data)
      ? (document as { data: unknown[] }).data
      : [document];
  return list.every(isTrace) ? list : undefined;
}

const hexId = (id: string, digits: number): string => id.toLowerCase().padStart(digits, '0');

function value(tag: JaegerTag): OtlpValue {
  switch (tag.type) {
    case 'bool':
      return { boolValue: tag.value === true || tag.value === 'true' };
    case 'int64':
      return { intValue: String(tag.value) };
    case 'float64':
      return { doubleValue: Number(tag.value) };
    case 'binary':
      return { bytesValue: String(tag.value) };
    default:
      return { stringValue: typeof tag.value === 'string' ? tag.value : JSON.stringify(tag.value) };
  }
}

const keyValues = (tags: JaegerTag[]): OtlpKeyValue[] => tags.map((t) => ({ key: t.key, value: value(t) }));

/** Microseconds (a number, or a string of digits) as nanoseconds. */
function nanos(micros: number | string, what: string): bigint {
  const text = String(micros);
  if (!/^\d+$/.test(text)) throw new Error(`Jaeger JSON: ${what} is not whole microseconds: ${JSON.stringify(micros)}`);
  return BigInt(text) * 1000n;
}

function convertSpan(span: JaegerFileSpan): { span: OtlpJsonSpan; scope: { name: string; version: string } } {
  if (typeof span.traceID !== 'string' || typeof span.spanID !== 'string') throw new Error('Jaeger JSON: a span without traceID or spanID');
  const traceId = hexId(span.traceID, 32);
  const tags = span.tags ?? [];
  const tag = (...keys: string[]): string | undefined => {
    const found = tags.find((t) => keys.includes(t.key));
    return found === undefined ? undefined : String(found.value);
  };
  const statusCode = tag('otel.status_code')?.toUpperCase();
  const error = tag('error') === 'true';
  const SPECIAL = new Set([
    'span.kind',
    'otel.status_code',
    'otel.status_description',
    'error',
    'otel.scope.name',
    'otel.scope.version',
    'otel.library.name',
    'otel.library.version',
    'internal.span.format',
  ]);
  const references = span.references ?? [];
  const parent = references.find((r) => r.refType === 'CHILD_OF' && r.spanID !== undefined && (r.traceID === undefined || hexId(r.traceID, 32) === traceId));
  const start = nanos(span.startTime, 'startTime');
  return {
    scope: { name: tag('otel.scope.name', 'otel.library.name') ?? '', version: tag('otel.scope.version', 'otel.library.version') ?? '' },
    span: {
      traceId,
      spanId: hexId(span.spanID, 16),
      parentSpanId: parent?.spanID === undefined ? '' : hexId(parent.spanID, 16),
      name: span.operationName ?? '',
      kind: KINDS[tag('span.kind')?.toLowerCase() ?? ''] ?? 0,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + nanos(span.duration, 'duration')).toString(),
      attributes: keyValues(tags.filter((t) => !SPECIAL.has(t.key))),
      events: (span.logs ?? []).map((log) => {
        const fields = log.fields ?? [];
        const name = fields.find((f) => f.key === 'event');
        return { timeUnixNano: nanos(log.timestamp, 'a log timestamp').toString(), name: name === undefined ? 'log' : String(name.value), attributes: keyValues(fields.filter((f) => f !== name)) };
      }),
      links: references.filter((r) => r !== parent && r.spanID !== undefined).map((r) => ({ traceId: hexId(r.traceID ?? traceId, 32), spanId: hexId(r.spanID!, 16), attributes: [] })),
      status: { code: statusCode !== undefined ? (STATUS[statusCode] ?? 0) : error ? 2 : 0, message: tag('otel.status_description') ?? '' },
    },
  };
}

/** Jaeger traces as one OTLP/JSON request: a ResourceSpans per process, a ScopeSpans per scope in it. */
export function jaegerToOtlp(traces: JaegerFileTrace[]): OtlpJsonRequest {
  const resources = new Map<string, { attributes: OtlpKeyValue[]; scopes: Map<string, { scope: { name: string; version: string }; spans: OtlpJsonSpan[] }> }>();
  for (const trace of traces) {
    for (const jaegerSpan of trace.spans) {
      const process = jaegerSpan.process ?? (jaegerSpan.processID !== undefined ? trace.processes?.[jaegerSpan.processID] : undefined) ?? {};
      const processTags = (process.tags ?? []).filter((t) => t.key !== 'service.name');
      const attributes = [{ key: 'service.name', value: { stringValue: process.serviceName ?? 'unknown_service' } }, ...keyValues(processTags)];
      const resourceKey = JSON.stringify(attributes);
      let resource = resources.get(resourceKey);
      if (!resource) resources.set(resourceKey, (resource = { attributes, scopes: new Map() }));
      const { span, scope } = convertSpan(jaegerSpan);
      const scopeKey = `${scope.name}\u0000${scope.version}`;
      let spans = resource.scopes.get(scopeKey);
      if (!spans) resource.scopes.set(scopeKey, (spans = { scope, spans: [] }));
      spans.spans.push(span);
    }
  }
  return {
    resourceSpans: [...resources.values()].map((r) => ({ resource: { attributes: r.attributes }, scopeSpans: [...r.scopes.values()] })),
  };
}
