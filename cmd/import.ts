/**
 * `hindsight import`: files of spans (import-files.ts) sent to a Hindsight's OTLP/HTTP
 * receiver. Spans the store already holds are left out and counted: importing an export
 * back, or a file twice, would store every span again (legal under OTLP, and noise on
 * every trace page). Exits 1 when a file could not be read or sent, and when the import
 * stored nothing, saying why.
 */
import { otlpTypes } from '../collector/otlp/proto';
import { ApiClient, ApiRequestError } from './api-client';
import { readImportFile, type ImportMessage, type SpanKey } from './import-files';
import { progress, type Output } from './render';
import type { Target } from './target';

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
/** Trace ids per lookup query: well inside the SQL endpoint's 100,000-character limit. */
const LOOKUP_BATCH = 500;

/** The times of stored copies, by trace and span id. */
type Stored = Map<string, { startNs: bigint; endNs: bigint }[]>;

const idOf = (s: { traceId: string; spanId: string }): string => `${s.traceId}/${s.spanId}`;

/**
 * The stored copies of the given spans, through the SQL endpoint. Ids are checked hex
 * before they go into the query's text (the endpoint takes no parameters); the time bounds
 * let the engine skip the days the spans are not in.
 */
async function storedCopies(api: ApiClient, spans: SpanKey[]): Promise<Stored> {
  const stored: Stored = new Map();
  const valid = spans.filter((s) => HEX_TRACE_ID.test(s.traceId) && s.startNs >= 0n);
  const traceIds = [...new Set(valid.map((s) => s.traceId))];
  for (let i = 0; i < traceIds.length; i += LOOKUP_BATCH) {
    const batch = new Set(traceIds.slice(i, i + LOOKUP_BATCH));
    const starts = valid.filter((s) => batch.has(s.traceId)).map((s) => s.startNs);
    const from = starts.reduce((a, b) => (b < a ? b : a)) - 1_000_000_000n;
    const to = starts.reduce((a, b) => (b > a ? b : a)) + 1_000_000_000n;
    const query =
      'SELECT TraceId AS t, SpanId AS s, toString(toUnixTimestamp64Nano(Timestamp)) AS start, toString(Duration) AS duration FROM otel_traces ' +
      `WHERE TraceId IN (${[...batch].map((id) => `'${id}'`).join(', ')}) ` +
      `AND Timestamp BETWEEN fromUnixTimestamp64Nano(toInt64(${from})) AND fromUnixTimestamp64Nano(toInt64(${to}))`;
    const body = JSON.parse(await api.sql(query, 'json')) as { data: { t: string; s: string; start: string; duration: string }[] };
    for (const row of body.data) {
      const startNs = BigInt(row.start);
      const key = idOf({ traceId: row.t, spanId: row.s });
      stored.set(key, [...(stored.get(key) ?? []), { startNs, endNs: startNs + BigInt(row.duration) }]);
    }
  }
  return stored;
}

/** Whether a stored copy has the span's times, at the precision its file keeps. */
function isStored(stored: Stored, span: SpanKey, microseconds: boolean): boolean {
  const us = (ns: bigint): bigint => ns / 1000n;
  return (stored.get(idOf(span)) ?? []).some((copy) =>
    microseconds ? us(copy.startNs) === us(span.startNs) && us(copy.endNs - copy.startNs) === us(span.endNs - span.startNs) : copy.startNs === span.startNs && copy.endNs === span.endNs,
  );
}

interface Sent {
  ok: boolean;
  status: number;
  rejected: number;
}

async function send(target: Target, message: ImportMessage): Promise<Sent> {
  const response = await fetch(`${target.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'Content-Type': message.contentType, ...target.ingestHeaders }, body: new Uint8Array(message.body) });
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) return { ok: false, status: response.status, rejected: 0 };
  const { ExportTraceServiceResponse } = otlpTypes();
  const partial =
    message.contentType === 'application/json'
      ? (JSON.parse(body.toString() || '{}') as { partialSuccess?: { rejectedSpans?: string | number } }).partialSuccess
      : (ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(body), { longs: Number }) as { partialSuccess?: { rejectedSpans?: number } }).partialSuccess;
  return { ok: true, status: response.status, rejected: Number(partial?.rejectedSpans ?? 0) };
}

export async function runImport(target: Target, files: string[], out: Output): Promise<number> {
  const api = target.apiUrl === undefined ? undefined : new ApiClient(target.apiUrl, target.apiHeaders);
  let check = api !== undefined;
  if (!check) process.stderr.write('hindsight import: not checking for spans already stored: no query API found (pass --url)\n');
  let read = 0;
  let imported = 0;
  let rejected = 0;
  let alreadyStored = 0;
  let failedFiles = 0;
  for (const [i, file] of files.entries()) {
    progress(i, files.length, file);
    let messages: ImportMessage[];
    try {
      messages = readImportFile(file);
    } catch (err) {
      process.stderr.write(`hindsight import: ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
      failedFiles++;
      continue;
    }
    for (let message of messages) {
      read += message.spans.length;
      if (check && api !== undefined && message.spans.length > 0) {
        try {
          const stored = await storedCopies(api, message.spans);
          const before = message.spans.length;
          const { microseconds } = message;
          if (message.spans.some((s) => isStored(stored, s, microseconds))) message = message.without((s) => isStored(stored, s, microseconds));
          alreadyStored += before - message.spans.length;
        } catch (err) {
          if (!(err instanceof ApiRequestError)) throw err;
          process.stderr.write(`hindsight import: not checking for spans already stored: ${err.message}\n`);
          check = false;
        }
      }
      if (message.spans.length === 0) continue;
      const sent = await send(target, message);
      if (!sent.ok) {
        process.stderr.write(`hindsight import: ${file}: refused with ${sent.status}\n`);
        failedFiles++;
        break;
      }
      rejected += sent.rejected;
      imported += message.spans.length - sent.rejected;
    }
  }
  progress(files.length, files.length, 'done');
  const stored = alreadyStored > 0 ? `; ${alreadyStored} already stored, not sent again` : '';
  out.write(`imported ${imported} spans from ${files.length - failedFiles} of ${files.length} files; rejected ${rejected}${stored}\n`);
  if (failedFiles > 0) return 1;
  if (imported > 0) return 0;
  const why =
    read === 0
      ? 'the files hold no spans'
      : alreadyStored === read
        ? `all ${read} spans are already stored`
        : alreadyStored > 0
          ? `${alreadyStored} spans are already stored and the server rejected the other ${rejected}`
          : `the server rejected all ${rejected} spans`;
  process.stderr.write(`hindsight import: nothing imported: ${why}\n`);
  return 1;
}
