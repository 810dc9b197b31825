/**
 * The live tail's filters, judged in memory on stored spans as the search API's SQL
 * judges them (storage/sql/query/filters/): service and operation by equality, status
 * by its stored name, minDuration on the span's own duration, and each attribute
 * filter on the span's or else its resource's attributes, numeric comparisons reading
 * the stored text as a number (text that is none never matches, as toFloat64OrNull).
 */
import type { SpanBlockView } from '../../storage/span-block-reader';
import type { AttributeFilter } from '../api/params';
import type { StatusCode, StatusFilter } from '../api/types';

export interface TailFilter {
  service?: string | undefined;
  operation?: string | undefined;
  /** The search syntax (params.ts attributeFilter): every one must hold. */
  attributes: AttributeFilter[];
  status?: StatusFilter | undefined;
  minDurationNs?: bigint | undefined;
}

const STORED_STATUS: Record<StatusFilter, StatusCode> = { ok: 'Ok', error: 'Error', unset: 'Unset' };
/** What ClickHouse's toFloat64OrNull reads as a number (no spaces, no hex). */
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A span's attribute as the filter sees it: the span's value and its resource's, either absent. */
export type AttributeLookup = (scope: 'span' | 'resource', key: string) => string | undefined;

function numberOf(text: string | undefined): number | undefined {
  return text !== undefined && NUMBER.test(text) ? Number(text) : undefined;
}

/** Whether one value (present) meets the filter. */
function valueHolds(filter: AttributeFilter, value: string | undefined): boolean {
  switch (filter.op) {
    case 'exists':
      return value !== undefined;
    case 'eq':
    case 'tag':
      return value === filter.value;
    case 'ne':
      return value !== undefined && value !== filter.value;
    case 'contains':
      return value !== undefined && value.includes(filter.value);
    default: {
      const n = numberOf(value);
      if (n === undefined) return false;
      const bound = Number(filter.value);
      if (filter.op === 'gt') return n > bound;
      if (filter.op === 'ge') return n >= bound;
      if (filter.op === 'lt') return n < bound;
      return n <= bound;
    }
  }
}

/** The value that made the filter hold (the span's first, then its resource's); undefined when it does not. */
export function attributeMatch(filter: AttributeFilter, lookup: AttributeLookup): string | undefined {
  const own = lookup('span', filter.key);
  if (valueHolds(filter, own)) return own;
  const resource = lookup('resource', filter.key);
  return valueHolds(filter, resource) ? resource : undefined;
}

/** The filter's attributes as a span carries them; only called for spans that matched. */
export function matchedAttributes(filter: TailFilter, lookup: AttributeLookup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of filter.attributes) {
    const value = attributeMatch(a, lookup);
    if (value !== undefined) out[a.key] = value;
  }
  return out;
}

/**
 * A filter made ready for Native blocks: names compared as bytes, so a span that does
 * not match costs no string. `matches` is called for every stored span while someone
 * tails, so it is the path the ingest overhead bench measures.
 */
export class BlockFilter {
  private readonly service: Buffer | undefined;
  private readonly operation: Buffer | undefined;
  private readonly status: Buffer | undefined;
  private readonly minDurationNs: number | undefined;
  private readonly keys: Buffer[];

  constructor(readonly filter: TailFilter) {
    this.service = filter.service === undefined ? undefined : Buffer.from(filter.service);
    this.operation = filter.operation === undefined ? undefined : Buffer.from(filter.operation);
    this.status = filter.status === undefined ? undefined : Buffer.from(STORED_STATUS[filter.status]);
    this.minDurationNs = filter.minDurationNs === undefined ? undefined : Number(filter.minDurationNs);
    this.keys = filter.attributes.map((a) => Buffer.from(a.key));
  }

  matches(view: SpanBlockView, i: number): boolean {
    if (this.service !== undefined && !view.equals('ServiceName', i, this.service)) return false;
    if (this.operation !== undefined && !view.equals('SpanName', i, this.operation)) return false;
    if (this.status !== undefined && !view.equals('StatusCode', i, this.status)) return false;
    if (this.minDurationNs !== undefined && view.durationNs(i) < this.minDurationNs) return false;
    const { attributes } = this.filter;
    for (let a = 0; a < attributes.length; a++) {
      const key = this.keys[a]!;
      if (attributeMatch(attributes[a]!, (scope) => view.attribute(scope, i, key)) === undefined) return false;
    }
    return true;
  }

  matchedAttributes(view: SpanBlockView, i: number): Record<string, string> {
    return matchedAttributes(this.filter, (scope, key) => view.attribute(scope, i, Buffer.from(key)));
  }
}
