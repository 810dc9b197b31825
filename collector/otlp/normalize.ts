/**
 * The reference decode path: a decoded OTLP request tree (OTLP/JSON, or
 * protobufjs's decoding of protobuf) read through a LeafCodec, validated span by
 * span (span-rules.ts), each stored span's values decided here and handed to a
 * RowSink (row-sinks.ts): Native blocks for the store (normalizeRequest), or
 * JSONCompactEachRow text, the oracle the Native writers are tested against
 * (normalizeRequestToJsonRows).
 *
 * A structural error (a list where an object belongs, an unreadable value) makes
 * the whole request malformed: it throws MalformedRequest and nothing is stored.
 */
import { quoteLongIntegers } from './json-int64';
import { jsonLeaves, protobufLeaves, roundedJsonIntegers, type LeafCodec } from './leaves';
import { AttributeCap, attributeMap, attributeString } from './values';
import { UNDATED_LIMITS, type DecodeLimits } from './limits';
import { MalformedRequest } from './malformed';
import { otlpTypes } from './proto';
import { JsonRowSink, NativeRowSink, type EventValues, type LinkValues, type RowSink, type ScopeValues } from './row-sinks';
import { judgeSpan, RequestTally, UNKNOWN_SERVICE, validParentSpanId, validSpanId, validTraceId, type JsonRows, type NormalizedRequest, type SpanFacts } from './span-rules';
import { SPAN_KINDS, STATUS_CODES } from '../../storage/columns';

const SPAN_KIND_NAMES = SPAN_KINDS.map((k) => `SPAN_KIND_${k.toUpperCase()}`);
const STATUS_CODE_NAMES = STATUS_CODES.map((c) => `STATUS_CODE_${c.toUpperCase()}`);

/** An OTLP/JSON body to span rows. Throws MalformedRequest. */
export function normalizeJson(body: Buffer, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
  return readJsonBody(body, (tree) => normalizeRequest(tree, jsonLeaves, limits));
}

/** The same, as the oracle's JSONCompactEachRow rows. */
export function normalizeJsonToJsonRows(body: Buffer, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest<JsonRows> {
  return readJsonBody(body, (tree) => normalizeRequestToJsonRows(tree, jsonLeaves, limits));
}

function readJsonBody<T>(body: Buffer, normalize: (tree: object) => T): T {
  const text = body.toString('utf8');
  const before = roundedJsonIntegers();
  try {
    const result = normalize(parseJsonObject(text));
    if (roundedJsonIntegers() === before) return result;
  } catch (err) {
    // A rounded number can itself make the request look malformed (2^63 - 1 becomes 2^63).
    if (roundedJsonIntegers() === before) throw err;
  }
  // Rare: a time or int sent as a bare number beyond 2^53. Read again, exactly.
  return normalize(parseJsonObject(quoteLongIntegers(text)));
}

export interface DecodedRequest {
  tree: unknown;
  leaves: LeafCodec;
}

/**
 * A request body as a decoded tree, for normalizeRequest: protobuf through
 * protobufjs, which the protobuf fast path is tested against (and the benchmark
 * measures as a baseline).
 */
export function decodeRequest(body: Buffer, encoding: 'protobuf' | 'json'): DecodedRequest {
  return encoding === 'protobuf' ? decodeProtobuf(body) : { tree: parseJsonObject(body.toString('utf8')), leaves: jsonLeaves };
}

function decodeProtobuf(body: Buffer): DecodedRequest {
  try {
    return { tree: otlpTypes().ExportTraceServiceRequest.decode(body), leaves: protobufLeaves };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MalformedRequest(`body is not a valid ExportTraceServiceRequest protobuf: ${reason}`, { cause: err });
  }
}

function parseJsonObject(text: string): object {
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MalformedRequest(`body is not valid JSON: ${reason}`, { cause: err });
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new MalformedRequest('body must be a JSON object (an ExportTraceServiceRequest)');
  }
  return tree;
}

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodeOrEmpty(v: unknown, where: string): Node {
  if (v == null) return {};
  if (!isNode(v)) throw new MalformedRequest(`${where}: expected an object`);
  return v;
}

function listOf(v: unknown, where: string): unknown[] {
  if (v == null) return [];
  if (!Array.isArray(v)) throw new MalformedRequest(`${where}: expected an array`);
  return v;
}

function read<T>(value: T | undefined, where: string, expected: string): T {
  if (value === undefined) throw new MalformedRequest(`${where}: expected ${expected}`);
  return value;
}

/**
 * A decoded request tree (OTLP/JSON, or protobufjs's decoding of protobuf) to span
 * rows in Native. The protobuf path normally goes through transcode.ts instead.
 */
export function normalizeRequest(request: unknown, leaves: LeafCodec, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest {
  const sink = new NativeRowSink();
  return walkRequest(request, leaves, limits, sink).result(sink.days.finish());
}

/** The same spans as JSONCompactEachRow text: the reference both Native writers are tested against. */
export function normalizeRequestToJsonRows(request: unknown, leaves: LeafCodec, limits: DecodeLimits = UNDATED_LIMITS): NormalizedRequest<JsonRows> {
  const sink = new JsonRowSink();
  return walkRequest(request, leaves, limits, sink).jsonResult(sink.text);
}

function walkRequest(request: unknown, leaves: LeafCodec, limits: DecodeLimits, sink: RowSink): RequestTally {
  const root = nodeOrEmpty(request, 'request');
  const tally = new RequestTally(new AttributeCap(limits.maxAttributes));
  const reading: SpanReading = { leaves, limits, tally, sink };

  listOf(root['resourceSpans'], 'resourceSpans').forEach((rsValue, r) => {
    const rsPath = `resourceSpans[${r}]`;
    const rs = nodeOrEmpty(rsValue, rsPath);
    const resource = nodeOrEmpty(rs['resource'], `${rsPath}.resource`);
    const resourceAttrs = resource['attributes'];
    const attrsPath = `${rsPath}.resource.attributes`;
    const serviceName = attributeString(resourceAttrs, 'service.name', leaves, attrsPath, tally.cap.max) || UNKNOWN_SERVICE;
    const resourceAttributes = attributeMap(resourceAttrs, leaves, attrsPath, tally.cap);

    listOf(rs['scopeSpans'], `${rsPath}.scopeSpans`).forEach((ssValue, s) => {
      const ssPath = `${rsPath}.scopeSpans[${s}]`;
      const ss = nodeOrEmpty(ssValue, ssPath);
      const scope = nodeOrEmpty(ss['scope'], `${ssPath}.scope`);
      const context: ScopeValues = {
        serviceName,
        resourceAttributes,
        scopeName: read(leaves.str(scope['name']), `${ssPath}.scope.name`, 'a string'),
        scopeVersion: read(leaves.str(scope['version']), `${ssPath}.scope.version`, 'a string'),
      };
      listOf(ss['spans'], `${ssPath}.spans`).forEach((spanValue, i) => {
        const spanPath = `${ssPath}.spans[${i}]`;
        readSpan(nodeOrEmpty(spanValue, spanPath), context, reading, spanPath);
      });
    });
  });
  return tally;
}

/** What every span of one request is read with, counted in and written to. */
interface SpanReading {
  leaves: LeafCodec;
  limits: DecodeLimits;
  tally: RequestTally;
  sink: RowSink;
}

/**
 * One span, written to the sink unless it is rejected. Every field is read either
 * way, so a structurally malformed span makes its request malformed even when its
 * ids are also wrong.
 */
function readSpan(span: Node, scope: ScopeValues, reading: SpanReading, where: string): void {
  const { leaves, tally } = reading;
  const cap = tally.cap;
  const mark = cap.mark();
  const traceId = leaves.id(span['traceId']);
  const spanId = leaves.id(span['spanId']);
  const parentSpanId = leaves.id(span['parentSpanId']);
  const start = read(leaves.time(span['startTimeUnixNano']), `${where}.startTimeUnixNano`, 'a 64-bit unsigned integer');
  const end = read(leaves.time(span['endTimeUnixNano']), `${where}.endTimeUnixNano`, 'a 64-bit unsigned integer');
  const traceState = read(leaves.str(span['traceState']), `${where}.traceState`, 'a string');
  const name = read(leaves.str(span['name']), `${where}.name`, 'a string');
  const kind = read(leaves.enumNumber(span['kind'], SPAN_KIND_NAMES), `${where}.kind`, 'a SpanKind');
  const status = nodeOrEmpty(span['status'], `${where}.status`);
  const code = read(leaves.enumNumber(status['code'], STATUS_CODE_NAMES), `${where}.status.code`, 'a StatusCode');
  const message = read(leaves.str(status['message']), `${where}.status.message`, 'a string');
  const attributes = attributeMap(span['attributes'], leaves, `${where}.attributes`, cap);
  const events = readEvents(span['events'], leaves, `${where}.events`, cap);
  const links = readLinks(span['links'], leaves, `${where}.links`, cap);

  const lastEvent = events.reduce((last, e) => (e.time > last ? e.time : last), 0n);
  const linksValid = links.every((l) => validTraceId(l.traceId) && validSpanId(l.spanId));
  const facts: SpanFacts = {
    traceIdValid: validTraceId(traceId),
    spanIdValid: validSpanId(spanId),
    parentSpanIdValid: validParentSpanId(parentSpanId),
    start,
    end,
    lastEvent,
    linksValid,
  };
  const rejected = judgeSpan(facts, reading.limits);
  if (rejected !== undefined) {
    tally.refused(rejected, where, mark);
    return;
  }
  // Read, since judgeSpan found them valid.
  if (tally.stored(start)) tally.probeIds(traceId as string, spanId as string);
  reading.sink.write(
    {
      start,
      end,
      // Read, since judgeSpan found them valid.
      traceId: traceId as string,
      spanId: spanId as string,
      parentSpanId: parentSpanId as string,
      traceState,
      name,
      kind: SPAN_KINDS[kind] ?? 'Unspecified',
      attributes,
      statusCode: STATUS_CODES[code] ?? 'Unset',
      statusMessage: message,
      events,
      links: links as LinkValues[],
    },
    scope,
  );
}

/** Events.Timestamp, Events.Name, Events.Attributes. */
function readEvents(value: unknown, leaves: LeafCodec, where: string, cap: AttributeCap): EventValues[] {
  return listOf(value, where).map((eventValue, i) => {
    const at = `${where}[${i}]`;
    const event = nodeOrEmpty(eventValue, at);
    return {
      time: read(leaves.time(event['timeUnixNano']), `${at}.timeUnixNano`, 'a 64-bit unsigned integer'),
      name: read(leaves.str(event['name']), `${at}.name`, 'a string'),
      attributes: attributeMap(event['attributes'], leaves, `${at}.attributes`, cap),
    };
  });
}

/** A link as read: its ids undefined when they cannot be read (which rejects its span). */
type LinkRead = Omit<LinkValues, 'traceId' | 'spanId'> & { traceId: string | undefined; spanId: string | undefined };

/** Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes. */
function readLinks(value: unknown, leaves: LeafCodec, where: string, cap: AttributeCap): LinkRead[] {
  return listOf(value, where).map((linkValue, i) => {
    const at = `${where}[${i}]`;
    const link = nodeOrEmpty(linkValue, at);
    return {
      traceId: leaves.id(link['traceId']),
      spanId: leaves.id(link['spanId']),
      traceState: read(leaves.str(link['traceState']), `${at}.traceState`, 'a string'),
      attributes: attributeMap(link['attributes'], leaves, `${at}.attributes`, cap),
    };
  });
}
