/**
 * Two traces compared as Jaeger's trace comparison does: each span tree is folded into
 * call paths (service + operation under the parent's path, sibling spans of one path
 * counted together), and the two path trees are merged. A path in only one trace is
 * added (only in B) or removed (only in A); a path in both carries the difference in
 * count and in duration. Every path is listed, with whether it or a path under it
 * changed, so that a client keeps the ancestors of changes open and may fold the rest.
 */
import type { CompareNode, CompareResponse, CompareSide, Span } from '../api/types';
import { buildTree, type TraceTree } from './trace-tree';

/** A duration move smaller than this share of the larger duration is noise… */
export const DURATION_CHANGE_RATIO = 0.2;
/** …and so is one smaller than this share of the longer trace. */
export const DURATION_CHANGE_OF_TRACE = 0.01;

interface PathNode {
  service: string;
  operation: string;
  count: number;
  durationNs: number;
  firstStart: number;
  children: Map<string, PathNode>;
}

const keyOf = (service: string, operation: string): string => `${service}\u0000${operation}`;

/** The tree folded into call paths; the roots hang under a nameless top. */
function pathTree(tree: TraceTree): PathNode {
  const top: PathNode = { service: '', operation: '', count: 0, durationNs: 0, firstStart: 0, children: new Map() };
  const pathOf = new Map<string, PathNode>();
  for (const node of tree.nodes) {
    const parent = (node.parent && pathOf.get(node.parent.span.spanId)) || top;
    const key = keyOf(node.span.service, node.span.name);
    let path = parent.children.get(key);
    if (!path) {
      path = { service: node.span.service, operation: node.span.name, count: 0, durationNs: 0, firstStart: node.start, children: new Map() };
      parent.children.set(key, path);
    }
    path.count++;
    path.durationNs += node.end - node.start;
    path.firstStart = Math.min(path.firstStart, node.start);
    pathOf.set(node.span.spanId, path);
  }
  return top;
}

function sideOf(traceId: string, tree: TraceTree): CompareSide {
  const root = tree.roots[0]?.span;
  return { traceId, rootService: root?.service ?? '', rootOperation: root?.name ?? '', durationNs: String(tree.durationNs), spanCount: tree.nodes.length };
}

/** The children of two paths, matched by key: A's in start order, then those only in B in theirs. */
function pairChildren(a: PathNode | undefined, b: PathNode | undefined): [PathNode | undefined, PathNode | undefined][] {
  const byStart = (x: PathNode, y: PathNode): number => x.firstStart - y.firstStart;
  const pairs: [PathNode | undefined, PathNode | undefined][] = [...(a?.children.values() ?? [])].sort(byStart).map((child) => [child, b?.children.get(keyOf(child.service, child.operation))]);
  const onlyB = [...(b?.children.values() ?? [])].filter((child) => !a?.children.has(keyOf(child.service, child.operation))).sort(byStart);
  return [...pairs, ...onlyB.map((child): [undefined, PathNode] => [undefined, child])];
}

export function compareTraces(a: { traceId: string; spans: Span[] }, b: { traceId: string; spans: Span[] }): CompareResponse {
  const treeA = buildTree(a.spans);
  const treeB = buildTree(b.spans);
  const noise = DURATION_CHANGE_OF_TRACE * Math.max(treeA.durationNs, treeB.durationNs);
  const nodes: CompareNode[] = [];
  // An explicit stack, children pushed last-first: call paths can be 50,000 deep.
  const stack: { a: PathNode | undefined; b: PathNode | undefined; parent: number; depth: number }[] = [];
  const pushChildren = (pa: PathNode | undefined, pb: PathNode | undefined, parent: number, depth: number): void => {
    const pairs = pairChildren(pa, pb);
    for (let i = pairs.length - 1; i >= 0; i--) stack.push({ a: pairs[i]![0], b: pairs[i]![1], parent, depth });
  };
  pushChildren(pathTree(treeA), pathTree(treeB), -1, 0);
  while (stack.length > 0) {
    const { a: pa, b: pb, parent, depth } = stack.pop()!;
    const named = (pa ?? pb)!;
    const da = pa?.durationNs ?? 0;
    const db = pb?.durationNs ?? 0;
    const presence = pa && pb ? 'both' : pb ? 'added' : 'removed';
    const moved = Math.abs(db - da);
    const changed = presence !== 'both' || pa!.count !== pb!.count || (moved >= DURATION_CHANGE_RATIO * Math.max(da, db) && moved >= noise && moved > 0);
    const id = nodes.length;
    nodes.push({
      id,
      parent,
      depth,
      service: named.service,
      operation: named.operation,
      presence,
      a: { count: pa?.count ?? 0, durationNs: String(Math.round(da)) },
      b: { count: pb?.count ?? 0, durationNs: String(Math.round(db)) },
      countDelta: (pb?.count ?? 0) - (pa?.count ?? 0),
      durationDeltaNs: String(Math.round(db) - Math.round(da)),
      changed,
      changedBelow: false,
    });
    pushChildren(pa, pb, id, depth + 1);
  }
  // Children follow their parent: marks travel up from the last node back.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.parent >= 0 && (node.changed || node.changedBelow)) nodes[node.parent]!.changedBelow = true;
  }
  const count = (p: (n: CompareNode) => boolean): number => nodes.reduce((c, n) => c + (p(n) ? 1 : 0), 0);
  return {
    a: sideOf(a.traceId, treeA),
    b: sideOf(b.traceId, treeB),
    nodes,
    summary: {
      added: count((n) => n.presence === 'added'),
      removed: count((n) => n.presence === 'removed'),
      changed: count((n) => n.presence === 'both' && n.changed),
      unchanged: count((n) => !n.changed),
    },
    warnings: [...treeA.warnings.map((w) => `A: ${w}`), ...treeB.warnings.map((w) => `B: ${w}`)],
  };
}

/**
 * The nodes to show: every node, except under a folded one. A node with nothing changed
 * under it starts folded (with `allOpen`, none does), so what is open is the changes and
 * their ancestors; `toggled` holds the nodes the user folded or opened against that.
 */
export function visibleCompareNodes(nodes: readonly CompareNode[], toggled: ReadonlySet<number> = new Set(), allOpen = false): CompareNode[] {
  const out: CompareNode[] = [];
  const hidden = new Set<number>();
  for (const node of nodes) {
    if (node.parent >= 0 && (hidden.has(node.parent) || isFolded(nodes[node.parent]!, toggled, allOpen))) {
      hidden.add(node.id);
      continue;
    }
    out.push(node);
  }
  return out;
}

export function isFolded(node: CompareNode, toggled: ReadonlySet<number>, allOpen = false): boolean {
  const byDefault = !allOpen && !node.changedBelow;
  return byDefault !== toggled.has(node.id);
}

/** How many nodes sit under each node, to say what a fold hides. */
export function descendantCounts(nodes: readonly CompareNode[]): number[] {
  const counts = new Array<number>(nodes.length).fill(0);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const parent = nodes[i]!.parent;
    if (parent >= 0) counts[parent] = counts[parent]! + counts[i]! + 1;
  }
  return counts;
}
