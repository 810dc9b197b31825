/**
 * The HTTP side of every port a process opens (OTLP/HTTP and the viewer): server
 * creation with its timeouts, the Host check, the connection cap, the TLS handshake
 * timeout, and the orderly close. Both halves listen the same way, so this lives
 * beside the checks it applies rather than in either half.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from './config';
import { hostCheck, refuseMisdirected } from './host-check';
import { connectionCap } from './connections';

export type ListenConfig = Pick<Config, 'httpHeaderTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs' | 'host' | 'publicHosts' | 'maxConnections'>;

/**
 * An HTTP server, or HTTPS when a certificate is configured. Slow or idle clients
 * cannot hold it: a TLS handshake and then the headers must each arrive within the
 * header timeout (which also closes connections that never send a request), a
 * whole request within the request timeout (slowloris bodies get 408), and an idle
 * kept-alive connection closes after the keep-alive timeout, which is longer than
 * exporters' usual 5 s between batches so that they do not race the close. Past
 * the connection cap new connections are closed at once (see connections.ts), and
 * a request naming a host this server does not serve gets 421 (see host-check.ts).
 */
export function listen(app: Express, host: string, wanted: number, tls: { cert: Buffer; key: Buffer } | undefined, config: ListenConfig): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const options: http.ServerOptions = {
      headersTimeout: config.httpHeaderTimeoutMs,
      requestTimeout: Math.max(config.httpRequestTimeoutMs, config.httpHeaderTimeoutMs),
      keepAliveTimeout: config.httpKeepAliveTimeoutMs,
      // How often those timeouts are checked; Node's default of 30 s would let them overrun.
      connectionsCheckingInterval: Math.min(1000, config.httpHeaderTimeoutMs),
    };
    const allowsHost = hostCheck(config);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      if (allowsHost(req.headers.host)) app(req, res);
      else refuseMisdirected(req, res);
    };
    // The handshake comes before any HTTP parsing, so headersTimeout does not cover it; Node's own default is 120 s.
    const server = tls ? https.createServer({ ...tls, ...options, handshakeTimeout: config.httpHeaderTimeoutMs }, handler) : http.createServer(options, handler);
    server.maxConnections = connectionCap(config);
    server.listen(wanted, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

export function port(server: HttpServer): number {
  return (server.address() as AddressInfo).port;
}

/** A request still open this long after a shutdown began has its connection cut. */
const SHUTDOWN_GRACE_MS = 2000;

/**
 * Lets requests in flight finish (they wait for their inserts, which the writer
 * flushes at once), closes kept-alive connections, and after the grace cuts what
 * is left: a client that stopped reading a long result, or a socket Node no
 * longer counts as idle after its response was destroyed (seen with an aborted
 * fetch of an endless SQL result: without the cut, shutdown waited 62 s).
 */
export function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
