/**
 * The app's location as reactive state. Paths follow Jaeger UI (/search,
 * /trace/{id}) so links carry over; query strings hold each page's state.
 */

export type Route =
  | { page: 'search' }
  | { page: 'sql' }
  | { page: 'dependencies' }
  | { page: 'anomalies' }
  | { page: 'live' }
  | { page: 'explain' }
  | { page: 'service'; service: string }
  | { page: 'trace'; traceId: string }
  | { page: 'compare'; a: string; b: string }
  | { page: 'notFound' };

function parse(pathname: string): Route {
  if (pathname === '/' || pathname === '/search') return { page: 'search' };
  if (pathname === '/sql') return { page: 'sql' };
  if (pathname === '/dependencies') return { page: 'dependencies' };
  if (pathname === '/anomalies') return { page: 'anomalies' };
  if (pathname === '/live') return { page: 'live' };
  if (pathname === '/explain') return { page: 'explain' };
  const service = /^\/service\/([^/]+)\/?$/.exec(pathname);
  if (service) return { page: 'service', service: decodeURIComponent(service[1]!) };
  const trace = /^\/trace\/([0-9a-fA-F]{1,32})\/?$/.exec(pathname);
  if (trace) return { page: 'trace', traceId: trace[1]!.toLowerCase() };
  // /compare alone, or with one id, is the form that asks for the missing ones.
  const compare = /^\/compare(?:\/([^/]*))?(?:\/([^/]*))?\/?$/.exec(pathname);
  if (compare) return { page: 'compare', a: decodeURIComponent(compare[1] ?? ''), b: decodeURIComponent(compare[2] ?? '') };
  return { page: 'notFound' };
}

class Location {
  route = $state<Route>(parse(window.location.pathname));
  params = $state(new URLSearchParams(window.location.search));

  constructor() {
    window.addEventListener('popstate', () => this.sync());
  }

  private sync(): void {
    this.route = parse(window.location.pathname);
    this.params = new URLSearchParams(window.location.search);
  }

  /** A new history entry (a new view). */
  go(path: string, params?: URLSearchParams): void {
    const query = params && params.size > 0 ? `?${params}` : '';
    window.history.pushState(null, '', `${path}${query}`);
    this.sync();
  }

  /** The same view, new details (selection, find text): no history entry per keystroke. */
  replaceParams(params: URLSearchParams): void {
    const query = params.size > 0 ? `?${params}` : '';
    window.history.replaceState(null, '', `${window.location.pathname}${query}`);
    this.params = new URLSearchParams(window.location.search);
  }
}

export const location = new Location();

/** Plain-click navigation for app links; modified clicks keep the browser's behaviour (new tab). */
export function navigate(event: MouseEvent, href: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const url = new URL(href, window.location.origin);
  location.go(url.pathname, url.searchParams);
}
