/**
 * Reads an OTLP/HTTP request body into memory, inflating it as it arrives. Every
 * byte kept is first taken from the in-flight budget, and the limit applies to the
 * inflated size, so neither a stalled upload nor a gzip bomb holds more than its
 * share. Replaces body-parser, which could count neither against a shared budget.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { HindsightError } from '../../common/errors';
import { budgetExhausted, type Reservation } from './inflight';

export type ContentEncoding = 'identity' | 'gzip' | 'deflate';

export interface BodyOptions {
  encoding: ContentEncoding;
  /** Largest body accepted, after decompression. */
  maxBytes: number;
  reservation: Reservation;
  /** Aborted, with a HindsightError as its reason, when the request must stop (evicted). */
  signal: AbortSignal;
}

/** Resolves with the whole (inflated) body, or rejects with a HindsightError; the caller sends it. */
export function readBody(req: IncomingMessage, options: BodyOptions): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (options.encoding === 'identity' && declared > options.maxBytes) return Promise.reject(tooLarge(options.maxBytes));
  return new Promise((resolve, reject) => {
    const inflater = options.encoding === 'identity' ? undefined : options.encoding === 'gzip' ? zlib.createGunzip() : zlib.createInflate();
    const source: Readable = inflater ? req.pipe(inflater) : req;
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > options.maxBytes) finish(tooLarge(options.maxBytes));
      else if (!options.reservation.take(chunk.length)) finish(budgetExhausted());
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish();
    const onError = (err: Error): void => finish(new HindsightError('HS_MALFORMED_BODY', `could not read the body: ${err.message}`, { cause: err }));
    // Once the request has arrived whole, only the inflater can still be working.
    const onClose = (): void => (req.complete ? undefined : finish(new HindsightError('HS_MALFORMED_BODY', 'could not read the body: the client closed the connection')));
    const onAbort = (): void => finish(options.signal.reason as HindsightError);
    const finish = (error?: HindsightError): void => {
      source.off('data', onData).off('end', onEnd).off('error', onError);
      req.off('error', onError).off('close', onClose);
      options.signal.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(Buffer.concat(chunks, length));
        return;
      }
      // Stop reading: the response closes the connection rather than drain the rest.
      if (inflater) {
        req.unpipe(inflater);
        inflater.destroy();
      }
      req.pause();
      chunks.length = 0;
      reject(error);
    };
    source.on('data', onData).once('end', onEnd).once('error', onError);
    if (inflater) req.once('error', onError);
    req.once('close', onClose);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function tooLarge(limit: number): HindsightError {
  return new HindsightError('HS_BODY_TOO_LARGE', `body is larger than ${limit} bytes (after decompression)`);
}
