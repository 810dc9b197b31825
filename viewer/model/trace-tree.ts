/**
 * A trace's spans as a tree, built in O(n): parents, children in start order,
 * depth, and what is odd about it. Orphans (parent missing), clock skew (a child
 * outside its parent) and cycles are reported as warnings, never dropped; a span
 * stored twice is shown once, and the copies are counted in a warning.
 *
 * Times are adjusted for clock skew (clock-skew.ts): a server span of another service
 * outside its parent, and its descendants, are shifted into the parent's window. Every
 * time in the tree (start, end, the trace's start and duration) is the adjusted one; the
 * span itself keeps its raw timestamps.
 */
import type { Span } from '../api/types';
import { childShift } from './clock-skew';

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
  /** Starts before or ends after its parent, after any adjustment: flagged, not adjusted. */
  skewed: boolean;
  /** How far start and end were moved for clock skew, ns (0: as stored); the span keeps its raw times. */
  shiftNs: number;
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

/** The earliest start among spans, Unix ns (0 for none). */
export function firstStartNs(spans: readonly Pick<Span, 'startNs'>[]): bigint {
  let startNs = spans.length > 0 ? BigInt(spans[0]!.startNs) : 0n;
  for (const s of spans) {
    const t = BigInt(s.startNs);
    if (t < startNs) startNs = t;
  }
  return startNs;
}

export function buildTree(spans: Span[]): TraceTree {
  const warnings: string[] = [];
  let startNs = firstStartNs(spans);
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
    byId.set(span.spanId, { span, start, end: start + Number(span.durationNs), depth: 0, parent: undefined, children: [], orphan: false, skewed: false, shiftNs: 0 });
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
  let shifted = 0;
  let largestShift = 0;
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
    // Children are placed before they are ordered: parent first, so a shift carries down.
    // The parent's window is one small object per parent: spreading its span for each child
    // (a copy of every field) took most of a second on 50,000 spans.
    const window = { service: node.span.service, kind: node.span.kind, start: node.start, end: node.end, shiftNs: node.shiftNs };
    for (const child of node.children) {
      const shift = childShift(child.span, child.start, child.end, window);
      if (shift === 0) continue;
      child.shiftNs = shift;
      child.start += shift;
      child.end += shift;
      if (child.span.service !== node.span.service) {
        shifted++;
        if (Math.abs(shift) > Math.abs(largestShift)) largestShift = shift;
      }
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
  if (shifted > 0) {
    warnings.push(`${shifted} server span(s) of another service were shifted into their parent's time range, with their descendants (clock skew; largest shift ${formatShift(largestShift)})`);
  }
  if (skewed > 0) warnings.push(`${skewed} span(s) start before or end after their parent (clock skew?); not adjusted: same service as the parent, or not a server span`);

  // An adjusted span may have been the earliest: the trace starts at its earliest adjusted span.
  let first = Infinity;
  for (const n of byId.values()) first = Math.min(first, n.start);
  if (Number.isFinite(first) && first !== 0) {
    for (const n of byId.values()) {
      n.start -= first;
      n.end -= first;
    }
    startNs += BigInt(first);
  }
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

/** An instant of a span (its events' times) on the tree's axis: ns after the trace start, with the span's shift. */
export function offsetOf(tree: Pick<TraceTree, 'startNs'>, node: Pick<SpanNode, 'shiftNs'>, timeNs: string): number {
  return Number(BigInt(timeNs) - tree.startNs) + node.shiftNs;
}

/** The warning a shifted span carries, with the shift (its raw times stay on the span). */
export function shiftWarning(node: Pick<SpanNode, 'shiftNs'>): string | undefined {
  if (node.shiftNs === 0) return undefined;
  return `Adjusted for clock skew: start and end shifted by ${formatShift(node.shiftNs)} to fit its parent.`;
}

/** A signed shift in ms, to the microsecond: "+12.5ms", "-0.003ms". */
function formatShift(ns: number): string {
  return `${ns > 0 ? '+' : '-'}${(Math.abs(ns) / 1e6).toFixed(3).replace(/\.?0+$/, '')}ms`;
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
