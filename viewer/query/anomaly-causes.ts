/**
 * Anomalies pointed at their cause: each item's example traces are read (only those, never
 * spans over the range), its slow span in each is followed down to the span whose own time
 * carries the excess (viewer/model/anomaly-cause.ts), and items with one cause become one
 * item of the cause, listing the operations above it as its affected chain.
 */
import { causeOf, slowestOf, type UsualDuration } from '../model/anomaly-cause';
import { buildTree, type TraceTree } from '../model/trace-tree';
import type { TimeRange } from '../api/params';
import type { AnomalyItem, OperationRef } from '../api/types';
import type { Queries } from './queries';
import { toSpan } from './rows';

/** Items attributed, the most impactful first: the page's first screen, and a bound on the traces read. */
export const MAX_ATTRIBUTED_ITEMS = 20;
/** Example traces read per item: enough for a majority, few enough to keep the read small. */
export const EXAMPLES_PER_ITEM = 3;
/** How far outside the range an example trace's spans are read: a slow span's subtree starts after it, and may end well after the range. */
const MARGIN_NS = 10n * 60n * 1_000_000_000n;

/** What one item's examples say: its cause, the chain above it, and the cause span in each example. */
export interface Attribution {
  cause: OperationRef;
  affected: OperationRef[];
  examples: { traceId: string; spanId: string }[];
}

const ref = (service: string, operation: string): OperationRef => ({ service, operation });
const keyOf = (r: OperationRef): string => `${r.service}\u0000${r.operation}`;

/** Reads the example traces' trees (their spans' shape, no attributes) of the most impactful items, in one query, and attributes each item. */
export async function attribute(queries: Queries, range: TimeRange, items: readonly AnomalyItem[], usual: UsualDuration): Promise<Map<AnomalyItem, Attribution>> {
  const top = [...items].sort((a, b) => b.impact - a.impact).slice(0, MAX_ATTRIBUTED_ITEMS);
  const ids = [...new Set(top.flatMap((i) => i.exampleTraceIds.slice(0, EXAMPLES_PER_ITEM)))];
  const spans = new Map<string, ReturnType<typeof toSpan>[]>();
  for (const row of await queries.tracesSpans(ids, { startNs: range.startNs - MARGIN_NS, endNs: range.endNs + MARGIN_NS }, 'shape')) {
    const list = spans.get(row.TraceId) ?? [];
    list.push(toSpan(row));
    spans.set(row.TraceId, list);
  }
  const trees = new Map<string, TraceTree>([...spans].map(([id, list]) => [id, buildTree(list)]));
  const out = new Map<AnomalyItem, Attribution>();
  for (const item of top) {
    const found = attributeItem(item, trees, usual);
    if (found !== undefined) out.set(item, found);
  }
  return out;
}

/** The cause most of the item's examples agree on, with the cause span of each that agrees. */
export function attributeItem(item: AnomalyItem, trees: ReadonlyMap<string, TraceTree>, usual: UsualDuration): Attribution | undefined {
  const votes = new Map<string, Attribution>();
  for (const traceId of item.exampleTraceIds.slice(0, EXAMPLES_PER_ITEM)) {
    const tree = trees.get(traceId);
    const start = tree && slowestOf(tree.nodes, item.service, item.operation);
    if (start === undefined) continue;
    const { cause, affected } = causeOf(start, usual);
    const chain = affected.map((n) => ref(n.span.service, n.span.name));
    const k = [cause.span.service, cause.span.name, ...chain.map(keyOf)].join('\u0001');
    const vote = votes.get(k) ?? { cause: ref(cause.span.service, cause.span.name), affected: chain, examples: [] };
    vote.examples.push({ traceId, spanId: cause.span.spanId });
    votes.set(k, vote);
  }
  let best: Attribution | undefined;
  for (const v of votes.values()) if (best === undefined || v.examples.length > best.examples.length) best = v;
  return best;
}

const SEVERITY_RANK: Record<AnomalyItem['severity'], number> = { critical: 3, warning: 2, minor: 1 };

/**
 * One item per cause: an item whose cause is another operation joins that operation's item of
 * the same kind (a window only one it overlaps), or, when there is none, becomes the cause's
 * item, seen on the operation it was detected on. The group keeps the highest severity and
 * impact (the affected operations' excess is the cause's, counted once) and the union of the
 * affected chains, outermost first. `retarget` gives the cause's baseline and sparkline.
 */
export function groupByCause(items: readonly AnomalyItem[], attributions: ReadonlyMap<AnomalyItem, Attribution>, retarget: (item: AnomalyItem, cause: OperationRef) => AnomalyItem): AnomalyItem[] {
  const own = (i: AnomalyItem): OperationRef => ref(i.service, i.operation);
  const causeOfItem = (i: AnomalyItem): OperationRef => attributions.get(i)?.cause ?? own(i);
  // Items that are their own cause first: they are the groups the others join.
  const ordered = [...items].sort((a, b) => Number(keyOf(causeOfItem(a)) !== keyOf(own(a))) - Number(keyOf(causeOfItem(b)) !== keyOf(own(b))) || a.affected.length - b.affected.length);
  const groups: AnomalyItem[] = [];
  for (const item of ordered) {
    const a = attributions.get(item);
    const cause = causeOfItem(item);
    const examples = a?.examples ?? item.examples;
    const group = groups.find((g) => g.kind === item.kind && keyOf(own(g)) === keyOf(cause) && overlaps(g, item));
    if (group === undefined) {
      const base = keyOf(cause) === keyOf(own(item)) ? item : { ...retarget(item, cause), detectedOn: own(item) };
      groups.push({ ...base, affected: a?.affected ?? base.affected, examples });
      continue;
    }
    group.affected = mergeChains(a?.affected ?? [], group.affected);
    if (SEVERITY_RANK[item.severity] > SEVERITY_RANK[group.severity]) group.severity = item.severity;
    group.impact = Math.max(group.impact, item.impact);
    group.examples = [...group.examples, ...examples.filter((e) => !group.examples.some((x) => x.traceId === e.traceId))];
    group.exampleTraceIds = [...new Set([...group.exampleTraceIds, ...item.exampleTraceIds])];
  }
  return groups;
}

function overlaps(a: AnomalyItem, b: AnomalyItem): boolean {
  if (a.kind !== 'window') return true;
  return (a.from ?? 0) <= (b.to ?? 0) && (b.from ?? 0) <= (a.to ?? 0);
}

/** Two chains above one cause as one, the longer (outermost) first, each operation once. */
function mergeChains(a: OperationRef[], b: OperationRef[]): OperationRef[] {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const seen = new Set(long.map(keyOf));
  return [...long, ...short.filter((r) => !seen.has(keyOf(r)))];
}
