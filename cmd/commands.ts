/**
 * The client commands of `hindsight`: each talks to the query API (or, for
 * import, the OTLP receiver: import.ts) of a Target, and prints for people on a
 * terminal and plainly for pipes. Exit codes: 0 done, 1 failed, 2 usage.
 */
import type { StatusFilter, TailSpan, TraceSort } from '../viewer/api/types';
import { formatDuration, formatIsoTime } from '../viewer/model/format';
import { buildTree } from '../viewer/model/trace-tree';
import { criticalPath } from '../viewer/model/critical-path';
import { ApiClient, ApiRequestError, type TailQuery, type TraceSearchQuery } from './api-client';
import { runImport } from './import';
import { bold, paint, safe, serviceCode, table, type Output } from './render';
import { apiUrlOf, type Target } from './target';
import { printDiff } from './trace-diff';
import { runTui } from './tui';

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** Positional arguments: the fewest and the most accepted. */
  positionals: [number, number];
  /** The query API (the default), or only an OTLP receiver (import). */
  needs?: 'api' | 'otlp';
  /** Throws a UsageError for arguments no server could make sense of, before one is looked for. */
  check?(positionals: string[], flags: Flags): void;
  run(target: Target, positionals: string[], flags: Flags, out: Output): Promise<number>;
}

export class UsageError extends Error {}

const apiOf = (target: Target): ApiClient => new ApiClient(apiUrlOf(target), target.apiHeaders);

const str = (flags: Flags, name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);

function sqlFormat(flags: Flags): 'table' | 'csv' | 'json' {
  const format = str(flags, 'format') ?? 'table';
  if (format !== 'table' && format !== 'csv' && format !== 'json') throw new UsageError(`--format must be table, csv or json, not ${format}`);
  return format;
}

function exportFormat(flags: Flags): 'otlp' | 'jaeger' {
  const format = str(flags, 'format') ?? 'otlp';
  if (format !== 'otlp' && format !== 'jaeger') throw new UsageError(`--format must be otlp or jaeger, not ${format}`);
  return format;
}

export const sqlCommand: Command = {
  name: 'sql',
  usage: 'hindsight sql "<query>" [--format table|csv|json]',
  summary: 'run a read-only analytics query',
  options: { format: { type: 'string' } },
  positionals: [1, 1],
  check(_positionals, flags) {
    sqlFormat(flags);
  },
  async run(target, [query], flags, out) {
    const format = sqlFormat(flags);
    let text: string;
    try {
      text = await apiOf(target).sql(query!, format === 'table' ? 'json' : format);
    } catch (err) {
      if (!(err instanceof ApiRequestError)) throw err;
      process.stderr.write(`hindsight sql: ${err.clickhouseCode ? `ClickHouse error ${err.clickhouseCode}: ` : ''}${err.message}\n`);
      return 1;
    }
    if (format !== 'table') {
      out.write(text.endsWith('\n') ? text : `${text}\n`);
      return 0;
    }
    const body = JSON.parse(text) as { meta: { name: string }[]; data: Record<string, unknown>[] };
    const cell = (v: unknown): string => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    out.write(
      table(
        body.meta.map((m) => m.name),
        body.data.map((row) => body.meta.map((m) => cell(row[m.name]))),
      ),
    );
    return 0;
  },
};

export const servicesCommand: Command = {
  name: 'services',
  usage: 'hindsight services [--since 1h]',
  summary: 'list services with span counts and error rates',
  options: { since: { type: 'string' } },
  positionals: [0, 0],
  async run(target, _p, flags, out) {
    const body = await apiOf(target).services({ lookback: str(flags, 'since') ?? '1h' });
    out.write(
      table(
        ['SERVICE', 'SPANS', 'ERRORS', 'ERROR %'],
        body.services.map((s) => [s.name, String(s.spanCount), String(s.errorCount), (s.errorRate * 100).toFixed(2)]),
      ),
    );
    return 0;
  },
};

export const tracesCommand: Command = {
  name: 'traces',
  usage: 'hindsight traces search [--service S] [--operation O] [--attr k=v ...] [--min-duration 100ms] [--max-duration 2s] [--status error] [--since 1h] [--sort slowest] [--limit 20]',
  summary: 'search traces',
  options: {
    service: { type: 'string' },
    operation: { type: 'string' },
    attr: { type: 'string', multiple: true },
    'min-duration': { type: 'string' },
    'max-duration': { type: 'string' },
    status: { type: 'string' },
    since: { type: 'string' },
    sort: { type: 'string' },
    limit: { type: 'string' },
  },
  positionals: [1, 1],
  check([sub]) {
    if (sub !== 'search') throw new UsageError(`unknown subcommand "traces ${sub}"; use "traces search"`);
  },
  async run(target, _positionals, flags, out) {
    const query: TraceSearchQuery = {
      service: str(flags, 'service'),
      operation: str(flags, 'operation'),
      attr: flags['attr'] as string[] | undefined,
      minDuration: str(flags, 'min-duration'),
      maxDuration: str(flags, 'max-duration'),
      // As typed: the server refuses any other value, naming the parameter and the values it takes.
      status: str(flags, 'status') as StatusFilter | undefined,
      sort: str(flags, 'sort') as TraceSort | undefined,
      limit: str(flags, 'limit'),
      lookback: str(flags, 'since') ?? '1h',
    };
    const body = await apiOf(target).searchTraces(query);
    out.write(
      table(
        ['TRACE ID', 'START', 'DURATION', 'SPANS', 'ERRORS', 'ROOT'],
        body.traces.map((t) => [t.traceId, formatIsoTime(t.startNs), formatDuration(Number(t.durationNs)), String(t.spanCount), String(t.errorCount), `${t.rootService}: ${t.rootOperation}`]),
      ),
    );
    return 0;
  },
};

export const traceCommand: Command = {
  name: 'trace',
  usage: 'hindsight trace show <traceId> | hindsight trace diff <traceIdA> <traceIdB> [--all] [--json]',
  summary: 'draw a trace as a span tree, with the critical path marked (*); or compare two traces by call path',
  options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: [2, 3],
  check([sub, ...ids], flags) {
    if (sub === 'show' && ids.length === 1 && flags['all'] === undefined && flags['json'] === undefined) return;
    if (sub === 'diff' && ids.length === 2) return;
    if (sub === 'show') throw new UsageError(ids.length === 1 ? '--all and --json are options of "trace diff"' : '"trace show" takes one trace id');
    if (sub === 'diff') throw new UsageError('"trace diff" takes two trace ids');
    throw new UsageError(`unknown subcommand "trace ${sub}"; use "trace show <traceId>" or "trace diff <traceIdA> <traceIdB>"`);
  },
  async run(target, [sub, id, other], flags, out) {
    if (sub === 'diff') {
      const diff = await apiOf(target).compare(id!, other!);
      if (flags['json'] === true) out.write(`${JSON.stringify(diff, null, 2)}\n`);
      else printDiff(out, diff, flags['all'] === true);
      return 0;
    }
    return showTrace(target, id!, out);
  },
};

async function showTrace(target: Target, id: string, out: Output): Promise<number> {
  const body = await apiOf(target).trace(id);
  const tree = buildTree(body.spans);
  const critical = criticalPath(tree).spanIds;
  const total = Math.max(1, tree.durationNs);
  const barWidth = 24;
  out.write(`${bold(out, `trace ${body.traceId}`)}  ${formatDuration(tree.durationNs)}  ${tree.nodes.length} spans  ${tree.services.length} services  ${tree.errorCount} errors\n`);
  for (const w of tree.warnings) out.write(`! ${w}\n`);
  for (const node of tree.nodes) {
    const s = node.span;
    const from = Math.floor((node.start / total) * barWidth);
    const to = Math.max(from + 1, Math.ceil((node.end / total) * barWidth));
    const bar = ' '.repeat(from) + '█'.repeat(Math.min(barWidth, to) - from) + ' '.repeat(Math.max(0, barWidth - to));
    const mark = critical.has(s.spanId) ? '*' : ' ';
    const label = `${'  '.repeat(node.depth)}${paint(out, safe(s.service), serviceCode(s.service))} ${safe(s.name)}`;
    const flags = `${s.statusCode === 'Error' ? ' ERROR' : ''}${node.skewed ? ' (skew)' : ''}${node.shiftNs !== 0 ? ` (clock skew: shifted ${node.shiftNs > 0 ? '+' : ''}${formatDuration(node.shiftNs)})` : ''}${node.orphan ? ' (no parent)' : ''}`;
    const line = `${mark} |${paint(out, bar, s.statusCode === 'Error' ? 196 : serviceCode(s.service))}| ${formatDuration(node.end - node.start).padStart(9)}  ${label}${paint(out, flags, 196)}`;
    out.write(`${critical.has(s.spanId) ? bold(out, line) : line}\n`);
  }
  out.write('* critical path\n');
  return 0;
}

export const exportCommand: Command = {
  name: 'export',
  usage: 'hindsight export <traceId> [--format otlp|jaeger]',
  summary: 'write a trace as OTLP/JSON or Jaeger JSON to stdout',
  options: { format: { type: 'string' } },
  positionals: [1, 1],
  check(_positionals, flags) {
    exportFormat(flags);
  },
  async run(target, [id], flags, out) {
    const format = exportFormat(flags);
    const api = apiOf(target);
    const body = format === 'otlp' ? await api.otlpTrace(id!) : await api.jaegerTrace(id!);
    out.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  },
};

export const importCommand: Command = {
  name: 'import',
  usage: 'hindsight import <file...>',
  summary: 'send OTLP (JSON, JSON lines, protobuf) or Jaeger JSON files to Hindsight; spans it already stores are not sent again',
  options: {},
  positionals: [1, Infinity],
  needs: 'otlp',
  run: (target, files, _flags, out) => runImport(target, files, out),
};

/** One tail event as a line for people: start (UTC), duration, status, service: name, trace id, the matched attributes, and how many spans it stands for. */
export function tailLine(out: Output, span: TailSpan): string {
  const status = span.statusCode === 'Error' ? paint(out, 'ERROR', 196) : span.statusCode.toUpperCase().padEnd(5);
  const attributes = Object.entries(span.attributes).map(([k, v]) => ` ${safe(k)}=${safe(v)}`);
  const sampled = span.represents > 1 ? `  (sampled: 1 of ${span.represents})` : '';
  return `${formatIsoTime(span.startNs)}  ${formatDuration(Number(span.durationNs)).padStart(9)}  ${status}  ${paint(out, safe(span.service), serviceCode(span.service))}: ${safe(span.name)}  ${span.traceId}${attributes.join('')}${sampled}\n`;
}

export const tailCommand: Command = {
  name: 'tail',
  usage: 'hindsight tail [--service S] [--operation O] [--attr k=v ...] [--status error] [--min-duration 100ms] [--max-rate 100] [--json]',
  summary: 'print spans as they are stored, until interrupted (--json: one JSON object a line)',
  options: {
    service: { type: 'string' },
    operation: { type: 'string' },
    attr: { type: 'string', multiple: true },
    status: { type: 'string' },
    'min-duration': { type: 'string' },
    'max-rate': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [0, 0],
  async run(target, _positionals, flags, out) {
    const query: TailQuery = {
      service: str(flags, 'service'),
      operation: str(flags, 'operation'),
      attr: flags['attr'] as string[] | undefined,
      // As typed: the server refuses any other value, naming the parameter.
      status: str(flags, 'status') as StatusFilter | undefined,
      minDuration: str(flags, 'min-duration'),
      maxRate: str(flags, 'max-rate'),
    };
    const json = flags['json'] === true;
    const interrupted = new AbortController();
    const stop = (): void => interrupted.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await apiOf(target).tail(
        query,
        (event) => {
          if (event.type === 'span') out.write(json ? `${JSON.stringify(event.span)}\n` : tailLine(out, event.span));
          else if (event.type === 'hello' && !json && event.hello.source === 'poll') {
            process.stderr.write(`hindsight tail: this server polls its store: spans show ${Math.round(event.hello.delayMs / 1000)} s or so after they start\n`);
          }
        },
        { signal: interrupted.signal },
      );
    } catch (err) {
      if (!interrupted.signal.aborted) throw err;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return 0;
  },
};

export const tuiCommand: Command = {
  name: 'tui',
  usage: 'hindsight tui',
  summary: 'a full-screen terminal viewer: live trace list, span tree with the critical path, span detail',
  options: {},
  positionals: [0, 0],
  async run(target) {
    return runTui(target);
  },
};

export const CLIENT_COMMANDS: Command[] = [sqlCommand, tracesCommand, traceCommand, servicesCommand, tailCommand, exportCommand, importCommand, tuiCommand];
