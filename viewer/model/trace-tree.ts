/**
 * A trace's spans as a tree, built in O(n): parents, children in start order,
 * depth, and what is odd about it. Orphans (parent missing), clock skew (a child
 * outside its parent) and cycles are reported as warnings, never dropped; a span
 * stored twice is shown once, and the copies are counted in a warning.
 */
import type { Span } from '../api/types';

export interface SpanNode {
  span: Span;
  /** Start and end relative to the trace start, in nanoseconds (numbers: ns within a trace fit). */
  start: number;
  end: number;
  depth: number;
  parent: SpanNode | undefined;
  children: SpanNode[];
  /** The parent id is set but no such span is in the trace. */
  orphan: boolean;
  /** Starts before or ends after its parent. */
  skewed: boolean;
}

export interface TraceTree {
  roots: SpanNode[];
  /** Every node, in depth-first order. */
  nodes: SpanNode[];
  byId: Map<string, SpanNode>;
  startNs: bigint;
  durationNs: number;
  depth: number;
  services: string[];
  errorCount: number;
  warnings: string[];
}

export function buildTree(spans: Span[]): TraceTree {
  const warnings: string[] = [];
  let startNs = spans.length > 0 ? BigInt(spans[0]!.startNs) : 0n;
  for (const s of spans) {
    const t = BigInt(s.startNs);
    if (t < startNs) startNs = t;
  }
  const byId = new Map<string, SpanNode>();
  // A span stored twice (an export imported back, a retry outside the dedup window) is
  // legal OTLP: identical copies are one span, counted in one warning. A different span
  // under an id already taken is a producer's bug, and said apart.
  let copies = 0;
  let clashes = 0;
  for (const span of spans) {
    const start = Number(BigInt(span.startNs) - startNs);
    const first = byId.get(span.spanId);
    if (first) {
      if (first.start === start && first.span.durationNs === span.durationNs) copies++;
      else clashes++;
      continue;
    }
    byId.set(span.spanId, { span, start, end: start + Number(span.durationNs), depth: 0, parent: undefined, children: [], orphan: false, skewed: false });
  }
  if (copies > 0) warnings.push(`${copies} span${copies === 1 ? ' is' : 's are'} stored more than once (identical copies: same span id, start and end); each is shown once`);
  if (clashes > 0) warnings.push(`${clashes} span${clashes === 1 ? ' reuses' : 's reuse'} the id of a different span in this trace; the first span with each id is shown`);
  const roots: SpanNode[] = [];
  let orphans = 0;
  for (const node of byId.values()) {
    const parentId = node.span.parentSpanId;
    const parent = parentId ? byId.get(parentId) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      if (parentId) {
        node.orphan = true;
        orphans++;
      }
      roots.push(node);
    }
  }
  if (orphans > 0) warnings.push(`${orphans} span(s) reference a parent that is not in the trace; they are shown as roots`);

  // Depth-first walk from the roots, with an explicit stack (50k-deep chains must not overflow).
  const byStart = (a: SpanNode, b: SpanNode): number => a.start - b.start || a.span.name.localeCompare(b.span.name);
  roots.sort(byStart);
  const nodes: SpanNode[] = [];
  const visited = new Set<SpanNode>();
  let depth = 0;
  let skewed = 0;
  const stack: SpanNode[] = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    visited.add(node);
    nodes.push(node);
    node.depth = node.parent && node.parent !== node ? node.parent.depth + 1 : 0;
    depth = Math.max(depth, node.depth + 1);
    if (node.parent && (node.start < node.parent.start || node.end > node.parent.end)) {
      node.skewed = true;
      skewed++;
    }
    node.children.sort(byStart);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  // Spans in a parent cycle are unreachable from any root: break the cycle and show them as roots.
  if (visited.size < byId.size) {
    const cyclic = [...byId.values()].filter((n) => !visited.has(n));
    warnings.push(`${cyclic.length} span(s) form a parent cycle; they are shown as roots`);
    for (const node of cyclic) {
      node.parent?.children.splice(node.parent.children.indexOf(node), 1);
      node.parent = undefined;
      node.orphan = true;
      node.children = node.children.filter((c) => !cyclic.includes(c));
    }
    for (const node of cyclic) {
      roots.push(node);
      nodes.push(node);
    }
  }
  if (skewed > 0) warnings.push(`${skewed} span(s) start before or end after their parent (clock skew?)`);

  let end = 0;
  for (const n of byId.values()) end = Math.max(end, n.end);
  const services = [...new Set(spans.map((s) => s.service))].sort();
  return {
    roots,
    nodes,
    byId,
    startNs,
    durationNs: end,
    depth,
    services,
    errorCount: nodes.filter((n) => n.span.statusCode === 'Error').length,
    warnings,
  };
}

/** The rows to show: depth-first order, skipping the descendants of collapsed spans. */
export function visibleRows(tree: TraceTree, collapsed: ReadonlySet<string>): SpanNode[] {
  if (collapsed.size === 0) return tree.nodes;
  const rows: SpanNode[] = [];
  let skipBelowDepth = Infinity;
  for (const node of tree.nodes) {
    if (node.depth > skipBelowDepth) continue;
    skipBelowDepth = Infinity;
    rows.push(node);
    if (collapsed.has(node.span.spanId) && node.children.length > 0) skipBelowDepth = node.depth;
  }
  return rows;
}
