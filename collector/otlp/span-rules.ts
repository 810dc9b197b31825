/**
 * Which spans are stored, and what one request's decode comes to. Both decode
 * paths (transcode.ts for protobuf, normalize.ts for OTLP/JSON) judge their spans
 * here and count them in a RequestTally, so the encodings cannot disagree.
 *
 * A well-formed span with invalid content (ids, times) is rejected alone and
 * counted, so the rest of its request is still stored (OTLP partial success). A
 * structural error is not judged here: it makes the whole request malformed.
 */
import type { SpanProbe, SpanRows } from '../../storage/columns';
import type { DayBlock } from '../../storage/span-block';
import { LAST_STORABLE_NS, type DecodeLimits } from './limits';
import type { AttributeCap } from './values';

/** The ServiceName of spans whose resource has no service.name, as the clickhouseexporter writes it. */
export const UNKNOWN_SERVICE = 'unknown_service';

export const REJECT_REASONS = ['invalid_trace_id', 'invalid_span_id', 'invalid_parent_span_id', 'invalid_link', 'invalid_timestamp', 'end_before_start', 'too_old', 'too_far_in_future'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** LAST_STORABLE_NS to the second, as the response names it: 2106-02-07T06:28:15Z. */
const LAST_STORABLE_TIME = new Date(Number(LAST_STORABLE_NS / 1_000_000_000n) * 1000).toISOString().replace('.000Z', 'Z');

/** Each reason in the words of the partial_success message. */
export const REASON_TEXT: Record<RejectReason, string> = {
  invalid_trace_id: 'trace id is not 16 bytes or is all zero',
  invalid_span_id: 'span id is not 8 bytes or is all zero',
  invalid_parent_span_id: 'parent span id is neither empty nor 8 bytes',
  invalid_link: 'a link has an invalid trace or span id',
  invalid_timestamp: `start time is missing or a time is after ${LAST_STORABLE_TIME}, the last one stored`,
  end_before_start: 'end time is before start time',
  too_old: 'start time is older than the retention period',
  too_far_in_future: 'start time is later than the future bound (--max-future-seconds)',
};

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** A trace id, as lowercase hex (undefined when it could not be read): 16 bytes, not all zero. */
export function validTraceId(id: string | undefined): id is string {
  return id !== undefined && id.length === 32 && id !== ZERO_TRACE_ID;
}

/** A span id, as lowercase hex (undefined when it could not be read): 8 bytes, not all zero. */
export function validSpanId(id: string | undefined): id is string {
  return id !== undefined && id.length === 16 && id !== ZERO_SPAN_ID;
}

/** A parent span id, as lowercase hex (undefined when it could not be read): empty (a root span) or 8 bytes. */
export function validParentSpanId(id: string | undefined): boolean {
  return id !== undefined && (id === '' || id.length === 16);
}

/**
 * What a span is judged on, once all its fields have been read: whether each id is
 * valid (validTraceId, validSpanId, validParentSpanId, or the same judged on the
 * bytes), and its times.
 */
export interface SpanFacts {
  traceIdValid: boolean;
  spanIdValid: boolean;
  parentSpanIdValid: boolean;
  start: bigint;
  end: bigint;
  /** The latest event time, 0n without events. */
  lastEvent: bigint;
  /** Whether every link has a valid trace id and span id. */
  linksValid: boolean;
}

/** Why a span is not stored, or undefined to store it. The first rule broken is the reason. */
export function judgeSpan(span: SpanFacts, limits: DecodeLimits): RejectReason | undefined {
  if (!span.traceIdValid) return 'invalid_trace_id';
  if (!span.spanIdValid) return 'invalid_span_id';
  if (!span.parentSpanIdValid) return 'invalid_parent_span_id';
  if (span.start === 0n || span.start > LAST_STORABLE_NS || span.end > LAST_STORABLE_NS || span.lastEvent > LAST_STORABLE_NS) return 'invalid_timestamp';
  if (span.end < span.start) return 'end_before_start';
  if (span.start < limits.earliestStartNs) return 'too_old';
  if (span.start > limits.latestStartNs) return 'too_far_in_future';
  if (!span.linksValid) return 'invalid_link';
  return undefined;
}

export interface Rejection {
  count: number;
  /** Path of the first span rejected for this reason (or the first list cut short). */
  first: string;
}

export type Rejections = Partial<Record<RejectReason, Rejection>>;

/** A request body decoded: its rows (SpanRows, or the JSON rows of the reference path), and what was left out of them. */
export interface NormalizedRequest<Rows = SpanRows> {
  rows: Rows;
  rejected: number;
  rejections: Rejections;
  /** Attributes past the cap in stored spans and their resources: dropped, the spans kept. */
  droppedAttributes: Rejection | undefined;
}

/** The reference path's rows: JSONCompactEachRow text, one line per stored span, as the decoders wrote before Native. */
export interface JsonRows {
  text: string;
  spans: number;
  probe: SpanProbe | undefined;
}

/** One request's spans as they are judged: stored and rejected counts, reasons, and the probe span. */
export class RequestTally {
  private spans = 0;
  private rejected = 0;
  private readonly rejections: Rejections = {};
  /** The probe so far, in three fields: this runs for every span. A stored span starts after 0. */
  private probeStart = 0n;
  private probeTraceId = '';
  private probeSpanId = '';

  /** `cap` is the request's attribute cap, which the span writers count dropped attributes in. */
  constructor(readonly cap: AttributeCap) {}

  /**
   * A span judgeSpan kept, its row written, starting at `start`. The one that starts
   * last is the probe (see SpanProbe): true when this one is, so far, and the caller
   * then gives its ids to probeIds(), now or before the result.
   */
  stored(start: bigint): boolean {
    this.spans++;
    if (start <= this.probeStart) return false;
    this.probeStart = start;
    return true;
  }

  /** The ids of the span stored() last named the probe, as lowercase hex. */
  probeIds(traceId: string, spanId: string): void {
    this.probeTraceId = traceId;
    this.probeSpanId = spanId;
  }

  /** A span left out; the attributes it dropped since `capMark` (cap.mark()) are not counted. */
  refused(reason: RejectReason, where: string, capMark: number): void {
    this.cap.reset(capMark);
    this.rejected++;
    const seen = this.rejections[reason];
    if (seen) seen.count++;
    else this.rejections[reason] = { count: 1, first: where };
  }

  /** The request decoded, its stored spans written as `blocks` (DayBlocks.finish()). */
  result(blocks: { data: Buffer; days: DayBlock[] }): NormalizedRequest {
    return this.with({ data: blocks.data, days: blocks.days, spans: this.spans, probe: this.probe() });
  }

  /** The same for the JSON-row reference path (normalize.ts's oracle). */
  jsonResult(text: string): NormalizedRequest<JsonRows> {
    return this.with({ text, spans: this.spans, probe: this.probe() });
  }

  private probe(): SpanProbe | undefined {
    return this.spans > 0 ? [this.probeStart.toString(), this.probeTraceId, this.probeSpanId] : undefined;
  }

  private with<Rows>(rows: Rows): NormalizedRequest<Rows> {
    const cap = this.cap;
    return {
      rows,
      rejected: this.rejected,
      rejections: this.rejections,
      droppedAttributes: cap.dropped > 0 && cap.first !== undefined ? { count: cap.dropped, first: cap.first } : undefined,
    };
  }
}
