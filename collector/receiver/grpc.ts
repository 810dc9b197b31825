/**
 * OTLP/gRPC: opentelemetry.proto.collector.trace.v1.TraceService/Export.
 *
 * The method path comes from the service in proto/ (loaded by protobufjs); grpc-js
 * hands over the raw message bytes (gzip already inflated, within the size limit)
 * and TraceIngest decodes them, so both transports share one decoder.
 */
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../config';
import type { HindsightError } from '../errors';
import type { Metrics } from '../metrics';
import type { TraceIngest } from '../ingest';
import { encodeResponse } from '../otlp/codec';
import { otlpTypes } from '../otlp/proto';
import { retryInfoDetails } from '../otlp/retry-info';
import type { AuthResult, Authenticator } from '../auth';
import { authError } from './auth-errors';

const SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';

const CODE_NAMES = new Map<number, string>(
  Object.entries(grpc.status).flatMap(([name, code]) => (typeof code === 'number' ? [[code, name] as [number, string]] : [])),
);

function traceServiceDefinition(): grpc.ServiceDefinition {
  const method = otlpTypes().root.lookupService(SERVICE).methods['Export'];
  if (method === undefined) throw new Error(`${SERVICE} in proto/ has no Export method`);
  const identity = (b: Buffer): Buffer => b;
  return {
    Export: {
      path: `/${SERVICE}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: 'export',
    },
  };
}

export interface GrpcReceiverDeps {
  config: Pick<Config, 'maxBodyBytes' | 'httpKeepAliveTimeoutMs'>;
  auth?: Authenticator | undefined;
  ingest: TraceIngest;
  metrics: Metrics;
}

export function otlpGrpcServer(deps: GrpcReceiverDeps): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': deps.config.maxBodyBytes,
    // Connections with no call in flight are closed like idle HTTP keep-alives.
    'grpc.max_connection_idle_ms': deps.config.httpKeepAliveTimeoutMs,
  });
  const exportHandler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    const authorized = deps.auth
      ? deps.auth.check(call.metadata.get('authorization')[0]?.toString(), call.getPeer().replace(/:\d+$/, ''))
      : Promise.resolve<AuthResult>('ok');
    void authorized.then((auth) => (auth === 'ok' ? deps.ingest.export(call.request, 'protobuf', 'grpc') : { ok: false as const, error: authError(auth) })).then((result) => {
      if (result.ok) {
        deps.metrics.requests.inc({ transport: 'grpc', status: 'OK' });
        callback(null, encodeResponse(result.partial, 'protobuf'));
      } else {
        deps.metrics.requests.inc({ transport: 'grpc', status: CODE_NAMES.get(result.error.grpcStatus) ?? String(result.error.grpcStatus) });
        callback(grpcError(result.error));
      }
    });
  };
  server.addService(traceServiceDefinition(), { Export: exportHandler });
  return server;
}

/** A failure as OTLP/gRPC returns it; retryable ones carry RetryInfo, as the specification asks. */
function grpcError(error: HindsightError): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (error.retryAfterSeconds !== undefined) {
    metadata.set('grpc-status-details-bin', retryInfoDetails(error.grpcStatus, error.message, error.retryAfterSeconds));
  }
  return { code: error.grpcStatus, details: error.message, metadata };
}

export function bindGrpc(server: grpc.Server, host: string, port: number, tls?: { cert: Buffer; key: Buffer }): Promise<number> {
  const credentials = tls ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }], false) : grpc.ServerCredentials.createInsecure();
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}
