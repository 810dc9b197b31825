/**
 * GET /api/v1/tail: the live tail as Server-Sent Events. The filters are the search
 * API's (service, operation, attr, status, minDuration) and parse the same way, with
 * the same 400s; `maxRate` caps the span events a second (past it the stream samples,
 * each event saying how many spans it stands for: tail/sampler.ts).
 *
 * Events: `hello` (TailHello) once, then `span` (TailSpan) as spans are stored; a
 * comment line every HEARTBEAT_MS, so proxies and clients see a quiet stream alive.
 * A client that stops reading is dropped, not buffered for: once more than
 * MAX_UNSENT_BYTES wait in its socket's queue, the connection is closed. The data is
 * not compressed (Cache-Control: no-transform keeps the compression middleware off):
 * a compressor holds bytes back until it has a block, which would hold events back.
 */
import type { Request, Response } from 'express';
import type { Metrics } from '../../../common/metrics';
import type { TailHub, TailSubscriber } from '../../tail/hub';
import { BadParameter, STATUSES, attributeFilter, limitParam, oneOf, optionalDurationNs, optionalString, stringList, type Query } from '../params';
import type { TailSpan } from '../types';
import type { TailFilter } from '../../tail/filter';

/** Bytes a stream may have waiting to be sent before it is dropped; a few seconds of events even at the highest rate. */
export const MAX_UNSENT_BYTES = 512 * 1024;
const HEARTBEAT_MS = 15_000;
/** maxRate's default and bound, in span events a second. */
const DEFAULT_RATE = 100;
const MAX_RATE = 1000;

export function tailFilter(query: Query): TailFilter {
  if (query['maxDuration'] !== undefined) throw new BadParameter('maxDuration', 'the live tail sends spans as they are stored; filter on minDuration');
  return {
    service: optionalString(query, 'service'),
    operation: optionalString(query, 'operation'),
    attributes: stringList(query, 'attr').map((text) => attributeFilter(text)),
    status: oneOf(query, 'status', STATUSES, undefined),
    minDurationNs: optionalDurationNs(query, 'minDuration'),
  };
}

/** Every open stream's unsent bytes, summed into the gauge. */
class UnsentBytes {
  private readonly streams = new Set<Response>();
  constructor(private readonly metrics: Metrics) {}
  add(res: Response): void {
    this.streams.add(res);
    this.update();
  }
  delete(res: Response): void {
    this.streams.delete(res);
    this.update();
  }
  update(): void {
    let bytes = 0;
    for (const res of this.streams) bytes += res.writableLength;
    this.metrics.tailBufferedBytes.set(bytes);
    this.metrics.tailStreams.set(this.streams.size);
  }
}

export function tailHandler(hub: TailHub, metrics: Metrics): (req: Request, res: Response) => void {
  const unsent = new UnsentBytes(metrics);
  return (req, res) => {
    const filter = tailFilter(req.query);
    const maxRate = limitParam(req.query, 'maxRate', DEFAULT_RATE, MAX_RATE);
    let open = true;
    // Called only once the subscriber and the heartbeat below exist: by a write, an end or a close.
    const finish = (): void => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      hub.unsubscribe(subscriber);
      unsent.delete(res);
    };
    const write = (text: string): void => {
      if (!open) return;
      res.write(text);
      if (res.writableLength > MAX_UNSENT_BYTES) {
        metrics.tailDroppedStreams.inc({ reason: 'slow' });
        finish();
        res.destroy();
        return;
      }
      unsent.update();
    };
    // Throws HS_BUSY or HS_SHUTTING_DOWN before anything is sent: the error answers as JSON.
    const subscriber: TailSubscriber = hub.subscribe(filter, maxRate, {
      send: (events: TailSpan[]) => {
        metrics.tailEvents.inc(events.length);
        write(events.map((e) => `event: span\ndata: ${JSON.stringify(e)}\n\n`).join(''));
      },
      end: () => {
        if (!open) return;
        finish();
        metrics.tailDroppedStreams.inc({ reason: 'shutdown' });
        res.end();
      },
    });
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    // nginx would otherwise buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    unsent.add(res);
    const heartbeat = setInterval(() => write(`: ${new Date().toISOString()}\n\n`), HEARTBEAT_MS);
    res.on('drain', () => unsent.update());
    res.on('close', finish);
    write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify(hub.hello(maxRate))}\n\n`);
  };
}
