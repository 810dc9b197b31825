/**
 * Which span of a trace a slow span is slow because of: the excess latency is followed down
 * the tree to the span whose own time carries it. A checkout that takes 9 s because its
 * payment provider call took 8.7 s is not an anomaly of its own; the provider call is, and
 * the checkout, the payment service and the charge call above it are its affected chain.
 *
 * The rejected alternative, self time against a self-time baseline, needs a baseline the
 * rollups do not keep (they hold durations). Durations serve: a child carries its parent's
 * excess when its own excess (duration over its operation's usual) is most of the parent's.
 */
import type { SpanNode } from './trace-tree';

/** The usual duration (ns) of an operation, undefined when it has no baseline. */
export type UsualDuration = (service: string, operation: string) => number | undefined;

/**
 * A child carries the excess when its own excess is at least this share of its parent's:
 * more than half, so that of two parallel slow children neither is taken for the whole.
 */
export const CARRIED_SHARE = 0.5;

export interface Cause {
  /** The span whose own time carries the excess (the start span itself when no child does). */
  cause: SpanNode;
  /** From the start span down to the cause's parent: the spans slow only because the cause is. */
  affected: SpanNode[];
}

/** How far a span runs over its operation's usual duration (ns); a span with no baseline counts its whole duration. */
function excess(node: SpanNode, usual: UsualDuration): number {
  const duration = node.end - node.start;
  return duration - (usual(node.span.service, node.span.name) ?? 0);
}

/** Follows the excess of `start` down to the descendant whose own time carries it. */
export function causeOf(start: SpanNode, usual: UsualDuration): Cause {
  const affected: SpanNode[] = [];
  let node = start;
  for (;;) {
    const own = excess(node, usual);
    if (own <= 0) break;
    let next: SpanNode | undefined;
    let nextExcess = 0;
    for (const child of node.children) {
      const e = excess(child, usual);
      if (e > nextExcess) [next, nextExcess] = [child, e];
    }
    if (next === undefined || nextExcess < CARRIED_SHARE * own) break;
    affected.push(node);
    node = next;
  }
  return { cause: node, affected };
}

/** The slowest span of an operation in a tree: the one an anomaly of that operation points at. */
export function slowestOf(nodes: readonly SpanNode[], service: string, operation: string): SpanNode | undefined {
  let slowest: SpanNode | undefined;
  for (const n of nodes) if (n.span.service === service && n.span.name === operation && (slowest === undefined || n.end - n.start > slowest.end - slowest.start)) slowest = n;
  return slowest;
}
