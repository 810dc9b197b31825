import type { SpanRows } from '../../storage/columns';

/**
 * `spans` span rows of trace `tag`, dated now, as the decoders write them: each line
 * starts `[<Timestamp ns>,"<TraceId>","<SpanId>"`, which is all the write path reads.
 */
export function spanRows(spans: number, tag: string): SpanRows {
  const now = BigInt(Date.now()) * 1_000_000n;
  const lines = Array.from({ length: spans }, (_, i) => `[${now + BigInt(i)},"${tag.padEnd(32, '0')}","${String(i).padStart(16, '0')}"]\n`);
  return { data: Buffer.from(lines.join('')), spans };
}
