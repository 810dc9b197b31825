/**
 * The gRPC port's listening socket, owned here instead of by grpc-js: grpc-js
 * offers no connection cap, and its TLS server keeps Node's 120 s handshake
 * timeout with no option to change it. A net server (or a TLS server doing the
 * handshake, ALPN h2) with maxConnections and handshakeTimeout accepts each
 * connection and hands it to grpc-js's connection injector, which serves HTTP/2
 * on it exactly as on a port it bound itself, with the same server options.
 *
 * Rejected: reaching into grpc-js's private map of its own HTTP/2 servers to set
 * maxConnections, which the next release may rename.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';

export interface GrpcListener {
  port: number;
  /** Stops accepting; resolves once every connection it accepted has closed (grpc-js's shutdown closes them). */
  close(): Promise<void>;
}

export interface GrpcListenOptions {
  host: string;
  port: number;
  tls: { cert: Buffer; key: Buffer } | undefined;
  maxConnections: number;
  /** A TLS connection that has not completed its handshake by then is closed. */
  handshakeTimeoutMs: number;
}

export function listenGrpc(server: grpc.Server, options: GrpcListenOptions): Promise<GrpcListener> {
  // TLS ends here, so grpc-js sees a connection whose bytes are already HTTP/2.
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const hand = (socket: net.Socket): void => {
    // An HTTP/2 server leaves errors on its sockets to its owner (nodejs/node#35824); the session sees the close.
    socket.on('error', () => undefined);
    injector.injectConnection(socket);
  };
  const listener = options.tls ? tlsListener(options.tls, options.handshakeTimeoutMs, hand) : net.createServer({ noDelay: true }, hand);
  listener.maxConnections = options.maxConnections;
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => {
      listener.off('error', reject);
      resolve({
        port: (listener.address() as net.AddressInfo).port,
        close: () => new Promise((done) => listener.close(() => done())),
      });
    });
  });
}

function tlsListener(credentials: { cert: Buffer; key: Buffer }, handshakeTimeoutMs: number, hand: (socket: net.Socket) => void): tls.Server {
  const listener = tls.createServer({ ...credentials, ALPNProtocols: ['h2'], handshakeTimeout: handshakeTimeoutMs }, hand);
  // A TLS server only reports a failed or timed-out handshake; closing the socket is left to its owner.
  listener.on('tlsClientError', (_error, socket) => socket.destroy());
  return listener;
}
