/**
 * A trace as a flame graph by self time. A frame is a call path (service + operation
 * under its parent's frame): sibling spans with the same service and operation are one
 * frame, as a profiler merges identical stacks, so a batch of 5,000 like calls is one
 * wide frame rather than 5,000 slivers. A frame's width is the self time of its spans
 * and of everything under them; its children stack under it, left to right in the order
 * they first started, and what stays uncovered of a frame is its own self time.
 *
 * Widths add up (a parent is at least as wide as its children together) even when
 * children ran in parallel, which a width by duration could not promise: that is why
 * the graph is by self time, and why the root's width can exceed the trace's duration.
 *
 * Frames are flat arrays indexed by id, parents before children, so a canvas draws
 * 50,000 of them in one loop and a click finds its frame by binary search.
 */
import { selfTimeOf } from './self-time';
import type { SpanNode, TraceTree } from './trace-tree';

export interface FlameFrame {
  id: number;
  /** -1 for a root frame. */
  parent: number;
  depth: number;
  service: string;
  name: string;
  /** Left edge and width on the graph's axis (ns of self time). */
  x: number;
  width: number;
  /** Self time of this frame's own spans, ns. */
  selfNs: number;
  /** The spans merged into this frame. */
  spanIds: string[];
  errors: number;
}

export interface FlameGraph {
  frames: FlameFrame[];
  /** The axis's length: the roots' widths together. */
  total: number;
  depth: number;
  /** Frame ids per depth, in x order: the rows a click searches. */
  rows: number[][];
}

export function buildFlame(tree: Pick<TraceTree, 'nodes'>): FlameGraph {
  const frames: FlameFrame[] = [];
  const firstStart: number[] = [];
  // Each frame's child frames, in the order they were made (undefined: none yet), and the roots.
  const children: (number[] | undefined)[] = [];
  const roots: number[] = [];
  // A frame is found by a number: its parent frame and the number of its service and
  // operation. A Map per frame and a text key per span (parent, service and name joined)
  // cost a 50,000-frame graph most of its time, in allocation.
  const pathIds = new Map<string, Map<string, number>>();
  let pathCount = 0;
  const pathId = (service: string, name: string): number => {
    let names = pathIds.get(service);
    if (names === undefined) pathIds.set(service, (names = new Map()));
    let id = names.get(name);
    if (id === undefined) names.set(name, (id = pathCount++));
    return id;
  };
  // Fewer paths than nodes, and fewer frames: (parent + 1) * (nodes + 1) + path is unique, and exact below 2^53.
  const stride = tree.nodes.length + 1;
  const byKey = new Map<number, number>();
  const frameOf = new Map<SpanNode, number>();
  for (const node of tree.nodes) {
    const parentFrame = node.parent ? (frameOf.get(node.parent) ?? -1) : -1;
    const key = (parentFrame + 1) * stride + pathId(node.span.service, node.span.name);
    let id = byKey.get(key);
    if (id === undefined) {
      id = frames.length;
      byKey.set(key, id);
      frames.push({ id, parent: parentFrame, depth: 0, service: node.span.service, name: node.span.name, x: 0, width: 0, selfNs: 0, spanIds: [], errors: 0 });
      firstStart.push(node.start);
      children.push(undefined);
      if (parentFrame < 0) roots.push(id);
      else (children[parentFrame] ??= []).push(id);
    }
    const frame = frames[id]!;
    frame.selfNs += selfTimeOf(node);
    frame.spanIds.push(node.span.spanId);
    if (node.span.statusCode === 'Error') frame.errors++;
    if (node.start < firstStart[id]!) firstStart[id] = node.start;
    frameOf.set(node, id);
  }
  // Children come after their parent: widths add up from the last frame back.
  for (let id = frames.length - 1; id >= 0; id--) {
    const frame = frames[id]!;
    frame.width += frame.selfNs;
    if (frame.parent >= 0) frames[frame.parent]!.width += frame.width;
  }
  // Depth first, children left to right in the order they first started: each frame gets its
  // depth and x, and each depth's row comes out in x order (a click's binary search needs that).
  const byStart = (a: number, b: number): number => firstStart[a]! - firstStart[b]!;
  const rows: number[][] = [];
  const stack: number[] = [];
  let total = 0;
  for (const id of roots.sort(byStart)) {
    frames[id]!.x = total;
    total += frames[id]!.width;
  }
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]!);
  while (stack.length > 0) {
    const frame = frames[stack.pop()!]!;
    if (frame.parent >= 0) frame.depth = frames[frame.parent]!.depth + 1;
    (rows[frame.depth] ??= []).push(frame.id);
    const kids = children[frame.id];
    if (kids === undefined) continue;
    if (kids.length > 1) kids.sort(byStart);
    let x = frame.x;
    for (const id of kids) {
      frames[id]!.x = x;
      x += frames[id]!.width;
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return { frames, total, depth: rows.length, rows };
}

/** The frame at a depth covering a point of the axis, by binary search; undefined over a gap. */
export function frameAt(graph: FlameGraph, depth: number, x: number): FlameFrame | undefined {
  const row = graph.rows[depth];
  if (!row) return undefined;
  let lo = 0;
  let hi = row.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const frame = graph.frames[row[mid]!]!;
    if (x < frame.x) hi = mid - 1;
    else if (x >= frame.x + frame.width) lo = mid + 1;
    else return frame;
  }
  return undefined;
}

/** The axis range a zoom on a frame shows (all of it for none): the frame fills the width. */
export function zoomRange(graph: FlameGraph, focus: number | undefined): [number, number] {
  const frame = focus === undefined ? undefined : graph.frames[focus];
  return frame && frame.width > 0 ? [frame.x, frame.x + frame.width] : [0, graph.total];
}

/** A frame and its ancestors, root first: what stays drawn full width above a zoomed frame. */
export function ancestry(graph: FlameGraph, id: number): number[] {
  const out: number[] = [];
  for (let at = id; at >= 0 && graph.frames[at]; at = graph.frames[at]!.parent) out.push(at);
  return out.reverse();
}

export interface PlacedFrame {
  frame: FlameFrame;
  /** Pixels from the left of the drawing. */
  left: number;
  width: number;
}

/**
 * The frames to draw at a width in pixels, zoomed on `focus`: those in the zoomed range
 * at least `minPx` wide, clipped to it. Ancestors of the focus cover the whole width.
 */
export function placeFrames(graph: FlameGraph, focus: number | undefined, widthPx: number, minPx = 0.5): PlacedFrame[] {
  const [from, to] = zoomRange(graph, focus);
  const scale = to > from ? widthPx / (to - from) : 0;
  const out: PlacedFrame[] = [];
  for (const frame of graph.frames) {
    const l = Math.max(frame.x, from);
    const r = Math.min(frame.x + frame.width, to);
    const width = (r - l) * scale;
    if (width < minPx) continue;
    out.push({ frame, left: (l - from) * scale, width });
  }
  return out;
}

/** Frames holding at least one of the spans (a find's matches). */
export function matchingFrames(graph: FlameGraph, spanIds: ReadonlySet<string>): Set<number> {
  const out = new Set<number>();
  if (spanIds.size === 0) return out;
  for (const frame of graph.frames) if (frame.spanIds.some((id) => spanIds.has(id))) out.add(frame.id);
  return out;
}
