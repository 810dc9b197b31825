/**
 * OTLP/gRPC: opentelemetry.proto.collector.trace.v1.TraceService/Export.
 *
 * The method path comes from the service in proto/ (loaded by protobufjs); grpc-js
 * hands over the raw message bytes (gzip already inflated, within the size limit)
 * and TraceIngest decodes them, so both transports share one decoder.
 */
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../../common/config';
import type { Metrics } from '../../common/metrics';
import type { TraceIngest } from '../ingest/pipeline';
import { encodeResponse } from '../otlp/responses';
import { otlpTypes } from '../otlp/proto';
import type { Authenticator } from '../../common/auth';
import { admissionInterceptor } from './grpc-admission';
import { countGrpcStatus, grpcStatusOf } from './grpc-status';
import type { InflightBudget } from './inflight';

const SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';

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
  config: Pick<Config, 'maxBodyBytes' | 'httpKeepAliveTimeoutMs' | 'httpRequestTimeoutMs' | 'grpcMaxStreams'>;
  auth?: Authenticator | undefined;
  ingest: TraceIngest;
  metrics: Metrics;
  /** Request-body bytes being received, shared with OTLP/HTTP. */
  inflight: InflightBudget;
}

export function otlpGrpcServer(deps: GrpcReceiverDeps): grpc.Server {
  const { config, metrics } = deps;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.maxBodyBytes,
    // Connections with no call in flight are closed like idle HTTP keep-alives.
    'grpc.max_connection_idle_ms': config.httpKeepAliveTimeoutMs,
    // grpc-js allows unlimited streams per connection by default.
    'grpc.max_concurrent_streams': config.grpcMaxStreams,
    // The token, the in-flight budget and the timeout are checked by the interceptor, before and while the message arrives.
    interceptors: [admissionInterceptor({ auth: deps.auth, inflight: deps.inflight, timeoutMs: config.httpRequestTimeoutMs, maxBodyBytes: config.maxBodyBytes, metrics })],
  });
  const exportHandler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    void deps.ingest.export(call.request, 'protobuf', 'grpc').then((result) => {
      if (result.ok) {
        countGrpcStatus(metrics, grpc.status.OK);
        callback(null, encodeResponse(result.partial, 'protobuf'));
      } else {
        countGrpcStatus(metrics, result.error.grpcStatus);
        callback(grpcStatusOf(result.error));
      }
    });
  };
  server.addService(traceServiceDefinition(), { Export: exportHandler });
  return server;
}
