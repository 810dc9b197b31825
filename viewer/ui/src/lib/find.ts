/**
 * Find-in-trace: which spans match a text, over names, services, ids, status
 * messages, span and resource attributes and events, case-insensitively.
 */
import type { Span } from '../../../api/types';

/**
 * One lower-cased text per span. Fields are joined with a newline, which the find
 * box cannot hold, so a match never runs from one field into the next. Built once
 * per trace: lower-casing every attribute of 50,000 spans on each keystroke took
 * about 30 ms, a scan of the prepared texts takes a few.
 */
function haystack(span: Span): string {
  const parts = [span.name, span.service, span.spanId, span.statusMessage];
  for (const [k, v] of Object.entries(span.attributes)) parts.push(k, v);
  for (const [k, v] of Object.entries(span.resource)) parts.push(k, v);
  for (const e of span.events) {
    parts.push(e.name);
    for (const [k, v] of Object.entries(e.attributes)) parts.push(k, v);
  }
  return parts.join('\n').toLowerCase();
}

const normalize = (query: string): string => query.trim().toLowerCase();

export function spanMatches(span: Span, query: string): boolean {
  const q = normalize(query);
  return q !== '' && haystack(span).includes(q);
}

export interface Finder {
  /** Ids of matching spans, in the order the finder was given them. */
  find(query: string): string[];
  /**
   * Builds the index ahead of the first search, a slice at a time, for as long as `more()`
   * says there is time; true once the index is complete.
   */
  prepare(more: () => boolean): boolean;
}

/** Spans indexed between two asks of `more()`: about a millisecond of work. */
const SLICE = 256;

/**
 * A finder over spans in display order. Its index is built on the first search, or before it
 * in idle time through `prepare`: built on the first keystroke, a 50,000-span trace's index
 * made that keystroke wait 150-300 ms.
 */
export function createFinder(spans: readonly Span[]): Finder {
  const texts: string[] = [];
  const index = (upTo: number): void => {
    for (let i = texts.length; i < upTo; i++) texts.push(haystack(spans[i]!));
  };
  return {
    find(query) {
      const q = normalize(query);
      if (q === '') return [];
      index(spans.length);
      const ids: string[] = [];
      for (let i = 0; i < texts.length; i++) if (texts[i]!.includes(q)) ids.push(spans[i]!.spanId);
      return ids;
    },
    prepare(more) {
      while (texts.length < spans.length && more()) index(Math.min(spans.length, texts.length + SLICE));
      return texts.length === spans.length;
    },
  };
}

/** Ids of matching spans, in the given (display) order. */
export function findSpans(spans: readonly Span[], query: string): string[] {
  return createFinder(spans).find(query);
}

export interface TextPart {
  text: string;
  match: boolean;
}

/** A text split around each case-insensitive occurrence of the query, to mark matches (as text, never as markup). */
export function highlightParts(text: string, query: string): TextPart[] {
  const q = normalize(query);
  if (q === '') return [{ text, match: false }];
  const lower = text.toLowerCase();
  // toLowerCase can change a string's length (e.g. 'İ'); then offsets would not line up, so mark nothing.
  if (lower.length !== text.length) return [{ text, match: false }];
  const parts: TextPart[] = [];
  let from = 0;
  for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, at + q.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + q.length), match: true });
    from = at + q.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts.length > 0 ? parts : [{ text, match: false }];
}
