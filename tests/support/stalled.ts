/**
 * Uploads that start and then stall: an HTTP/1.1 request that claims a large
 * Content-Length and sends only part of it, and gRPC streams (raw HTTP/2, as
 * no gRPC client would send them) whose length-prefixed message stops part-way.
 * Both write with flow control, so the attacker's own memory stays small, and
 * stop writing once the server stops reading.
 */
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { once } from 'node:events';
import { EXPORT_PATH } from './http';

const CHUNK = 64 * 1024;

export interface StallOptions {
  /** The size the request says it has. */
  claimed: number;
  /** How much of it is sent before stalling. */
  sent: number;
  headers?: Record<string, string>;
}

/** Whether the stream drained (false: it closed first). */
function drained(stream: NodeJS.WritableStream): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (result: boolean) => (): void => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      resolve(result);
    };
    const onDrain = done(true);
    const onClose = done(false);
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}

/** Writes `total` bytes of zeros in chunks, waiting for drain; resolves with the bytes handed over. */
async function writeStalled(stream: NodeJS.WritableStream & { destroyed: boolean }, total: number): Promise<number> {
  const chunk = Buffer.alloc(CHUNK);
  let written = 0;
  while (written < total && !stream.destroyed) {
    const piece = chunk.subarray(0, Math.min(CHUNK, total - written));
    written += piece.length;
    if (!stream.write(piece) && !(await drained(stream))) break;
  }
  return written;
}

export interface StalledHttp {
  /** The response's status line, or '' if the connection closed without one. */
  answered: Promise<string>;
  /** Resolves once the body part has been written, or the server stopped it. */
  settled: Promise<number>;
  close(): void;
}

export function stalledHttpUpload(port: number, options: StallOptions): StalledHttp {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let received = '';
  const answered = new Promise<string>((resolve) => {
    socket.on('data', (b: Buffer) => {
      received += b.toString('latin1');
      if (received.includes('\r\n')) resolve(received.slice(0, received.indexOf('\r\n')));
    });
    socket.once('close', () => resolve(received.split('\r\n')[0] ?? ''));
  });
  const head = [
    'POST /v1/traces HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/x-protobuf',
    `Content-Length: ${options.claimed}`,
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');
  const settled = once(socket, 'connect').then(() => {
    socket.write(head);
    return writeStalled(socket, options.sent);
  });
  return { answered, settled, close: () => socket.destroy() };
}

export interface StalledGrpcStream {
  /** grpc-status from the response, or 'reset' if the stream closed without one. */
  status: Promise<number | 'reset'>;
  settled: Promise<number>;
}

export interface StalledGrpcConnection {
  session: http2.ClientHttp2Session;
  streams: StalledGrpcStream[];
  close(): void;
}

/** One HTTP/2 connection opening `count` Export streams at once, each stalling part-way through its message. */
export function stalledGrpcStreams(port: number, count: number, options: StallOptions): StalledGrpcConnection {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined);
  const streams = Array.from({ length: count }, (): StalledGrpcStream => {
    const stream = session.request({
      ':method': 'POST',
      ':path': EXPORT_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...options.headers,
    });
    stream.on('error', () => undefined);
    stream.resume();
    const status = new Promise<number | 'reset'>((resolve) => {
      const read = (headers: http2.IncomingHttpHeaders): void => {
        if (headers['grpc-status'] !== undefined) resolve(Number(headers['grpc-status']));
      };
      stream.on('response', read);
      stream.on('trailers', read);
      stream.once('close', () => resolve('reset'));
    });
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(options.claimed, 1);
    stream.write(prefix);
    return { status, settled: writeStalled(stream, options.sent) };
  });
  return { session, streams, close: () => session.destroy() };
}

/** A process's resident set in bytes (0 once it has gone). */
export function rss(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}
