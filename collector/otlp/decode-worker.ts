/**
 * The decode thread's entry: one request body in, its rows out. See decode-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { normalizeBody } from './decode';
import { MalformedRequest } from './malformed';
import { requestKey } from '../ingest/idempotency';
import type { DecodeJob, DecodeReply } from './decode-pool';

const port = parentPort;
if (port === null) throw new Error('decode-worker.ts runs as a worker thread');

port.on('message', (job: DecodeJob) => {
  const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
  let reply: DecodeReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const normalized = normalizeBody(body, job.encoding, job.limits);
    const data = normalized.rows.data;
    // A Buffer no larger than a pool slab may share its memory with others: copy it.
    // A larger one owns its memory, which moves to the main thread without a copy.
    const rows = data.buffer.byteLength > Buffer.poolSize ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    transfer.push(rows.buffer as ArrayBuffer);
    reply = { ok: true, key: requestKey(body), normalized: { ...normalized, rows: { ...normalized.rows, data: rows } } };
  } catch (err) {
    reply = { ok: false, malformed: err instanceof MalformedRequest, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply, transfer);
});
