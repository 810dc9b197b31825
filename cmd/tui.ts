/**
 * `hindsight tui`: a full-screen terminal viewer for SSH sessions, built on Ink.
 * A live trace list with a filter (it follows the live tail, GET /api/v1/tail); for the selected trace an expandable span tree
 * with duration bars and the critical path; a span detail pane. Keyboard only.
 * Written with React.createElement, not JSX, to stay in the TypeScript build.
 */
import React, { useEffect, useReducer, useState } from 'react';
import type { TraceSummary } from '../viewer/api/types';
import { formatDuration, formatIsoTime, formatShortTime } from '../viewer/model/format';
import { buildTree, shiftWarning, visibleRows, type SpanNode, type TraceTree } from '../viewer/model/trace-tree';
import { criticalPath } from '../viewer/model/critical-path';
import { ApiClient, type TailQuery, type TraceSearchQuery } from './api-client';
import { safe } from './render';
import { apiUrlOf, type Target } from './target';

const h = React.createElement;
const REFRESH_MS = 3000;
const RELOAD_MS = 1000;

/** A filter as typed: `key=value`, `key!=v`, `key~=part` or a bare key are attribute filters; anything else a service. */
export function filterParams(filter: string): TraceSearchQuery {
  const query: TraceSearchQuery = { lookback: '1h', limit: '50' };
  const text = filter.trim();
  if (text.includes('=')) query.attr = [text];
  else if (text) query.service = text;
  return query;
}

/** The same filter for the live tail, which reloads the list when a matching span is stored. */
export function tailParams(filter: string): TailQuery {
  const { service, attr } = filterParams(filter);
  return { service, attr, maxRate: '10' };
}

interface Key {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  return: boolean;
  escape: boolean;
  backspace: boolean;
  delete: boolean;
  ctrl: boolean;
  meta: boolean;
}

export interface TuiState {
  traces: TraceSummary[];
  selected: number;
  filter: string;
  /** The filter being typed, while the prompt is open. */
  draft: string | undefined;
  /** The trace being fetched. */
  opening: string | undefined;
  trace: { tree: TraceTree; critical: Set<string> } | undefined;
  collapsed: Set<string>;
  row: number;
}

export type TuiAction = { type: 'key'; input: string; key: Key } | { type: 'traces'; traces: TraceSummary[] } | { type: 'opened'; tree: TraceTree; critical: Set<string> };

export const INITIAL: TuiState = { traces: [], selected: 0, filter: '', draft: undefined, opening: undefined, trace: undefined, collapsed: new Set(), row: 0 };

/** The TUI's whole behaviour on keys and data, as a pure function. */
export function reduce(state: TuiState, action: TuiAction): TuiState {
  if (action.type === 'traces') return { ...state, traces: action.traces, selected: Math.min(state.selected, Math.max(0, action.traces.length - 1)) };
  if (action.type === 'opened') return { ...state, opening: undefined, trace: { tree: action.tree, critical: action.critical }, collapsed: new Set(), row: 0 };
  const { input, key } = action;
  if (state.draft !== undefined) {
    if (key.return) return { ...state, filter: state.draft.trim(), draft: undefined, selected: 0 };
    if (key.escape) return { ...state, draft: undefined };
    if (key.backspace || key.delete) return { ...state, draft: state.draft.slice(0, -1) };
    if (input && !key.ctrl && !key.meta) return { ...state, draft: state.draft + input };
    return state;
  }
  if (!state.trace) {
    if (key.downArrow) return { ...state, selected: Math.min(state.traces.length - 1, state.selected + 1) };
    if (key.upArrow) return { ...state, selected: Math.max(0, state.selected - 1) };
    if (key.return) return { ...state, opening: state.traces[state.selected]?.traceId };
    if (input === '/') return { ...state, draft: state.filter };
    return state;
  }
  const rows = visibleRows(state.trace.tree, state.collapsed);
  const node: SpanNode | undefined = rows[state.row];
  if (key.escape || key.backspace) return { ...state, trace: undefined };
  if (key.downArrow) return { ...state, row: Math.min(rows.length - 1, state.row + 1) };
  if (key.upArrow) return { ...state, row: Math.max(0, state.row - 1) };
  if (key.leftArrow && node) {
    if (node.children.length > 0 && !state.collapsed.has(node.span.spanId)) return { ...state, collapsed: new Set([...state.collapsed, node.span.spanId]) };
    if (node.parent) return { ...state, row: rows.indexOf(node.parent) };
  }
  if (key.rightArrow && node && state.collapsed.has(node.span.spanId)) {
    const collapsed = new Set(state.collapsed);
    collapsed.delete(node.span.spanId);
    return { ...state, collapsed };
  }
  return state;
}

type Ink = typeof import('ink', { with: { 'resolution-mode': 'import' } });

export async function runTui(target: Target): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('hindsight tui needs an interactive terminal; use `hindsight traces search` or `hindsight trace show` in scripts\n');
    return 2;
  }
  // Ink reads CI and CONTINUOUS_INTEGRATION once, when it loads, and then draws only the
  // last frame at exit. This command is interactive by definition (both ends are a
  // terminal, checked above), so a CI variable left in the shell must not blank it.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const api = new ApiClient(apiUrlOf(target), target.apiHeaders);
  const ink: Ink = await import('ink');
  const { Box, Text, useApp, useInput, useStdout } = ink;

  function TraceList(props: { traces: TraceSummary[]; selected: number; height: number }): React.ReactElement {
    const start = Math.max(0, Math.min(props.selected - Math.floor(props.height / 2), props.traces.length - props.height));
    return h(
      Box,
      { flexDirection: 'column' },
      props.traces.length === 0 ? h(Text, { dimColor: true }, 'No traces in the last hour for this filter.') : null,
      ...props.traces.slice(start, start + props.height).map((t, i) => {
        const index = start + i;
        return h(
          Text,
          { key: t.traceId, inverse: index === props.selected, color: t.errorCount > 0 ? 'red' : undefined },
          `${index === props.selected ? '>' : ' '} ${formatShortTime(t.startNs)}  ${formatDuration(Number(t.durationNs)).padStart(8)}  ${String(t.spanCount).padStart(5)} spans  ${String(t.errorCount).padStart(3)} err  ${safe(t.rootService)}: ${safe(t.rootOperation)}`,
        );
      }),
    );
  }

  function SpanTree(props: { tree: TraceTree; rows: SpanNode[]; selected: number; critical: Set<string>; collapsed: Set<string>; height: number }): React.ReactElement {
    const { tree, rows } = props;
    const start = Math.max(0, Math.min(props.selected - Math.floor(props.height / 2), rows.length - props.height));
    const total = Math.max(1, tree.durationNs);
    const width = 20;
    return h(
      Box,
      { flexDirection: 'column', flexGrow: 1 },
      ...rows.slice(start, start + props.height).map((node, i) => {
        const index = start + i;
        const from = Math.min(width - 1, Math.floor((node.start / total) * width));
        const to = Math.min(width, Math.max(from + 1, Math.ceil((node.end / total) * width)));
        const bar = `${' '.repeat(from)}${'█'.repeat(to - from)}${' '.repeat(width - to)}`;
        const twisty = node.children.length === 0 ? ' ' : props.collapsed.has(node.span.spanId) ? '▸' : '▾';
        const onPath = props.critical.has(node.span.spanId);
        return h(
          Text,
          { key: node.span.spanId, inverse: index === props.selected, bold: onPath, color: node.span.statusCode === 'Error' ? 'red' : undefined },
          `${onPath ? '*' : ' '} |${bar}| ${formatDuration(node.end - node.start).padStart(8)} ${'  '.repeat(node.depth)}${twisty} ${safe(node.span.service)} ${safe(node.span.name)}`,
        );
      }),
    );
  }

  function Detail(props: { node: SpanNode | undefined; height: number }): React.ReactElement | null {
    const node = props.node;
    if (!node) return null;
    const s = node.span;
    const lines = [
      `${safe(s.name)}`,
      `service   ${safe(s.service)}`,
      `kind      ${s.kind}`,
      `duration  ${formatDuration(Number(s.durationNs))}`,
      `status    ${s.statusCode}${s.statusMessage ? `: ${safe(s.statusMessage)}` : ''}`,
      ...(node.shiftNs !== 0 ? [shiftWarning(node) ?? '', `raw start ${formatIsoTime(s.startNs)}`] : []),
      `span id   ${s.spanId}`,
      '',
      'attributes',
      ...Object.entries(s.attributes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `  ${safe(k)} = ${safe(v)}`),
      ...(s.events.length > 0 ? ['', `events (${s.events.length})`, ...s.events.map((e) => `  ${safe(e.name)}`)] : []),
    ];
    return h(Box, { flexDirection: 'column', width: 50, borderStyle: 'single', paddingLeft: 1 }, ...lines.slice(0, props.height).map((line, i) => h(Text, { key: i, wrap: 'truncate' }, line)));
  }

  function App(): React.ReactElement {
    const { exit } = useApp();
    const { stdout } = useStdout();
    const height = Math.max(5, (stdout.rows ?? 24) - 4);
    // One reducer holds the view state: keys arriving faster than renders each see the latest state.
    const [state, dispatch] = useReducer(reduce, INITIAL);
    const [traces, setTraces] = useState<TraceSummary[]>([]);
    const [error, setError] = useState('');

    useEffect(() => {
      let live = true;
      // Leaving this filter abandons its requests in flight and its tail stream, which would otherwise still be read.
      const abandoned = new AbortController();
      let soon: NodeJS.Timeout | undefined;
      let polling: NodeJS.Timeout | undefined;
      const load = (): void => {
        api.searchTraces(filterParams(state.filter), { signal: abandoned.signal }).then(
          (r) => {
            if (!live) return;
            setTraces(r.traces);
            dispatch({ type: 'traces', traces: r.traces });
            setError('');
          },
          (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
        );
      };
      load();
      // The list follows the live tail: a stored span that meets the filter reloads it, at
      // most once every RELOAD_MS. Where the tail cannot be read (a server without it,
      // or the stream ended), the list is reloaded every REFRESH_MS instead.
      const reloadSoon = (): void => {
        soon ??= setTimeout(() => {
          soon = undefined;
          load();
        }, RELOAD_MS);
      };
      const poll = (): void => {
        if (live && polling === undefined) polling = setInterval(load, REFRESH_MS);
      };
      api.tail(tailParams(state.filter), (event) => event.type === 'span' && reloadSoon(), { signal: abandoned.signal }).then(poll, poll);
      return () => {
        live = false;
        abandoned.abort();
        clearTimeout(soon);
        clearInterval(polling);
      };
    }, [state.filter]);

    useEffect(() => {
      if (state.opening === undefined) return;
      api.trace(state.opening).then(
        (r) => {
          const tree = buildTree(r.spans);
          dispatch({ type: 'opened', tree, critical: criticalPath(tree).spanIds });
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
    }, [state.opening]);

    useInput((input, key) => {
      if (input === 'q' && state.draft === undefined) exit();
      else dispatch({ type: 'key', input, key });
    });

    const rows = state.trace ? visibleRows(state.trace.tree, state.collapsed) : [];
    const title = state.trace
      ? `trace ${state.trace.tree.roots[0]?.span.traceId ?? ''}  ${formatDuration(state.trace.tree.durationNs)}  ${state.trace.tree.nodes.length} spans  * critical path`
      : `traces, last hour, live${state.filter ? `  filter: ${safe(state.filter)}` : ''}`;
    const help =
      state.draft !== undefined
        ? `filter (service, or key=value): ${safe(state.draft)}▏  enter apply · esc cancel`
        : state.trace
          ? '↑↓ move · ←→ collapse/expand · esc back · q quit'
          : '↑↓ move · enter open · / filter · q quit';
    return h(
      Box,
      { flexDirection: 'column' },
      h(Text, { bold: true }, `Hindsight  ${title}`),
      error ? h(Text, { color: 'red' }, safe(error)) : null,
      state.trace
        ? h(
            Box,
            { flexDirection: 'row' },
            h(SpanTree, { tree: state.trace.tree, rows, selected: state.row, critical: state.trace.critical, collapsed: state.collapsed, height }),
            h(Detail, { node: rows[state.row], height }),
          )
        : h(TraceList, { traces, selected: state.selected, height }),
      h(Text, { dimColor: true }, help),
    );
  }

  const instance = ink.render(h(App));
  await instance.waitUntilExit();
  return 0;
}
