/**
 * SpanKind and StatusCode as stored, indexed by their OTLP enum numbers: the
 * clickhouseexporter's spellings, which the query API also answers unchanged.
 * A module of its own, importing nothing and using no Node types, because the
 * viewer's browser bundle reads these through viewer/api/types.ts (see
 * docs/ARCHITECTURE.md, "Import rules").
 */
export const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
export const STATUS_CODES = ['Unset', 'Ok', 'Error'] as const;
