/**
 * The SQL endpoint's output formats, framed here around a stream of headerless
 * rows. chDB's streaming query writes a format's header (CSV names, JSON's meta
 * and statistics) again in every chunk, so the rows come in a row format and
 * the header, separators and trailer are written once, from the columns that
 * `DESCRIBE (query)` reports. The output matches ClickHouse's CSVWithNames,
 * TSVWithNames and JSON formats in content (JSON's whitespace differs).
 */
import { Transform, type TransformCallback } from 'node:stream';

export interface SqlColumn {
  name: string;
  type: string;
}

export interface OutputFormat {
  contentType: string;
  /** The row format the engine streams. */
  rowFormat: string;
  /** The whole format, for the small results of SHOW, DESCRIBE and EXPLAIN. */
  wholeFormat: string;
  /** Whether browsers should save the body as a file. */
  download: boolean;
  /** Frames the rows: writes the header first, the trailer when the rows end. `started`: when the statement began (hrtime), for JSON's statistics. */
  frame(columns: readonly SqlColumn[], started: bigint): Transform;
}

export const OUTPUT_FORMATS = {
  json: {
    contentType: 'application/json; charset=utf-8',
    rowFormat: 'JSONEachRow',
    wholeFormat: 'JSON',
    download: false,
    frame: (columns, started) => new JsonFrame(columns, started),
  },
  csv: {
    contentType: 'text/csv; charset=utf-8',
    rowFormat: 'CSV',
    wholeFormat: 'CSVWithNames',
    download: true,
    frame: (columns) => withHeader(`${columns.map((c) => `"${c.name.replaceAll('"', '""')}"`).join(',')}\n`),
  },
  tsv: {
    contentType: 'text/tab-separated-values; charset=utf-8',
    rowFormat: 'TSV',
    wholeFormat: 'TSVWithNames',
    download: true,
    frame: (columns) => withHeader(`${columns.map((c) => tsvEscape(c.name)).join('\t')}\n`),
  },
} as const satisfies Record<string, OutputFormat>;

export type OutputFormatName = keyof typeof OUTPUT_FORMATS;

/** TabSeparated's escaping of a value, as ClickHouse writes it. */
function tsvEscape(text: string): string {
  return text.replace(/[\\\t\n]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : '\\n'));
}

/** The rows with `header` before them, also when there are none. */
function withHeader(header: string): Transform {
  let pending: string | undefined = header;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (pending !== undefined) this.push(pending);
      pending = undefined;
      callback(null, chunk);
    },
    flush(callback) {
      callback(null, pending);
    },
  });
}

/**
 * JSONEachRow lines into ClickHouse's JSON document. Every raw newline in
 * JSONEachRow ends a row (strings escape theirs), so rows are counted and joined
 * by turning newlines into commas, the last one held back until more rows come.
 * Bytes are handled as latin1, one char per byte, so a chunk may end anywhere,
 * even inside a UTF-8 sequence (a server's HTTP chunks do).
 */
class JsonFrame extends Transform {
  private rows = 0;
  private newlinePending = false;
  /**
   * `started`: when the statement began, not when its first rows came: a frame made then
   * would report only the time after the first chunk (a trace's spans, read in 60 ms,
   * came out as "elapsed 0.002").
   */
  constructor(
    columns: readonly SqlColumn[],
    private readonly started: bigint,
  ) {
    super();
    this.push(`{"meta":${JSON.stringify(columns)},\n"data":[\n`);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length === 0) {
      callback();
      return;
    }
    const bytes = chunk.toString('latin1');
    const ends = bytes.endsWith('\n');
    const body = ends ? bytes.slice(0, -1) : bytes;
    const joined = `${this.newlinePending ? ',\n' : ''}${body.replaceAll('\n', ',\n')}`;
    this.rows += bytes.split('\n').length - 1;
    this.newlinePending = ends;
    callback(null, Buffer.from(joined, 'latin1'));
  }

  override _flush(callback: TransformCallback): void {
    const elapsed = Number(process.hrtime.bigint() - this.started) / 1e9;
    callback(null, `\n],\n"rows":${this.rows},\n"statistics":{"elapsed":${elapsed}}}\n`);
  }
}
