/**
 * Server-Sent Events, read from text as it arrives: the live tail's wire format, shared
 * by the browser (which cannot use EventSource: it sends no Authorization header), the
 * CLI and the TUI. Follows the WHATWG parsing rules that the tail uses: `event:` and
 * `data:` fields (several data lines joined by newlines), a blank line dispatching,
 * comment lines (`:`) and other fields ignored, CR, LF or CRLF line ends.
 */
import type { TailHello, TailSpan } from '../api/types';

export interface ServerSentEvent {
  /** `message` when the event names none. */
  event: string;
  data: string;
}

export class EventStreamParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  /** The events that `chunk` completes. */
  push(chunk: string): ServerSentEvent[] {
    this.buffer += chunk;
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (end === cr && end === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, end);
      start = end + (end === cr && this.buffer[end + 1] === '\n' ? 2 : 1);
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return undefined;
      }
      const event = { event: this.event || 'message', data: this.data.join('\n') };
      this.event = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return undefined;
  }
}

/** A live tail event, read: the hello, a span, or one this client does not know (left alone). */
export type TailEvent = { type: 'hello'; hello: TailHello } | { type: 'span'; span: TailSpan } | { type: 'other'; event: ServerSentEvent };

export function tailEventOf(event: ServerSentEvent): TailEvent {
  if (event.event === 'hello') return { type: 'hello', hello: JSON.parse(event.data) as TailHello };
  if (event.event === 'span') return { type: 'span', span: JSON.parse(event.data) as TailSpan };
  return { type: 'other', event };
}

/**
 * Spans a second over the last `windowMs`, from events' `represents` (so a sampled
 * stream still shows the rate of what matched). `now` in milliseconds.
 */
export class RateMeter {
  private readonly arrivals: { at: number; spans: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  add(at: number, spans: number): void {
    this.arrivals.push({ at, spans });
    this.trim(at);
  }

  perSecond(now: number): number {
    this.trim(now);
    let spans = 0;
    for (const a of this.arrivals) spans += a.spans;
    return spans / (this.windowMs / 1000);
  }

  private trim(now: number): void {
    while (this.arrivals.length > 0 && this.arrivals[0]!.at <= now - this.windowMs) this.arrivals.shift();
  }
}
