/**
 * The API's enumerations are defined once (viewer/api/types.ts; span kinds and status
 * codes in storage/span-enums.ts) and every other list is derived from them. These
 * tests pin the derived lists to the definitions, and the definitions to OTLP.
 */
import { otlpTypes } from '../../../../collector/otlp/proto';
import * as columns from '../../../../storage/columns';
import { OPENAPI } from '../../../../viewer/api/openapi';
import { toOtlpJson } from '../../../../viewer/api/otlp-json';
import * as params from '../../../../viewer/api/params';
import { SPAN_KINDS, STATUS_CODES, STATUS_FILTERS, TRACE_SORTS } from '../../../../viewer/api/types';
import { DEFAULT_SEARCH, decodeSearch } from '../../../../viewer/ui/src/lib/url-state';
import { makeApiSpan } from '../../../support/api-spans';

const upper = (name: string): string => name.toUpperCase();

test('span kinds and status codes are indexed by their OTLP enum numbers', () => {
  const { root } = otlpTypes();
  const kinds = root.lookupEnum('opentelemetry.proto.trace.v1.Span.SpanKind').values;
  const codes = root.lookupEnum('opentelemetry.proto.trace.v1.Status.StatusCode').values;
  expect(Object.fromEntries(SPAN_KINDS.map((k, i) => [`SPAN_KIND_${upper(k)}`, i]))).toEqual(kinds);
  expect(Object.fromEntries(STATUS_CODES.map((c, i) => [`STATUS_CODE_${upper(c)}`, i]))).toEqual(codes);
});

test('the write side (storage/columns) and the API share one definition', () => {
  expect(columns.SPAN_KINDS).toBe(SPAN_KINDS);
  expect(columns.STATUS_CODES).toBe(STATUS_CODES);
});

test('the status filter takes exactly the status codes, lower-cased', () => {
  expect([...STATUS_FILTERS].sort()).toEqual(STATUS_CODES.map((c) => c.toLowerCase()).sort());
});

test('the routes check parameters against the same lists', () => {
  expect(params.STATUSES).toBe(STATUS_FILTERS);
  expect(params.TRACE_SORTS).toBe(TRACE_SORTS);
});

test('the OpenAPI description lists the same values', () => {
  const search = OPENAPI.paths['/api/v1/traces'].get.parameters;
  const enumOf = (name: string): unknown => (search.find((p) => p.name === name)?.schema as { enum?: unknown }).enum;
  expect(enumOf('status')).toEqual(STATUS_FILTERS);
  expect(enumOf('sort')).toEqual(TRACE_SORTS);
  const span = OPENAPI.components.schemas.Span.properties;
  expect(span.kind.enum).toEqual(SPAN_KINDS);
  expect(span.statusCode.enum).toEqual(STATUS_CODES);
});

test('OTLP/JSON export turns each stored name back into its number', () => {
  const exported = (kind: (typeof SPAN_KINDS)[number], statusCode: (typeof STATUS_CODES)[number]): { kind: number; status: { code: number } } =>
    (toOtlpJson([makeApiSpan({ kind, statusCode })]) as { resourceSpans: { scopeSpans: { spans: { kind: number; status: { code: number } }[] }[] }[] }).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  SPAN_KINDS.forEach((kind, i) => expect(exported(kind, 'Unset').kind).toBe(i));
  STATUS_CODES.forEach((code, i) => expect(exported('Internal', code).status.code).toBe(i));
});

test('the UI keeps every status and sort from a link, and nothing else', () => {
  for (const status of STATUS_FILTERS) expect(decodeSearch(new URLSearchParams({ status })).status).toBe(status);
  for (const sort of TRACE_SORTS) expect(decodeSearch(new URLSearchParams({ sort })).sort).toBe(sort);
  expect(decodeSearch(new URLSearchParams({ status: 'Error', sort: 'oldest' }))).toEqual(DEFAULT_SEARCH);
});
