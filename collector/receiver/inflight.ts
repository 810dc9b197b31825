/**
 * One budget, for the whole process, of request-body bytes being received and
 * held: OTLP/HTTP and OTLP/gRPC reserve from it as their bodies arrive and give
 * the bytes back when the response is sent or the connection ends. Without it,
 * uploads that claim 15 MB, send most of it and stall held gigabytes until the
 * process was OOM-killed.
 *
 * Past the budget a request is refused at once (429 / RESOURCE_EXHAUSTED). A
 * budget filled by stalled uploads would then refuse every real exporter until
 * the request timeout, so a request that needs room first evicts bodies that have
 * been arriving for longer than EVICTABLE_AFTER_MS, oldest first. Holding memory
 * then costs an attacker bandwidth: refilling the budget every couple of seconds.
 * Rejected: evicting the body idle longest, which an attacker defeats by sending
 * a byte a second on each upload.
 */
import { HindsightError } from '../../common/errors';

/** How long a body must have been arriving before a newer request may evict it. */
export const EVICTABLE_AFTER_MS = 2000;

export interface Reservation {
  /** Takes `bytes` more from the budget; false (nothing taken) when they do not fit. */
  take(bytes: number): boolean;
  /** The whole body has arrived: the request can no longer be evicted. */
  received(): void;
  /** Gives everything back; safe to call more than once. */
  release(): void;
}

interface Entry {
  held: number;
  startedAt: number;
  evict: () => void;
  open: boolean;
}

export class InflightBudget {
  private used = 0;
  /** Requests whose bodies are still arriving, oldest first (a Set keeps insertion order). */
  private readonly arriving = new Set<Entry>();

  constructor(
    readonly limit: number,
    private readonly evictableAfterMs = EVICTABLE_AFTER_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.used;
  }

  /** A reservation for one request; `evict` cuts that request short when another needs its room. */
  open(evict: () => void): Reservation {
    const entry: Entry = { held: 0, startedAt: this.now(), evict, open: true };
    this.arriving.add(entry);
    return {
      take: (bytes) => {
        if (!entry.open || !this.makeRoom(bytes, entry)) return false;
        entry.held += bytes;
        this.used += bytes;
        return true;
      },
      received: () => {
        this.arriving.delete(entry);
      },
      release: () => this.release(entry),
    };
  }

  private release(entry: Entry): void {
    if (!entry.open) return;
    entry.open = false;
    this.arriving.delete(entry);
    this.used -= entry.held;
    entry.held = 0;
  }

  private makeRoom(bytes: number, self: Entry): boolean {
    const cutoff = this.now() - this.evictableAfterMs;
    for (const other of this.arriving) {
      if (this.used + bytes <= this.limit || other.startedAt > cutoff) break;
      if (other === self || other.held === 0) continue;
      // Released here rather than trusted to the callback, so the room exists as soon as it returns.
      this.release(other);
      other.evict();
    }
    return this.used + bytes <= this.limit;
  }
}

/** The refusal for a request that does not fit. */
export function budgetExhausted(): HindsightError {
  return new HindsightError('HS_BUSY', 'the server is receiving as many request-body bytes as --max-inflight-bytes allows; retry shortly');
}

/** The refusal for a request evicted to make room for a newer one. */
export function evictedForRoom(): HindsightError {
  return new HindsightError('HS_BUSY', `the request body was still arriving after ${EVICTABLE_AFTER_MS} ms while the server needed its room for others; retry`);
}
