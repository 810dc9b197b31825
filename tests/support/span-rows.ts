import type { SpanRows } from '../../storage/columns';
import { DayBlocks, EMPTY_MAP, type SpanBlock } from '../../storage/span-block';

/** What a test span is made of; every other column holds a fixed value. */
export interface TestSpan {
  startNs: bigint;
  traceId: string;
  spanId: string;
  name?: string;
}

/**
 * Writes one complete span row into a block, every column of otel_traces, as the
 * decoders write them: a real store takes it. Ids are written as the hex text
 * they are stored as.
 */
export function writeTestSpan(block: SpanBlock, span: TestSpan): void {
  block.timestamp.bigint64(span.startNs);
  block.traceId.text(span.traceId);
  block.spanId.text(span.spanId);
  block.parentSpanId.text('');
  block.traceState.text('');
  block.spanName.text(span.name ?? 'span');
  block.spanKind.text('Internal');
  block.serviceName.text('test');
  block.resourceAttributes.repeat(EMPTY_MAP);
  block.scopeName.text('');
  block.scopeVersion.text('');
  block.spanAttributes.endRow();
  block.duration.uint64(1000);
  block.statusCode.text('Unset');
  block.statusMessage.text('');
  block.endRow();
}

/** Test spans as a request's rows, one Native block per day; the probe is the span that starts last. */
export function rowsOf(spans: TestSpan[]): SpanRows {
  const blocks = new DayBlocks();
  for (const span of spans) writeTestSpan(blocks.blockFor(span.startNs), span);
  const last = spans.reduce<TestSpan | undefined>((l, s) => (l === undefined || s.startNs > l.startNs ? s : l), undefined);
  return { ...blocks.finish(), probe: last && [String(last.startNs), last.traceId, last.spanId] };
}

/** `spans` span rows of trace `tag`, dated now. */
export function spanRows(spans: number, tag: string): SpanRows {
  const now = BigInt(Date.now()) * 1_000_000n;
  return rowsOf(Array.from({ length: spans }, (_, i) => ({ startNs: now + BigInt(i), traceId: tag.padEnd(32, '0'), spanId: String(i).padStart(16, '0') })));
}
