/**
 * One tail stream's pace: at most `maxRate` span events a second (a token bucket
 * holding one second's worth), and past it a sample in which every matching span is
 * accounted for: each event says how many it stands for, and those counts add up to
 * the spans that matched. Spans that matched while no event could go are carried
 * into the next one; if none comes, the last of them is sent on a later tick,
 * standing for them all, so a burst followed by silence is still counted.
 *
 * Pure: the caller says what matched and how to summarize a candidate; it never
 * summarizes one it does not send (a summary costs strings; matching costs none).
 */
import type { TailSpan } from '../api/types';

/** The matching spans of one offer: `count` candidates, which stand for `total` spans (more than count when the store sampled them already). */
export interface Offer {
  count: number;
  total: number;
  /** The j-th candidate as an event (its `represents` is set by the sampler). */
  summarize(j: number): TailSpan;
}

export class TailSampler {
  private tokens: number;
  /** Matching spans not yet stood for by any event. */
  private pending = 0;
  /** The last of them, to send on a tick. */
  private held: (() => TailSpan) | undefined;

  constructor(readonly maxRate: number) {
    this.tokens = maxRate;
  }

  /** The events to send for these matches, at most as many as the bucket holds. */
  offer(offer: Offer): TailSpan[] {
    const { count, total } = offer;
    if (count === 0) return [];
    const k = Math.min(Math.floor(this.tokens), count);
    if (k === 0) {
      this.pending += total;
      const last = count - 1;
      this.held = () => offer.summarize(last);
      return [];
    }
    this.tokens -= k;
    const events: TailSpan[] = [];
    // Even picks across the candidates; each stands for the spans up to the next pick's share.
    for (let j = 0; j < k; j++) {
      const from = Math.floor((j * total) / k);
      const to = Math.floor(((j + 1) * total) / k);
      const event = offer.summarize(Math.floor((j * count) / k));
      event.represents = to - from + (j === 0 ? this.pending : 0);
      events.push(event);
    }
    this.pending = 0;
    this.held = undefined;
    return events;
  }

  /** Refills the bucket for `elapsedMs`; the held span, when spans wait to be stood for and a token is there. */
  tick(elapsedMs: number): TailSpan | undefined {
    this.tokens = Math.min(this.maxRate, this.tokens + (this.maxRate * elapsedMs) / 1000);
    if (this.pending === 0 || this.held === undefined || this.tokens < 1) return undefined;
    this.tokens -= 1;
    const event = this.held();
    event.represents = this.pending;
    this.pending = 0;
    this.held = undefined;
    return event;
  }
}
