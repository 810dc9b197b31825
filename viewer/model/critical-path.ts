/**
 * The critical path of a trace: the chain of spans that set its end-to-end
 * latency. Walking back from the end of a span, the child that finished last
 * before the cursor is on the path; the cursor then moves to that child's start,
 * and the remaining gaps belong to the span itself. Children that end after their
 * parent (clock skew) are clipped to it, as Jaeger does. A child that starts after
 * its parent ended (fire-and-forget, or a FOLLOWS_FROM consumer) set no part of the
 * parent's latency and is left off.
 */

/** Each span's share of the path's total time, from its segments. */
export function pathShares(path: CriticalPath): Map<string, number> {
  const total = path.segments.reduce((n, s) => n + s.selfTime, 0) || 1;
  const shares = new Map<string, number>();
  for (const s of path.segments) shares.set(s.spanId, (shares.get(s.spanId) ?? 0) + s.selfTime / total);
  return shares;
}
import type { SpanNode, TraceTree } from './trace-tree';

export interface PathSegment {
  spanId: string;
  /** Nanoseconds relative to the trace start. */
  start: number;
  end: number;
  /** The segment's own time on the path (end − start): time no child of it was on the path. */
  selfTime: number;
}

export interface CriticalPath {
  /** Why the path may mislead: clock skew or missing parents in the trace. */
  warnings: string[];
  /** The path's time, in order; a span whose children cover it has no segment of its own. */
  segments: PathSegment[];
  /** Every span on the path, including those covered by their children. */
  spanIds: Set<string>;
}

export function criticalPath(tree: TraceTree): CriticalPath {
  // The root that ends last sets the trace's end.
  const root = tree.roots.reduce<SpanNode | undefined>((best, n) => (best === undefined || n.end > best.end ? n : best), undefined);
  const spanIds = new Set<string>();
  const segments = root ? walk(root, spanIds) : [];
  const warnings = tree.warnings.filter((w) => /clock skew|parent/.test(w));
  if (tree.roots.length > 1) warnings.push(`the trace has ${tree.roots.length} roots; the path follows the one that ends last`);
  return { segments, spanIds, warnings };
}

type Step = { visit: SpanNode; end: number } | { segment: PathSegment };

/**
 * Steps are produced latest first and run from an explicit stack (traces can be
 * 50,000 spans deep); the segments come out latest first and are reversed at the end.
 */
function walk(root: SpanNode, visited: Set<string>): PathSegment[] {
  const out: PathSegment[] = [];
  const stack: Step[] = [{ visit: root, end: root.end }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if ('segment' in step) {
      out.push(step.segment);
      continue;
    }
    const { visit: node, end } = step;
    visited.add(node.span.spanId);
    const steps: Step[] = [];
    let cursor = Math.min(end, node.end);
    const children = [...node.children].sort((a, b) => b.end - a.end);
    for (const child of children) {
      // A child that starts after the cursor ran beside a later one: not on the path.
      if (child.start >= cursor || child.end <= node.start) continue;
      const childEnd = Math.min(child.end, cursor);
      if (childEnd < cursor) steps.push({ segment: { spanId: node.span.spanId, start: childEnd, end: cursor, selfTime: cursor - childEnd } });
      steps.push({ visit: child, end: childEnd });
      cursor = Math.max(child.start, node.start);
    }
    if (cursor > node.start) steps.push({ segment: { spanId: node.span.spanId, start: node.start, end: cursor, selfTime: cursor - node.start } });
    for (let i = steps.length - 1; i >= 0; i--) stack.push(steps[i]!);
  }
  return out.reverse();
}
