/**
 * Request bodies to rows, off the event loop when they are large.
 *
 * Decoding is linear, but a 16 MiB body still takes about half a second of
 * CPU, during which the process would answer nothing else: not /healthz, not the
 * viewer, not small exports. Bodies from DECODE_THREAD_MIN_BYTES up are decoded on
 * one worker thread instead, one at a time; smaller ones stay on the main thread,
 * where handing them over would cost more than it frees (see the threshold).
 *
 * One thread rather than a pool: with it, the main thread is never blocked by a
 * large body, and large bodies never take more than one core from the store and
 * everything else. Both hold for every server in the process, so the thread is
 * shared.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { HindsightError } from '../../common/errors';
import { requestKey } from '../ingest/idempotency';
import type { SpanRows } from '../../storage/columns';
import { normalizeBody, type Encoding } from './decode';
import type { DecodeLimits } from './limits';
import { MalformedRequest } from './malformed';
import type { NormalizedRequest } from './span-rules';

/**
 * Measured on the 2-core test machine (SDK-made spans, best of 60): the main
 * thread decodes about 35 µs per KiB of protobuf and 22 µs per KiB of JSON, so a
 * 256 KiB body holds it 6 to 9 ms; the thread costs 0.3 to 1.5 ms per body (the
 * copy in, the hand-over, the rows back). Below this, the stall is short enough to
 * keep; above it, the hand-over is lost in the decode. Shapes made to be slow cost
 * more per KiB (65,536 empty ResourceSpans in 256 KiB: 44 ms), which bounds what
 * one request below the threshold can take from the event loop.
 */
export const DECODE_THREAD_MIN_BYTES = 256 * 1024;

export interface DecodedBody {
  normalized: NormalizedRequest;
  /** The body's idempotency key (requestKey), hashed where the body was decoded. */
  key: string;
}

/** A request body and its encoding, as the thread receives it. */
export interface DecodeJob {
  body: Uint8Array;
  encoding: Encoding;
  limits: DecodeLimits;
}

/** Span rows as they cross to the main thread: the bytes plain (structured clone makes a Buffer a Uint8Array), the probe with them. */
export type TransferredRows = Omit<SpanRows, 'data'> & { data: Uint8Array };

/** What the thread sends back: the normalized request, its rows as TransferredRows. */
export type DecodeReply = { ok: true; key: string; normalized: Omit<NormalizedRequest, 'rows'> & { rows: TransferredRows } } | { ok: false; malformed: boolean; message: string };

/** The body's rows and key; on the decode thread when it is at least `threadMinBytes` long. Throws MalformedRequest. */
export async function decodeBody(body: Buffer, encoding: Encoding, limits: DecodeLimits, threadMinBytes = DECODE_THREAD_MIN_BYTES): Promise<DecodedBody> {
  if (body.length < threadMinBytes) return { normalized: normalizeBody(body, encoding, limits), key: requestKey(body) };
  // A copy, not the caller's memory: transferring that would empty the Buffer under
  // whoever still holds it (the receiver, its byte accounting).
  const reply = await decodeThread().run({ body: new Uint8Array(body), encoding, limits });
  if (!reply.ok) {
    if (reply.malformed) throw new MalformedRequest(reply.message);
    throw new HindsightError('HS_INTERNAL', `decoding failed: ${reply.message}`);
  }
  const { data, ...rest } = reply.normalized.rows;
  return { normalized: { ...reply.normalized, rows: { ...rest, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) } }, key: reply.key };
}

interface Pending {
  job: DecodeJob;
  resolve(reply: DecodeReply): void;
}

/** One worker thread running jobs one at a time, started on first use and again after it dies. */
class DecodeThread {
  private worker: Worker | undefined;
  private running: Pending | undefined;
  private readonly queue: Pending[] = [];

  run(job: DecodeJob): Promise<DecodeReply> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.next();
    });
  }

  /** Starts the thread ahead of the first large body, so that body does not wait for it. */
  warm(): void {
    if (this.worker !== undefined) return;
    this.worker = this.start();
    this.worker.unref();
  }

  private next(): void {
    if (this.running !== undefined) return;
    const pending = this.queue.shift();
    if (pending === undefined) {
      // An idle thread must not keep the process alive.
      this.worker?.unref();
      return;
    }
    this.running = pending;
    const worker = (this.worker ??= this.start());
    worker.ref();
    worker.postMessage(pending.job, [pending.job.body.buffer as ArrayBuffer]);
  }

  private start(): Worker {
    const worker = startWorker();
    worker.on('message', (reply: DecodeReply) => this.finish(reply));
    // A thread that dies (out of memory, say) fails the body it held, which is the
    // likely cause; the next body gets a new thread.
    const died = (err: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.finish({ ok: false, malformed: false, message: `the decode thread stopped: ${err instanceof Error ? err.message : String(err)}` });
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
    return worker;
  }

  private finish(reply: DecodeReply): void {
    const done = this.running;
    this.running = undefined;
    done?.resolve(reply);
    this.next();
  }
}

let shared: DecodeThread | undefined;

/** Starts the decode thread now rather than on the first large body. */
export function startDecodeThread(): void {
  decodeThread().warm();
}

function decodeThread(): DecodeThread {
  return (shared ??= new DecodeThread());
}

/**
 * The compiled decode-worker.js beside this module; when running from TypeScript
 * source (the test suite does, through swc), the same module compiled on load by
 * swc, so tests exercise the thread rather than a stand-in.
 */
function startWorker(): Worker {
  const compiled = path.join(__dirname, 'decode-worker.js');
  if (fs.existsSync(compiled)) return new Worker(compiled);
  const source = path.join(__dirname, 'decode-worker.ts');
  const swc = require.resolve('@swc/core');
  const bootstrap = `
    const fs = require('node:fs');
    const { transformSync } = require(${JSON.stringify(swc)});
    require.extensions['.ts'] = (module, filename) => {
      const options = { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
      module._compile(transformSync(fs.readFileSync(filename, 'utf8'), options).code, filename);
    };
    require(${JSON.stringify(source)});`;
  return new Worker(bootstrap, { eval: true });
}
