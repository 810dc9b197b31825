/** Find-in-trace: which spans match a text, over names, services and attributes. */
import type { Span } from '../../../api/types';

export function spanMatches(span: Span, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return false;
  if (span.name.toLowerCase().includes(q) || span.service.toLowerCase().includes(q) || span.spanId.includes(q)) return true;
  for (const [k, v] of Object.entries(span.attributes)) if (k.toLowerCase().includes(q) || v.toLowerCase().includes(q)) return true;
  for (const e of span.events) if (e.name.toLowerCase().includes(q)) return true;
  return false;
}

/** Ids of matching spans, in the given (display) order. */
export function findSpans(spans: Span[], query: string): string[] {
  if (query.trim() === '') return [];
  return spans.filter((s) => spanMatches(s, query)).map((s) => s.spanId);
}
