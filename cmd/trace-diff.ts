/**
 * `hindsight trace diff A B` as text: the merged call-path tree of two traces
 * (viewer/model/compare.ts, answered by GET /api/v1/compare), one line per path with
 * both durations side by side. Paths with nothing changed under them are folded into
 * one line saying how many they hide, unless --all.
 */
import type { CompareNode, CompareResponse } from '../viewer/api/types';
import { descendantCounts, isFolded, visibleCompareNodes } from '../viewer/model/compare';
import { formatDuration } from '../viewer/model/format';
import { bold, paint, safe, serviceCode, type Output } from './render';

const GREEN = 70;
const RED = 196;
const YELLOW = 178;

/** `+` added (only in B), `-` removed (only in A), `~` changed, ` ` unchanged. */
function mark(node: CompareNode): string {
  if (node.presence === 'added') return '+';
  if (node.presence === 'removed') return '-';
  return node.changed ? '~' : ' ';
}

function colorOf(node: CompareNode): number | undefined {
  if (node.presence === 'added') return GREEN;
  if (node.presence === 'removed') return RED;
  return node.changed ? YELLOW : undefined;
}

const side = (count: number, ns: string): string => (count === 0 ? '—' : `${count > 1 ? `${count}× ` : ''}${formatDuration(Number(ns))}`);

function signed(ns: number): string {
  if (ns === 0) return '';
  return `${ns > 0 ? '+' : ''}${formatDuration(ns)}`;
}

export function printDiff(out: Output, diff: CompareResponse, all: boolean): void {
  const { a, b, summary } = diff;
  out.write(`${bold(out, `A ${a.traceId}`)}  ${formatDuration(Number(a.durationNs))}  ${a.spanCount} spans  ${safe(a.rootService)}: ${safe(a.rootOperation)}\n`);
  out.write(`${bold(out, `B ${b.traceId}`)}  ${formatDuration(Number(b.durationNs))}  ${b.spanCount} spans  ${safe(b.rootService)}: ${safe(b.rootOperation)}\n`);
  out.write(`${summary.added} added (+), ${summary.removed} removed (-), ${summary.changed} changed (~), ${summary.unchanged} unchanged\n`);
  for (const w of diff.warnings) out.write(`! ${w}\n`);
  const hidden = descendantCounts(diff.nodes);
  const open = new Set<number>();
  const rows = visibleCompareNodes(diff.nodes, open, all);
  const durationA = rows.map((n) => side(n.a.count, n.a.durationNs));
  const durationB = rows.map((n) => side(n.b.count, n.b.durationNs));
  const width = Math.max(1, ...durationA.map((d) => d.length), ...durationB.map((d) => d.length));
  out.write(`\n  ${'A'.padStart(width)}  ${'B'.padEnd(width)}  ${'Δ'.padEnd(9)}  PATH\n`);
  for (const [i, node] of rows.entries()) {
    const label = `${'  '.repeat(node.depth)}${paint(out, safe(node.service), serviceCode(node.service))} ${safe(node.operation)}`;
    const folded = !all && hidden[node.id]! > 0 && isFolded(node, open) ? ` … ${hidden[node.id]} unchanged below` : '';
    const delta = node.presence === 'both' ? `${signed(Number(node.durationDeltaNs))}${node.countDelta !== 0 ? ` ${node.countDelta > 0 ? '+' : ''}${node.countDelta}×` : ''}` : '';
    const sides = `${durationA[i]!.padStart(width)}  ${durationB[i]!.padEnd(width)}  ${delta.padEnd(9)}`;
    out.write(`${paint(out, `${mark(node)} ${sides}`, colorOf(node))}  ${label}${folded}\n`);
  }
}
