/**
 * The Live page's logic, apart from its rendering: its filters in the URL (the search
 * page's names, so a search's filters carry over), the bounded list of rows, and what a
 * pause missed.
 */
import { STATUS_FILTERS, type StatusFilter, type TailSpan } from '../../../api/types';

export interface LiveFilters {
  service: string;
  operation: string;
  attrs: string[];
  minDuration: string;
  /** '' for any status. */
  status: '' | StatusFilter;
  /** The stream's most span events a second ('' for the server's default); only in the URL. */
  maxRate: string;
}

/** Rows kept in the page: the oldest go as new ones come, so the DOM stays small however long it runs. */
export const MAX_ROWS = 500;

export function decodeLive(params: URLSearchParams): LiveFilters {
  const status = params.get('status') ?? '';
  return {
    service: params.get('service') ?? '',
    operation: params.get('operation') ?? '',
    attrs: params.getAll('attr').filter((a) => a !== ''),
    minDuration: params.get('minDuration') ?? '',
    status: (STATUS_FILTERS as readonly string[]).includes(status) ? (status as StatusFilter) : '',
    maxRate: params.get('maxRate') ?? '',
  };
}

/** The URL's query and the tail's: the same names. */
export function encodeLive(filters: LiveFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.service) params.set('service', filters.service);
  if (filters.operation) params.set('operation', filters.operation);
  for (const a of filters.attrs) params.append('attr', a);
  if (filters.minDuration) params.set('minDuration', filters.minDuration);
  if (filters.status) params.set('status', filters.status);
  if (filters.maxRate) params.set('maxRate', filters.maxRate);
  return params;
}

export interface LiveRow {
  /** Unique in the page: the same span may come twice (a retried export stored twice). */
  key: number;
  span: TailSpan;
}

/** The feed's state: rows newest first, and while paused, the spans that went by. */
export interface LiveState {
  rows: LiveRow[];
  nextKey: number;
  paused: boolean;
  /** Spans (not events: a sampled event stands for several) that arrived while paused. */
  missed: number;
}

export const EMPTY_LIVE: LiveState = { rows: [], nextKey: 0, paused: false, missed: 0 };

/** Spans that arrived: shown at the top, or counted while paused. */
export function arrived(state: LiveState, spans: TailSpan[], max = MAX_ROWS): LiveState {
  if (spans.length === 0) return state;
  if (state.paused) return { ...state, missed: state.missed + spans.reduce((n, s) => n + s.represents, 0) };
  let key = state.nextKey;
  const fresh = spans.map((span) => ({ key: key++, span })).reverse();
  return { ...state, rows: [...fresh, ...state.rows].slice(0, max), nextKey: key };
}

export function paused(state: LiveState, pause: boolean): LiveState {
  return { ...state, paused: pause, missed: 0 };
}
