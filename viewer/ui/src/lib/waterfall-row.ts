/**
 * What one waterfall row shows, as plain values: its classes, texts, titles and positions,
 * worked out from the span node and the page's state. The row elements (lib/row-slots.ts)
 * are patched from it, field by field, only where a field changed.
 */
import { offsetOf, shiftWarning, type SpanNode, type TraceTree } from '../../../model/trace-tree';
import { formatDuration } from '../../../model/format';
import { serviceColor } from './colors';
import { highlightParts, type TextPart } from './find';
import { indentOf, labelPlacement, toPercent, type LabelPlacement, type TimeScale } from './layout';

/** The page's state a row depends on (the same for every row of a frame). */
export interface RowContext {
  tree: Pick<TraceTree, 'startNs'>;
  selected: string;
  matches: ReadonlySet<string>;
  /** The find text, marked inside the names of matching spans. */
  find: string;
  collapsed: ReadonlySet<string>;
  /** Spans on the critical path, marked on their bars. */
  critical: ReadonlySet<string>;
  /** Spans far slower than their operation's baseline, with how far (σ). */
  outliers: ReadonlyMap<string, { z: number; severity: string }>;
  scale: TimeScale;
  /** The share of the bar column a duration label needs, percent. */
  labelPct: number;
  /** The name column's width, px. */
  names: number;
}

/** The marks after a row's name, in the order they are shown; most rows have none. */
export type RowFlag =
  | { kind: 'error'; title: string }
  | { kind: 'skewed' }
  | { kind: 'shifted'; title: string }
  | { kind: 'orphan'; title: string }
  | { kind: 'outlier'; severity: string; title: string }
  | { kind: 'hidden'; count: number };

export interface RowView {
  spanId: string;
  selected: boolean;
  match: boolean;
  /** aria-expanded: undefined for a span without children. */
  expanded: boolean | undefined;
  /** The name column's left padding, px. */
  padding: number;
  /** The depth, said in the row when the indent is capped; undefined otherwise. */
  depth: number | undefined;
  color: string;
  /** The label's title: "service: name". */
  title: string;
  service: string;
  /** The name, split around the find text when the span matches. */
  name: TextPart[];
  flags: RowFlag[];
  error: boolean;
  critical: boolean;
  /** The bar's left edge and width, percent of the bar column. */
  left: number;
  width: number;
  /** Event ticks: left edge, percent of the bar, and the event's name. */
  ticks: { left: number; title: string }[];
  duration: string;
  label: LabelPlacement;
}

export const SKEW_TITLE = "Outside its parent's time range (clock skew?)";

export function rowView(node: SpanNode, ctx: RowContext): RowView {
  const span = node.span;
  const id = span.spanId;
  const isError = span.statusCode === 'Error';
  const collapsed = ctx.collapsed.has(id);
  const hasChildren = node.children.length > 0;
  const indent = indentOf(node.depth, ctx.names);
  const match = ctx.matches.has(id);
  const left = toPercent(ctx.scale, node.start);
  const flags: RowFlag[] = [];
  if (isError) flags.push({ kind: 'error', title: `Error: ${span.statusMessage}` });
  if (node.skewed) flags.push({ kind: 'skewed' });
  if (node.shiftNs !== 0) flags.push({ kind: 'shifted', title: shiftWarning(node) ?? '' });
  if (node.orphan) flags.push({ kind: 'orphan', title: `Parent span ${span.parentSpanId} is not in this trace` });
  const outlier = ctx.outliers.get(id);
  if (outlier) flags.push({ kind: 'outlier', severity: outlier.severity, title: `Slower than usual for this operation: ${outlier.z}σ above its baseline` });
  if (collapsed) flags.push({ kind: 'hidden', count: node.children.length });
  const length = Math.max(1, node.end - node.start);
  return {
    spanId: id,
    selected: id === ctx.selected,
    match,
    expanded: hasChildren ? !collapsed : undefined,
    padding: 6 + indent.px,
    depth: indent.capped ? node.depth : undefined,
    color: serviceColor(span.service),
    title: `${span.service}: ${span.name}`,
    service: span.service,
    name: ctx.find && match ? highlightParts(span.name, ctx.find) : [{ text: span.name, match: false }],
    flags,
    error: isError,
    critical: ctx.critical.has(id),
    left,
    width: Math.max(0.15, ((node.end - node.start) / ctx.scale.length) * 100),
    ticks: span.events.map((event) => ({ left: ((offsetOf(ctx.tree, node, event.timeNs) - node.start) / length) * 100, title: event.name })),
    duration: formatDuration(node.end - node.start),
    label: labelPlacement(left, toPercent(ctx.scale, node.end), ctx.labelPct),
  };
}

/** Two lists of name parts, ticks or flags show the same (their items' fields are equal). */
export function sameParts(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] as Record<string, unknown>, b[i] as Record<string, unknown>];
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length || keys.some((k) => x[k] !== y[k])) return false;
  }
  return true;
}
