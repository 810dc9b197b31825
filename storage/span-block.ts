/**
 * One insert block of otel_traces in Native, written column by column as the
 * decoders read spans: no row text and no row objects in between. Columns are in
 * SPAN_COLUMNS order; Nested columns (Events.*, Links.*) are Arrays sharing one
 * offsets buffer per group, as the engine stores them.
 */
import { ColumnBuffer, nativeBlock, type NativeColumn } from './native';

/** A Map(String, String) column: per row the cumulative entry count, then every key, then every value. */
export class MapColumn {
  readonly offsets = new ColumnBuffer(1024);
  readonly keys = new ColumnBuffer();
  readonly values = new ColumnBuffer();
  /** Entries written so far, rows ended or not. */
  entries = 0;

  /** Ends a row (or, inside an Array, an element) holding every entry written since the last. */
  endRow(): void {
    this.offsets.uint64(this.entries);
  }

  /** Appends entries encoded once (a resource's attributes) and ends the row. */
  repeat(map: EncodedMap): void {
    this.keys.raw(map.keys);
    this.values.raw(map.values);
    this.entries += map.count;
    this.endRow();
  }

  parts(): ColumnBuffer[] {
    return [this.offsets, this.keys, this.values];
  }

  /** Empties the column, keeping its buffers (a scratch map reused for each resource). */
  clear(): void {
    this.offsets.truncate(0);
    this.keys.truncate(0);
    this.values.truncate(0);
    this.entries = 0;
  }

  /** The entries written so far as an EncodedMap of their own, to repeat in other rows. */
  encoded(): EncodedMap {
    return { keys: Buffer.from(this.keys.bytes()), values: Buffer.from(this.values.bytes()), count: this.entries };
  }
}

/** Map entries in Native layout, written once and copied into each row that carries them. */
export interface EncodedMap {
  keys: Buffer;
  values: Buffer;
  count: number;
}

export const EMPTY_MAP: EncodedMap = { keys: Buffer.alloc(0), values: Buffer.alloc(0), count: 0 };

/** The elements of one Nested group (Events, Links): one offsets buffer that each of its Array columns repeats. */
export class NestedGroup {
  readonly offsets = new ColumnBuffer(1024);
  elements = 0;

  endRow(): void {
    this.offsets.uint64(this.elements);
  }
}

const MAP = 'Map(String, String)';

export class SpanBlock {
  rows = 0;
  readonly timestamp = new ColumnBuffer();
  readonly traceId = new ColumnBuffer();
  readonly spanId = new ColumnBuffer();
  readonly parentSpanId = new ColumnBuffer();
  readonly traceState = new ColumnBuffer();
  readonly spanName = new ColumnBuffer();
  readonly spanKind = new ColumnBuffer();
  readonly serviceName = new ColumnBuffer();
  readonly resourceAttributes = new MapColumn();
  readonly scopeName = new ColumnBuffer();
  readonly scopeVersion = new ColumnBuffer();
  readonly spanAttributes = new MapColumn();
  readonly duration = new ColumnBuffer();
  readonly statusCode = new ColumnBuffer();
  readonly statusMessage = new ColumnBuffer();
  readonly events = new NestedGroup();
  readonly eventTimestamp = new ColumnBuffer(1024);
  readonly eventName = new ColumnBuffer(1024);
  readonly eventAttributes = new MapColumn();
  readonly links = new NestedGroup();
  readonly linkTraceId = new ColumnBuffer(1024);
  readonly linkSpanId = new ColumnBuffer(1024);
  readonly linkTraceState = new ColumnBuffer(1024);
  readonly linkAttributes = new MapColumn();

  private readonly buffers: ColumnBuffer[];
  private readonly marked: Int32Array;
  /** rows, then the entry and element counters, as of mark(). */
  private readonly markedCounts = new Float64Array(7);

  constructor() {
    this.buffers = [...new Set(this.columns().flatMap((c) => c.parts))];
    this.marked = new Int32Array(this.buffers.length);
  }

  /** Remembers where the next span starts, so that a span found invalid after writing can be taken back. */
  mark(): void {
    const { buffers, marked, markedCounts: m } = this;
    for (let i = 0; i < buffers.length; i++) marked[i] = buffers[i]!.length;
    m[0] = this.rows;
    m[1] = this.resourceAttributes.entries;
    m[2] = this.spanAttributes.entries;
    m[3] = this.events.elements;
    m[4] = this.eventAttributes.entries;
    m[5] = this.links.elements;
    m[6] = this.linkAttributes.entries;
  }

  /** Takes back everything written since mark(). */
  rollback(): void {
    this.rollbackTo({ lengths: this.marked, counts: this.markedCounts });
  }

  /** Ends the row whose columns were all written: closes its Events and Links arrays. */
  endRow(): void {
    this.events.endRow();
    this.links.endRow();
    this.rows++;
  }

  /** The block as Native bytes. */
  encode(): Buffer {
    return nativeBlock(this.rows, this.columns());
  }

  /**
   * A block to write into: an emptied one whose bytes were encoded already
   * (release()), or a new one. A request's columns grow to hundreds of kilobytes,
   * doubling as they go; reusing the buffers saves the allocations and the copies.
   */
  static take(): SpanBlock {
    const spare = SPARE_BLOCKS.pop();
    if (spare === undefined) return new SpanBlock();
    spare.rollbackTo(EMPTY);
    return spare;
  }

  /** Gives the block back for take(), once nothing reads its buffers (encode() copies them). Large ones are left to the GC. */
  release(): void {
    if (SPARE_BLOCKS.length >= MAX_SPARE_BLOCKS || this.capacity() > MAX_SPARE_BYTES) return;
    SPARE_BLOCKS.push(this);
  }

  private capacity(): number {
    let bytes = 0;
    for (const b of this.buffers) bytes += b.buf.length;
    return bytes;
  }

  /** Takes back everything after a state: of mark(), or the empty block. */
  private rollbackTo(state: { lengths: Int32Array | undefined; counts: Float64Array }): void {
    const { buffers } = this;
    for (let i = 0; i < buffers.length; i++) buffers[i]!.truncate(state.lengths === undefined ? 0 : state.lengths[i]!);
    const m = state.counts;
    this.rows = m[0]!;
    this.resourceAttributes.entries = m[1]!;
    this.spanAttributes.entries = m[2]!;
    this.events.elements = m[3]!;
    this.eventAttributes.entries = m[4]!;
    this.links.elements = m[5]!;
    this.linkAttributes.entries = m[6]!;
  }

  /** The columns in SPAN_COLUMNS order, each with its Native type and its buffers. */
  columns(): NativeColumn[] {
    const e = this.events.offsets;
    const l = this.links.offsets;
    const columns: NativeColumn[] = [
      { name: 'Timestamp', type: 'DateTime64(9)', parts: [this.timestamp] },
      { name: 'TraceId', type: 'String', parts: [this.traceId] },
      { name: 'SpanId', type: 'String', parts: [this.spanId] },
      { name: 'ParentSpanId', type: 'String', parts: [this.parentSpanId] },
      { name: 'TraceState', type: 'String', parts: [this.traceState] },
      { name: 'SpanName', type: 'String', parts: [this.spanName] },
      { name: 'SpanKind', type: 'String', parts: [this.spanKind] },
      { name: 'ServiceName', type: 'String', parts: [this.serviceName] },
      { name: 'ResourceAttributes', type: MAP, parts: this.resourceAttributes.parts() },
      { name: 'ScopeName', type: 'String', parts: [this.scopeName] },
      { name: 'ScopeVersion', type: 'String', parts: [this.scopeVersion] },
      { name: 'SpanAttributes', type: MAP, parts: this.spanAttributes.parts() },
      { name: 'Duration', type: 'UInt64', parts: [this.duration] },
      { name: 'StatusCode', type: 'String', parts: [this.statusCode] },
      { name: 'StatusMessage', type: 'String', parts: [this.statusMessage] },
      { name: 'Events.Timestamp', type: 'Array(DateTime64(9))', parts: [e, this.eventTimestamp] },
      { name: 'Events.Name', type: 'Array(String)', parts: [e, this.eventName] },
      { name: 'Events.Attributes', type: `Array(${MAP})`, parts: [e, ...this.eventAttributes.parts()] },
      { name: 'Links.TraceId', type: 'Array(String)', parts: [l, this.linkTraceId] },
      { name: 'Links.SpanId', type: 'Array(String)', parts: [l, this.linkSpanId] },
      { name: 'Links.TraceState', type: 'Array(String)', parts: [l, this.linkTraceState] },
      { name: 'Links.Attributes', type: `Array(${MAP})`, parts: [l, ...this.linkAttributes.parts()] },
    ];
    return columns;
  }
}

/** Emptied blocks for SpanBlock.take(): a thread decodes one request at a time, which mostly fills one block. */
const SPARE_BLOCKS: SpanBlock[] = [];
const MAX_SPARE_BLOCKS = 2;
/** A block grown past this by a large request is not kept. */
const MAX_SPARE_BYTES = 8 * 1024 * 1024;
const EMPTY = { lengths: undefined, counts: new Float64Array(7) };

const NS_PER_DAY = 86_400_000_000_000n;

/**
 * A request's spans as one SpanBlock per UTC day they start on: otel_traces is
 * partitioned by day, and the writer cuts a batch that spans too many days into
 * several inserts (collector/ingest/insert-plan.ts) by taking whole blocks.
 */
export class DayBlocks {
  private readonly blocks = new Map<number, SpanBlock>();
  private lastDay = Number.NaN;
  private last: SpanBlock | undefined;

  /** The block for a span starting at `startNs`. */
  blockFor(startNs: bigint): SpanBlock {
    const day = Number(startNs / NS_PER_DAY);
    if (day === this.lastDay && this.last !== undefined) return this.last;
    let block = this.blocks.get(day);
    if (block === undefined) this.blocks.set(day, (block = SpanBlock.take()));
    this.lastDay = day;
    this.last = block;
    return block;
  }

  /** Every block as Native, days ascending, with where each lies in the bytes; the blocks go back for reuse. */
  finish(): { data: Buffer; days: DayBlock[]; spans: number } {
    const days: DayBlock[] = [];
    const chunks: Buffer[] = [];
    let offset = 0;
    let spans = 0;
    for (const day of [...this.blocks.keys()].sort((a, b) => a - b)) {
      const block = this.blocks.get(day) as SpanBlock;
      if (block.rows === 0) continue;
      const bytes = block.encode();
      chunks.push(bytes);
      days.push({ day, start: offset, end: offset + bytes.length, spans: block.rows });
      offset += bytes.length;
      spans += block.rows;
    }
    // The bytes are copies: the blocks may be written again (SpanBlock.take), and this holds none any more.
    for (const block of this.blocks.values()) block.release();
    this.blocks.clear();
    this.last = undefined;
    return { data: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, offset), days, spans };
  }
}

/** One day's block within a request's bytes: [start, end) of SpanRows.data. */
export interface DayBlock {
  /** Days since 1970-01-01, UTC. */
  day: number;
  start: number;
  end: number;
  spans: number;
}
