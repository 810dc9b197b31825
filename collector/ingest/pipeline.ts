/**
 * One export request through the pipeline: decode → normalize → write. Both
 * transports call this and only map its result to their own status codes.
 */
import type { Encoding } from '../otlp/decode';
import { decodeBody, startDecodeThread } from '../otlp/decode-pool';
import { decodeLimits } from '../otlp/limits';
import { partialSuccessMessage, type PartialSuccess } from '../otlp/responses';
import { REJECT_REASONS, type NormalizedRequest } from '../otlp/span-rules';
import { asHindsightError, type HindsightError } from '../../common/errors';
import type { Config } from '../../common/config';
import type { Metrics, Transport } from '../../common/metrics';
import { IncomingRequests } from './incoming';
import type { RowWriter, WriteOutcome } from './writer';

export type ExportResult = { ok: true; partial: PartialSuccess | undefined } | { ok: false; error: HindsightError };

export interface IngestOptions extends Pick<Config, 'retentionDays' | 'maxFutureSeconds' | 'maxAttributes'> {
  /** The clock spans are dated against, in Date.now() milliseconds. @default Date.now */
  now?: () => number;
  /** Counts requests being decoded, for the writer's group commit (SpanWriter). */
  incoming?: IncomingRequests;
}

export class TraceIngest {
  private readonly now: () => number;
  private readonly incoming: IncomingRequests;

  constructor(
    private readonly writer: RowWriter,
    private readonly metrics: Metrics,
    private readonly options: IngestOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.incoming = options.incoming ?? new IncomingRequests();
    startDecodeThread();
  }

  async export(body: Buffer, encoding: Encoding, transport: Transport): Promise<ExportResult> {
    const limits = decodeLimits({ ...this.options, nowMs: this.now() });
    let normalized: NormalizedRequest;
    let write: Promise<WriteOutcome>;
    this.incoming.begin();
    try {
      const decoded = await decodeBody(body, encoding, limits);
      normalized = decoded.normalized;
      const { rows, rejected } = normalized;
      this.metrics.spansReceived.inc({ transport }, rows.spans + rejected);
      for (const reason of REJECT_REASONS) {
        const count = normalized.rejections[reason]?.count;
        if (count) this.metrics.spansRejected.inc({ reason }, count);
      }
      // Exporters retry a request byte for byte: its hash (the key) lets the writer store it once.
      write = this.writer.write(rows, decoded.key);
    } catch (err) {
      return { ok: false, error: asHindsightError(err) };
    } finally {
      // Queued with the writer by now (write() queues at once), or refused: either way it no longer comes.
      this.incoming.end();
    }
    const { rows } = normalized;
    const outcome = await write;
    if (outcome.kind !== 'accepted') {
      this.metrics.spansRefused.inc({ transport, reason: outcome.error.code }, rows.spans);
      return { ok: false, error: outcome.error };
    }
    this.metrics.spansAccepted.inc({ transport }, rows.spans);
    return { ok: true, partial: this.partial(normalized) };
  }

  private partial(normalized: NormalizedRequest): PartialSuccess | undefined {
    if (normalized.rejected === 0 && normalized.droppedAttributes === undefined) return undefined;
    return { rejectedSpans: normalized.rejected, errorMessage: partialSuccessMessage(normalized, this.options.maxAttributes) };
  }
}
