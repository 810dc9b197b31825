/**
 * Each span's self time: its duration less the time at least one of its children ran
 * inside it. Children that overlap are counted once (the union of their intervals), and
 * a child outside its parent (clock skew the model left alone) counts only where it
 * overlaps the parent: self time is never negative and never more than the duration.
 */
import type { SpanNode, TraceTree } from './trace-tree';

/** Self time of every span in the tree, ns, by span id. O(n): children are in start order. */
export function selfTimes(tree: Pick<TraceTree, 'nodes'>): Map<string, number> {
  const out = new Map<string, number>();
  for (const node of tree.nodes) out.set(node.span.spanId, selfTimeOf(node));
  return out;
}

export function selfTimeOf(node: Pick<SpanNode, 'start' | 'end' | 'children'>): number {
  const duration = Math.max(0, node.end - node.start);
  let covered = 0;
  // The union of the children's intervals, clipped to the parent; children arrive sorted by start.
  let from = -Infinity;
  let to = -Infinity;
  for (const child of node.children) {
    const s = Math.max(child.start, node.start);
    const e = Math.min(child.end, node.end);
    if (e <= s) continue;
    if (s > to) {
      if (to > from) covered += to - from;
      from = s;
      to = e;
    } else if (e > to) to = e;
  }
  if (to > from) covered += to - from;
  return Math.max(0, duration - covered);
}
