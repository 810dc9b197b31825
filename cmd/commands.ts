/**
 * The client commands of `hindsight`: each talks to the query API (or, for
 * import, the OTLP receiver) of a Target, and prints for people on a terminal and
 * plainly for pipes. Exit codes: 0 done, 1 failed, 2 usage.
 */
import * as fs from 'node:fs';
import type { StatusFilter, TraceSort } from '../viewer/api/types';
import { formatDuration, formatIsoTime } from '../viewer/model/format';
import { buildTree } from '../viewer/model/trace-tree';
import { criticalPath } from '../viewer/model/critical-path';
import { otlpTypes } from '../collector/otlp/proto';
import { ApiClient, ApiRequestError, type TraceSearchQuery } from './api-client';
import { bold, paint, progress, safe, serviceCode, table, type Output } from './render';
import type { Target } from './target';
import { runTui } from './tui';

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** Positional arguments: the fewest and the most accepted. */
  positionals: [number, number];
  run(target: Target, positionals: string[], flags: Flags, out: Output): Promise<number>;
}

export class UsageError extends Error {}

const apiOf = (target: Target): ApiClient => new ApiClient(target.apiUrl, target.apiHeaders);

const str = (flags: Flags, name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);

export const sqlCommand: Command = {
  name: 'sql',
  usage: 'hindsight sql "<query>" [--format table|csv|json]',
  summary: 'run a read-only analytics query',
  options: { format: { type: 'string' } },
  positionals: [1, 1],
  async run(target, [query], flags, out) {
    const format = str(flags, 'format') ?? 'table';
    if (format !== 'table' && format !== 'csv' && format !== 'json') throw new UsageError(`--format must be table, csv or json, not ${format}`);
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
  async run(target, [sub], flags, out) {
    if (sub !== 'search') throw new UsageError(`unknown subcommand "traces ${sub}"; use "traces search"`);
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
  usage: 'hindsight trace show <traceId>',
  summary: 'draw a trace as a span tree, with the critical path marked (*)',
  options: {},
  positionals: [2, 2],
  async run(target, [sub, id], _flags, out) {
    if (sub !== 'show') throw new UsageError(`unknown subcommand "trace ${sub}"; use "trace show <traceId>"`);
    const body = await apiOf(target).trace(id!);
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
      const flags = `${s.statusCode === 'Error' ? ' ERROR' : ''}${node.skewed ? ' (skew)' : ''}${node.orphan ? ' (no parent)' : ''}`;
      const line = `${mark} |${paint(out, bar, s.statusCode === 'Error' ? 196 : serviceCode(s.service))}| ${formatDuration(node.end - node.start).padStart(9)}  ${label}${paint(out, flags, 196)}`;
      out.write(`${critical.has(s.spanId) ? bold(out, line) : line}\n`);
    }
    out.write('* critical path\n');
    return 0;
  },
};

export const exportCommand: Command = {
  name: 'export',
  usage: 'hindsight export <traceId> [--format otlp|jaeger]',
  summary: 'write a trace as OTLP/JSON or Jaeger JSON to stdout',
  options: { format: { type: 'string' } },
  positionals: [1, 1],
  async run(target, [id], flags, out) {
    const format = str(flags, 'format') ?? 'otlp';
    if (format !== 'otlp' && format !== 'jaeger') throw new UsageError(`--format must be otlp or jaeger, not ${format}`);
    const api = apiOf(target);
    const body = format === 'otlp' ? await api.otlpTrace(id!) : await api.jaegerTrace(id!);
    out.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  },
};

interface Message {
  body: Buffer;
  contentType: 'application/json' | 'application/x-protobuf';
  spans: number;
}

function countJsonSpans(request: unknown): number {
  const rs = (request as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] }).resourceSpans ?? [];
  return rs.reduce((n, r) => n + (r.scopeSpans ?? []).reduce((m, s) => m + (s.spans?.length ?? 0), 0), 0);
}

function protobufMessage(bytes: Buffer): Message {
  const type = otlpTypes().ExportTraceServiceRequest;
  const decoded = type.toObject(type.decode(bytes));
  return { body: bytes, contentType: 'application/x-protobuf', spans: countJsonSpans(decoded) };
}

/**
 * OTLP files as the OpenTelemetry Collector's file exporter and the SDK write them:
 * one JSON request, JSON lines, one protobuf request, or protobuf requests each
 * preceded by its length (4 bytes, big-endian).
 */
export function readOtlpFile(path: string): Message[] {
  const data = fs.readFileSync(path);
  // By extension, else by the first byte: a protobuf request starts with 0x0a, a JSON one with '{'.
  const json = /\.(json|jsonl|ndjson)$/i.test(path) || (!/\.(pb|binpb|bin|proto)$/i.test(path) && data[0] === 0x7b);
  if (json) {
    const whole = data.toString('utf8');
    try {
      const request = JSON.parse(whole) as unknown;
      return [{ body: Buffer.from(whole), contentType: 'application/json', spans: countJsonSpans(request) }];
    } catch {
      return whole
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => ({ body: Buffer.from(line), contentType: 'application/json' as const, spans: countJsonSpans(JSON.parse(line)) }));
    }
  }
  const framed: Message[] = [];
  for (let at = 0; at + 4 <= data.length;) {
    const length = data.readUInt32BE(at);
    if (at + 4 + length > data.length) {
      framed.length = 0;
      break;
    }
    try {
      framed.push(protobufMessage(data.subarray(at + 4, at + 4 + length)));
    } catch {
      framed.length = 0;
      break;
    }
    at += 4 + length;
    if (at === data.length) return framed;
  }
  return [protobufMessage(data)];
}

export const importCommand: Command = {
  name: 'import',
  usage: 'hindsight import <file...>',
  summary: 'send OTLP JSON or protobuf files (e.g. from the Collector file exporter) to Hindsight',
  options: {},
  positionals: [1, Infinity],
  async run(target, files, _flags, out) {
    let imported = 0;
    let rejected = 0;
    let failedFiles = 0;
    for (const [i, file] of files.entries()) {
      progress(i, files.length, file);
      let messages: Message[];
      try {
        messages = readOtlpFile(file);
      } catch (err) {
        process.stderr.write(`hindsight import: ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
        failedFiles++;
        continue;
      }
      for (const message of messages) {
        const response = await fetch(`${target.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': message.contentType, ...target.ingestHeaders }, body: message.body });
        const body = Buffer.from(await response.arrayBuffer());
        if (!response.ok) {
          process.stderr.write(`hindsight import: ${file}: refused with ${response.status}\n`);
          failedFiles++;
          break;
        }
        const partial =
          message.contentType === 'application/json'
            ? (JSON.parse(body.toString() || '{}') as { partialSuccess?: { rejectedSpans?: string | number } }).partialSuccess
            : (otlpTypes().ExportTraceServiceResponse.toObject(otlpTypes().ExportTraceServiceResponse.decode(body), { longs: Number }) as { partialSuccess?: { rejectedSpans?: number } })
                .partialSuccess;
        const refusedHere = Number(partial?.rejectedSpans ?? 0);
        rejected += refusedHere;
        imported += message.spans - refusedHere;
      }
    }
    progress(files.length, files.length, 'done');
    out.write(`imported ${imported} spans from ${files.length - failedFiles} of ${files.length} files; rejected ${rejected}\n`);
    return failedFiles > 0 ? 1 : 0;
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

export const CLIENT_COMMANDS: Command[] = [sqlCommand, tracesCommand, traceCommand, servicesCommand, exportCommand, importCommand, tuiCommand];
