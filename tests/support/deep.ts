/**
 * Requests with one attribute whose value nests `levels` deep (the attribute's own
 * value is level 1; each arrayValue or kvlistValue adds one), written by hand in
 * both encodings: protobufjs and JSON.stringify would recurse once per level.
 */

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

export type Nesting = 'arrayValue' | 'kvlistValue';

export function deepJsonRequest(levels: number, nesting: Nesting = 'arrayValue', startNs = 1_700_000_000_000_000_000n): Buffer {
  const open = nesting === 'arrayValue' ? '{"arrayValue":{"values":[' : '{"kvlistValue":{"values":[{"key":"k","value":';
  const close = nesting === 'arrayValue' ? ']}}' : '}]}}';
  const value = open.repeat(levels - 1) + '{"stringValue":"x"}' + close.repeat(levels - 1);
  const span = `{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}","name":"op","startTimeUnixNano":"${startNs}","endTimeUnixNano":"${startNs + 1n}","attributes":[{"key":"deep","value":${value}}]}`;
  return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${span}]}]}]}`);
}

export function deepProtobufRequest(levels: number, nesting: Nesting = 'arrayValue', startNs = 1_700_000_000_000_000_000n): Buffer {
  const times = Buffer.alloc(18);
  times[0] = (7 << 3) | 1;
  times.writeBigUInt64LE(startNs, 1);
  times[9] = (8 << 3) | 1;
  times.writeBigUInt64LE(startNs + 1n, 10);
  const keyValue = Buffer.concat([delimited(1, Buffer.from('deep')), delimited(2, nestedValue(levels, nesting))]);
  const span = Buffer.concat([delimited(1, Buffer.from(TRACE_ID, 'hex')), delimited(2, Buffer.from(SPAN_ID, 'hex')), delimited(5, Buffer.from('op')), times, delimited(9, keyValue)]);
  return delimited(1, delimited(2, delimited(2, span)));
}

function varint(n: number): number[] {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return bytes;
}

function delimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(payload.length)]), payload]);
}

/**
 * An AnyValue nested `levels` deep, in one pass: sizes are computed inside out,
 * then the headers are written outside in, each wrapper being
 * AnyValue{arrayValue: {values: [inner]}} or AnyValue{kvlistValue: {values: [{key: 'k', value: inner}]}}.
 */
function nestedValue(levels: number, nesting: Nesting): Buffer {
  const innermost = delimited(1, Buffer.from('x'));
  const headers: number[][] = [];
  let size = innermost.length;
  for (let level = 1; level < levels; level++) {
    const header = nesting === 'arrayValue' ? [...tagged(5, 1 + varint(size).length + size), 0x0a, ...varint(size)] : kvHeader(size);
    headers.push(header);
    size += header.length;
  }
  const out = Buffer.alloc(size);
  let pos = 0;
  for (let i = headers.length - 1; i >= 0; i--) {
    out.set(headers[i]!, pos);
    pos += headers[i]!.length;
  }
  innermost.copy(out, pos);
  return out;
}

function tagged(field: number, length: number): number[] {
  return [(field << 3) | 2, ...varint(length)];
}

/** AnyValue{kvlistValue: KeyValueList{values: [KeyValue{key: 'k', value: <size bytes>}]}} up to the inner value. */
function kvHeader(size: number): number[] {
  const keyValue = [0x0a, 0x01, 0x6b, ...tagged(2, size)];
  const keyValueSize = keyValue.length + size;
  const list = [...tagged(1, keyValueSize), ...keyValue];
  const listSize = tagged(1, keyValueSize).length + keyValueSize;
  return [...tagged(6, listSize), ...list];
}
