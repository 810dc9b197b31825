/**
 * Where the reference path (normalize.ts) puts the spans it has read and
 * judged: the values of each stored span, decided once there, written either as
 * Native column buffers (NativeRowSink, the production insert body) or as
 * JSONCompactEachRow text (JsonRowSink, the oracle the Native writers are tested
 * against through the engine). Neither decides a value: they only encode.
 */
import { encoded } from '../../storage/native';
import { DayBlocks, MapColumn, type EncodedMap } from '../../storage/span-block';
import { mapJson } from './values';

/** The values one ResourceSpans and ScopeSpans give every span of the scope. */
export interface ScopeValues {
  serviceName: string;
  resourceAttributes: ReadonlyMap<string, string>;
  scopeName: string;
  scopeVersion: string;
}

export interface EventValues {
  time: bigint;
  name: string;
  attributes: ReadonlyMap<string, string>;
}

export interface LinkValues {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: ReadonlyMap<string, string>;
}

/** A stored span's own values, as they are stored (ids as lowercase hex, kind and status as names). */
export interface SpanValues {
  start: bigint;
  end: bigint;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: string;
  attributes: ReadonlyMap<string, string>;
  statusCode: string;
  statusMessage: string;
  events: EventValues[];
  links: LinkValues[];
}

export interface RowSink {
  /** One stored span; `scope` is the same object for every span of a ScopeSpans. */
  write(span: SpanValues, scope: ScopeValues): void;
}

/** The oracle: one JSONCompactEachRow line per span, in SPAN_COLUMNS order. */
export class JsonRowSink implements RowSink {
  text = '';
  private scope: ScopeValues | undefined;
  /** ServiceName to ScopeVersion as row text, for `scope`. */
  private scopeText = '';

  write(span: SpanValues, scope: ScopeValues): void {
    if (scope !== this.scope) {
      this.scope = scope;
      this.scopeText = [JSON.stringify(scope.serviceName), mapJson(scope.resourceAttributes), JSON.stringify(scope.scopeName), JSON.stringify(scope.scopeVersion)].join(',');
    }
    const { events, links } = span;
    const columns = [
      span.start.toString(),
      JSON.stringify(span.traceId),
      JSON.stringify(span.spanId),
      JSON.stringify(span.parentSpanId),
      JSON.stringify(span.traceState),
      JSON.stringify(span.name),
      JSON.stringify(span.kind),
      this.scopeText,
      mapJson(span.attributes),
      (span.end - span.start).toString(),
      JSON.stringify(span.statusCode),
      JSON.stringify(span.statusMessage),
      `[${events.map((e) => e.time.toString()).join(',')}]`,
      JSON.stringify(events.map((e) => e.name)),
      `[${events.map((e) => mapJson(e.attributes)).join(',')}]`,
      JSON.stringify(links.map((l) => l.traceId)),
      JSON.stringify(links.map((l) => l.spanId)),
      JSON.stringify(links.map((l) => l.traceState)),
      `[${links.map((l) => mapJson(l.attributes)).join(',')}]`,
    ];
    this.text += `[${columns.join(',')}]\n`;
  }
}

function writeMap(map: MapColumn, entries: ReadonlyMap<string, string>): void {
  for (const [key, value] of entries) {
    map.keys.text(key);
    map.values.text(value);
  }
  map.entries += entries.size;
  map.endRow();
}

/** A value's String bytes, to copy into each row that carries it. */
const textBytes = (s: string): Buffer => encoded((out) => out.text(s));

/** The columns one ScopeSpans gives each of its spans, encoded once. */
interface EncodedScope {
  serviceName: Buffer;
  resourceAttributes: EncodedMap;
  scopeName: Buffer;
  scopeVersion: Buffer;
}

function encodeScope(scope: ScopeValues): EncodedScope {
  const resource = new MapColumn();
  for (const [key, value] of scope.resourceAttributes) {
    resource.keys.text(key);
    resource.values.text(value);
    resource.entries++;
  }
  return {
    serviceName: textBytes(scope.serviceName),
    resourceAttributes: resource.encoded(),
    scopeName: textBytes(scope.scopeName),
    scopeVersion: textBytes(scope.scopeVersion),
  };
}

/** The production sink: each span into its day's Native block. */
export class NativeRowSink implements RowSink {
  readonly days = new DayBlocks();
  private scope: ScopeValues | undefined;
  private encoded: EncodedScope | undefined;

  write(span: SpanValues, scope: ScopeValues): void {
    if (scope !== this.scope || this.encoded === undefined) {
      this.scope = scope;
      this.encoded = encodeScope(scope);
    }
    const shared = this.encoded;
    const b = this.days.blockFor(span.start);
    b.timestamp.bigint64(span.start);
    b.traceId.text(span.traceId);
    b.spanId.text(span.spanId);
    b.parentSpanId.text(span.parentSpanId);
    b.traceState.text(span.traceState);
    b.spanName.text(span.name);
    b.spanKind.text(span.kind);
    b.serviceName.raw(shared.serviceName);
    b.resourceAttributes.repeat(shared.resourceAttributes);
    b.scopeName.raw(shared.scopeName);
    b.scopeVersion.raw(shared.scopeVersion);
    writeMap(b.spanAttributes, span.attributes);
    b.duration.bigint64(span.end - span.start);
    b.statusCode.text(span.statusCode);
    b.statusMessage.text(span.statusMessage);
    for (const event of span.events) {
      b.eventTimestamp.bigint64(event.time);
      b.eventName.text(event.name);
      writeMap(b.eventAttributes, event.attributes);
    }
    b.events.elements += span.events.length;
    for (const link of span.links) {
      b.linkTraceId.text(link.traceId);
      b.linkSpanId.text(link.spanId);
      b.linkTraceState.text(link.traceState);
      writeMap(b.linkAttributes, link.attributes);
    }
    b.links.elements += span.links.length;
    b.endRow();
  }
}
