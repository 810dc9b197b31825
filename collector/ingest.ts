/**
 * One export request through the pipeline: decode → normalize → write. Both
 * transports call this and only map its result to their own status codes.
 */
import { normalizeBody, type Encoding, type PartialSuccess } from './otlp/codec';
import { rejectionMessage, REJECT_REASONS } from './otlp/normalize';
import { asHindsightError, type HindsightError } from './errors';
import type { Metrics, Transport } from './metrics';
import type { SpanWriter } from './store/writer';
import { requestKey } from './store/idempotency';

export type ExportResult =
  | { ok: true; partial: PartialSuccess | undefined }
  | { ok: false; error: HindsightError };

export class TraceIngest {
  constructor(
    private readonly writer: SpanWriter,
    private readonly metrics: Metrics,
  ) {}

  async export(body: Buffer, encoding: Encoding, transport: Transport): Promise<ExportResult> {
    let normalized;
    try {
      normalized = normalizeBody(body, encoding);
    } catch (err) {
      return { ok: false, error: asHindsightError(err) };
    }
    const { rows, rejected } = normalized;
    this.metrics.spansReceived.inc({ transport }, rows.spans + rejected);
    for (const reason of REJECT_REASONS) {
      const count = normalized.rejections[reason]?.count;
      if (count) this.metrics.spansRejected.inc({ reason }, count);
    }

    // Exporters retry a request byte for byte: its hash lets the writer store it once.
    const outcome = await this.writer.write(rows, requestKey(body));
    if (outcome.kind !== 'accepted') {
      this.metrics.spansRefused.inc({ transport, reason: outcome.error.code }, rows.spans);
      return { ok: false, error: outcome.error };
    }
    this.metrics.spansAccepted.inc({ transport }, rows.spans);
    return { ok: true, partial: rejected > 0 ? { rejectedSpans: rejected, errorMessage: rejectionMessage(normalized) } : undefined };
  }
}
