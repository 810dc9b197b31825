/**
 * All view state lives in the URL, so a link reproduces the view: search filters
 * on /search, and the selected span, find text, time window and collapsed spans on
 * /trace/{id}.
 */
import { STATUS_FILTERS, TRACE_SORTS, type StatusFilter, type TraceSort } from '../../../api/types';
import { STAT_COLUMNS, STAT_GROUPINGS, type StatColumn, type StatGrouping } from '../../../model/trace-stats';

export interface SearchState {
  service: string;
  /** Further services the traces must also have spans of (repeated `service` in the URL, as the map's edges ask). */
  withServices: string[];
  operation: string;
  attrs: string[];
  minDuration: string;
  maxDuration: string;
  /** '' for any status. */
  status: '' | StatusFilter;
  /** A preset such as 1h, or '' when start/end are set. */
  lookback: string;
  /** Unix milliseconds, as text; '' unless a custom range is chosen. */
  start: string;
  end: string;
  limit: number;
  sort: TraceSort;
}

export const DEFAULT_SEARCH: SearchState = {
  service: '',
  withServices: [],
  operation: '',
  attrs: [],
  minDuration: '',
  maxDuration: '',
  status: '',
  lookback: '1h',
  start: '',
  end: '',
  limit: 20,
  sort: 'newest',
};

/** Unix milliseconds; anything else in a hand-edited link falls back to the default range instead of breaking the page. */
const UNIX_MS = /^\d{1,15}$/;

/** Narrows text from a hand-editable URL to one of an enumeration's values. */
function isOneOf<T extends string>(values: readonly T[], text: string): text is T {
  return (values as readonly string[]).includes(text);
}

export function decodeSearch(params: URLSearchParams): SearchState {
  const status = params.get('status') ?? '';
  const sort = params.get('sort') ?? 'newest';
  const limit = Number(params.get('limit') ?? DEFAULT_SEARCH.limit);
  const start = UNIX_MS.test(params.get('start') ?? '') ? params.get('start')! : '';
  const end = start && UNIX_MS.test(params.get('end') ?? '') ? params.get('end')! : '';
  const [service = '', ...withServices] = params.getAll('service').filter((s) => s !== '');
  return {
    service,
    withServices: service ? [...new Set(withServices)].filter((s) => s !== service) : [],
    operation: params.get('operation') ?? '',
    attrs: params.getAll('attr').filter((a) => a !== ''),
    minDuration: params.get('minDuration') ?? '',
    maxDuration: params.get('maxDuration') ?? '',
    status: isOneOf(STATUS_FILTERS, status) ? status : '',
    lookback: start ? '' : (params.get('lookback') ?? DEFAULT_SEARCH.lookback),
    start,
    end,
    limit: Number.isInteger(limit) && limit >= 1 && limit <= 1000 ? limit : DEFAULT_SEARCH.limit,
    sort: isOneOf(TRACE_SORTS, sort) ? sort : 'newest',
  };
}

/** Only what differs from the defaults, so URLs stay short; the API takes the same names. */
export function encodeSearch(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.service) {
    params.set('service', state.service);
    for (const s of state.withServices) params.append('service', s);
  }
  if (state.operation) params.set('operation', state.operation);
  for (const a of state.attrs) params.append('attr', a);
  if (state.minDuration) params.set('minDuration', state.minDuration);
  if (state.maxDuration) params.set('maxDuration', state.maxDuration);
  if (state.status) params.set('status', state.status);
  if (state.start) {
    params.set('start', state.start);
    if (state.end) params.set('end', state.end);
  } else if (state.lookback && state.lookback !== DEFAULT_SEARCH.lookback) params.set('lookback', state.lookback);
  if (state.limit !== DEFAULT_SEARCH.limit) params.set('limit', String(state.limit));
  if (state.sort !== 'newest') params.set('sort', state.sort);
  return params;
}

/** The API query for a search: the URL's, with the default lookback made explicit. */
export function searchApiParams(state: SearchState): URLSearchParams {
  const params = encodeSearch(state);
  if (!state.start && !params.has('lookback')) params.set('lookback', state.lookback || DEFAULT_SEARCH.lookback);
  return params;
}

export interface TraceViewState {
  span: string;
  find: string;
  /** The selected time window as fractions of the trace, or undefined for all of it. */
  window: [number, number] | undefined;
  /** Spans whose children are hidden, in the order they were collapsed. */
  collapsed: string[];
  /** The waterfall's name column in CSS pixels, when the link sets it (else the remembered width). */
  names: number | undefined;
  /** Which view of the trace: the waterfall (the default), statistics or the flame graph. */
  view: TraceView;
  /** Statistics: grouped by service or by service + operation, sorted by a column, filtered by a text. */
  group: StatGrouping;
  sort: StatColumn;
  ascending: boolean;
  filter: string;
  /** Flame graph: the frame zoomed on, or undefined for the whole trace. */
  zoom: number | undefined;
}

/** Bounds of a name column width, in CSS pixels. */
export const NAME_WIDTH = { min: 120, max: 2000 } as const;

/** A width in whole pixels within bounds, or undefined. */
export function parseNameWidth(text: string | null): number | undefined {
  if (!text || !/^\d{1,4}$/.test(text)) return undefined;
  const px = Number(text);
  return px >= NAME_WIDTH.min && px <= NAME_WIDTH.max ? px : undefined;
}

export const TRACE_VIEWS = ['waterfall', 'stats', 'flame'] as const;
export type TraceView = (typeof TRACE_VIEWS)[number];

export const DEFAULT_TRACE_VIEW: TraceViewState = {
  span: '',
  find: '',
  window: undefined,
  collapsed: [],
  view: 'waterfall',
  group: 'operation',
  sort: 'total',
  ascending: false,
  filter: '',
  zoom: undefined,
  names: undefined,
};

const SPAN_ID = /^[0-9a-f]{1,16}$/;

export function decodeTraceView(params: URLSearchParams): TraceViewState {
  const w = /^(0(?:\.\d+)?|1(?:\.0+)?)-(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(params.get('window') ?? '');
  const window: [number, number] | undefined = w && Number(w[1]) < Number(w[2]) ? [Number(w[1]), Number(w[2])] : undefined;
  // One comma-separated parameter: span ids are hex, and a repeated parameter per span made long URLs longer.
  const collapsed = [...new Set((params.get('collapsed') ?? '').split(',').filter((id) => SPAN_ID.test(id)))];
  const view = params.get('view') ?? '';
  const group = params.get('group') ?? '';
  const [sort = '', order = ''] = (params.get('sort') ?? '').split('-');
  const zoom = /^\d{1,9}$/.test(params.get('zoom') ?? '') ? Number(params.get('zoom')) : undefined;
  return {
    span: params.get('span') ?? '',
    find: params.get('find') ?? '',
    window,
    collapsed,
    view: isOneOf(TRACE_VIEWS, view) ? view : 'waterfall',
    group: isOneOf(STAT_GROUPINGS, group) ? group : 'operation',
    sort: isOneOf(STAT_COLUMNS, sort) ? sort : 'total',
    ascending: order === 'asc',
    filter: params.get('filter') ?? '',
    zoom,
    names: parseNameWidth(params.get('names')),
  };
}

export function encodeTraceView(state: TraceViewState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.span) params.set('span', state.span);
  if (state.find) params.set('find', state.find);
  if (state.window) params.set('window', `${state.window[0].toFixed(4)}-${state.window[1].toFixed(4)}`);
  if (state.collapsed.length > 0) params.set('collapsed', state.collapsed.join(','));
  if (state.names !== undefined) params.set('names', String(Math.round(state.names)));
  if (state.view !== 'waterfall') params.set('view', state.view);
  if (state.group !== 'operation') params.set('group', state.group);
  if (state.sort !== 'total' || state.ascending) params.set('sort', `${state.sort}-${state.ascending ? 'asc' : 'desc'}`);
  if (state.filter) params.set('filter', state.filter);
  if (state.zoom !== undefined) params.set('zoom', String(state.zoom));
  return params;
}
