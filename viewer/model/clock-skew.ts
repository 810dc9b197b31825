/**
 * Clock-skew adjustment, as Jaeger's query service does it (its clockskew adjuster): a span
 * timed by another clock than its parent's is moved into the parent's window. What differs
 * from Jaeger, and why:
 * - Another clock is another service (Jaeger: another host, from host.id / host.ip /
 *   host.name). Spans here are grouped by service everywhere, and two services on one host
 *   rarely disagree by more than a few microseconds, so nothing is lost.
 * - Only a SERVER span is moved: its client parent waited for it, so it must lie inside.
 *   A consumer or an internal span of another service may outlive its parent by design.
 * - The smallest shift that fits, not Jaeger's centring (half the parent's spare time on
 *   each side): it moves the span least from what its own clock said. A span longer than
 *   its parent cannot fit; like Jaeger, only its start is moved up to the parent's.
 * - A span of the same service as its parent shares its clock: it is never moved on its
 *   own, only along with its parent (descendants shift with the span they hang from), and
 *   when it still lies outside its parent it is flagged, not adjusted.
 */

/** The shift (ns) that moves [start, end) into [parentStart, parentEnd): 0 when it fits. */
export function fitShift(start: number, end: number, parentStart: number, parentEnd: number): number {
  if (start >= parentStart && end <= parentEnd) return 0;
  if (end - start > parentEnd - parentStart) return start < parentStart ? parentStart - start : 0;
  return start < parentStart ? parentStart - start : parentEnd - end;
}

export interface SkewSpan {
  service: string;
  kind: string;
}

/**
 * A child's shift, given its parent's (already adjusted) window and shift, and the child's
 * raw window on the same time axis: the parent's when they share a clock, a fitting one for
 * a server span of another service, none otherwise (another clock, nothing to fit it to).
 */
export function childShift(child: SkewSpan, start: number, end: number, parent: SkewSpan & { start: number; end: number; shiftNs: number }): number {
  if (child.service === parent.service) return parent.shiftNs;
  if (child.kind === 'Server') return fitShift(start, end, parent.start, parent.end);
  return 0;
}
