/**
 * The output formats the ClickHouse HTTP port lets a client ask for, in a FORMAT clause
 * or with default_format, and the Content-Type ClickHouse sends each with. The engine
 * writes them itself. An allowlist: some formats read files named in settings
 * (Template, CustomSeparated's templates, Protobuf and CapnProto schemas), and a client
 * of the read-only port needs none of them.
 */
const BINARY = 'application/octet-stream';
const JSON_TYPE = 'application/json; charset=UTF-8';
const TSV_TYPE = 'text/tab-separated-values; charset=UTF-8';
const CSV_TYPE = 'text/csv; charset=UTF-8; header=present';
const TEXT_TYPE = 'text/plain; charset=UTF-8';

const FAMILY: Record<string, string> = {
  Native: BINARY,
  RowBinary: BINARY,
  RowBinaryWithNames: BINARY,
  RowBinaryWithNamesAndTypes: BINARY,
  JSON: JSON_TYPE,
  JSONStrings: JSON_TYPE,
  JSONCompact: JSON_TYPE,
  JSONCompactStrings: JSON_TYPE,
  JSONColumns: JSON_TYPE,
  JSONColumnsWithMetadata: JSON_TYPE,
  JSONCompactColumns: JSON_TYPE,
  JSONObjectEachRow: JSON_TYPE,
  JSONEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONStringsEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRowWithNames: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRowWithNamesAndTypes: 'application/x-ndjson; charset=UTF-8',
  JSONCompactStringsEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactStringsEachRowWithNames: 'application/x-ndjson; charset=UTF-8',
  JSONCompactStringsEachRowWithNamesAndTypes: 'application/x-ndjson; charset=UTF-8',
  TabSeparated: TSV_TYPE,
  TabSeparatedRaw: TSV_TYPE,
  TabSeparatedWithNames: TSV_TYPE,
  TabSeparatedWithNamesAndTypes: TSV_TYPE,
  TabSeparatedRawWithNames: TSV_TYPE,
  TabSeparatedRawWithNamesAndTypes: TSV_TYPE,
  TSV: TSV_TYPE,
  TSVRaw: TSV_TYPE,
  TSVWithNames: TSV_TYPE,
  TSVWithNamesAndTypes: TSV_TYPE,
  TSVRawWithNames: TSV_TYPE,
  TSVRawWithNamesAndTypes: TSV_TYPE,
  CSV: 'text/csv; charset=UTF-8; header=absent',
  CSVWithNames: CSV_TYPE,
  CSVWithNamesAndTypes: CSV_TYPE,
  Pretty: TEXT_TYPE,
  PrettyCompact: TEXT_TYPE,
  PrettyCompactMonoBlock: TEXT_TYPE,
  Vertical: TEXT_TYPE,
  Values: TEXT_TYPE,
  Null: TEXT_TYPE,
};

/** The format's Content-Type, or undefined when the port does not serve it. */
export function formatContentType(format: string): string | undefined {
  return Object.hasOwn(FAMILY, format) ? FAMILY[format] : undefined;
}

export const OUTPUT_FORMAT_NAMES: readonly string[] = Object.keys(FAMILY);
