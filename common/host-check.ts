/**
 * The Host check every HTTP port makes before routing, against DNS rebinding: a web
 * page on the attacker's name, re-pointed at 127.0.0.1 or a LAN address, would
 * otherwise read the viewer's API and the SQL endpoint with the visitor's browser.
 * Its requests carry the attacker's name in Host, which is what this refuses.
 *
 * Allowed, with any port or none:
 * - any IP literal (127.0.0.1, [::1], 192.168.1.5): rebinding needs a name, and a
 *   page whose origin is an address is not the attacker's origin. This also keeps
 *   `--host 0.0.0.0` reachable by address and Kubernetes probes (Host = pod IP)
 *   working; Vite and webpack-dev-server allow the same;
 * - localhost and *.localhost, which browsers resolve to loopback themselves;
 * - the --host value when it is a name;
 * - the --public-host names; `*.example.com` matches any name below example.com.
 * No Host at all passes: only HTTP/1.0 may omit it (Node answers 400 to HTTP/1.1
 * without one), and browsers always send it.
 *
 * The gRPC port is not checked: a browser cannot make a gRPC call (it needs HTTP/2
 * trailers, and fetch speaks HTTP/2 only over TLS, where a rebound name fails the
 * certificate), the port only ingests, and gRPC clients put their dial target in
 * :authority, which behind service discovery is often a name nobody configured.
 */
import { isIP } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from './config';
import { HindsightError } from './errors';

export type HostCheck = (host: string | undefined) => boolean;

/** The name in a Host header or a configured entry: lower case, no port, no trailing dot, IPv6 without brackets. */
function hostName(value: string): string | undefined {
  const lower = value.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(lower);
  if (bracketed) return bracketed[1];
  if (isIP(lower) === 6) return lower;
  const named = /^([^:]+)(?::\d*)?$/.exec(lower);
  return named?.[1]?.replace(/\.$/, '');
}

export function hostCheck(config: Pick<Config, 'host' | 'publicHosts'>): HostCheck {
  const exact = new Set<string>(['localhost']);
  const suffixes = ['.localhost'];
  for (const entry of [config.host, ...config.publicHosts]) {
    const wildcard = entry.startsWith('*.');
    const name = hostName(wildcard ? entry.slice(2) : entry);
    if (name === undefined || name === '') continue;
    if (wildcard) suffixes.push(`.${name}`);
    else exact.add(name);
  }
  return (host) => {
    if (host === undefined || host === '') return true;
    const name = hostName(host);
    if (name === undefined) return false;
    return isIP(name) !== 0 || exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
  };
}

/** Longest Host echoed back in the refusal. */
const SHOWN_HOST_CHARS = 100;

/** 421 Misdirected Request, as JSON, before the body is read; the connection is not kept for another try. */
export function refuseMisdirected(req: IncomingMessage, res: ServerResponse): void {
  const host = (req.headers.host ?? '').slice(0, SHOWN_HOST_CHARS);
  const error = new HindsightError(
    'HS_MISDIRECTED',
    `this server does not answer to the name ${JSON.stringify(host)} (a guard against DNS rebinding); ` +
      `if clients reach it by that name, start Hindsight with --public-host ${JSON.stringify(hostName(host) ?? host)} (or HINDSIGHT_PUBLIC_HOSTS)`,
  );
  res.writeHead(error.httpStatus, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', Connection: 'close' });
  res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
}
