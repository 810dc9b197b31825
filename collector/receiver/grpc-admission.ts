/**
 * What an OTLP/gRPC call must pass before and while its message arrives, as a
 * grpc-js server interceptor: the ingest token, checked from the metadata before
 * the message is read (grpc-js keeps the HTTP/2 stream paused until the handler
 * asks for the message, so a refused call holds at most its flow-control window);
 * the process-wide in-flight budget, taken as the message's bytes arrive; and the
 * request timeout, which cancels a call whose message has not arrived in time.
 *
 * Without it, grpc-js buffered a whole message before the handler could look at
 * the token, and a stalled message was held for as long as its client liked.
 */
import * as http2 from 'node:http2';
import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { asHindsightError, HindsightError } from '../../common/errors';
import type { Metrics } from '../../common/metrics';
import type { AuthResult, Authenticator } from '../../common/auth';
import { authError } from '../../common/auth-errors';
import { budgetExhausted, evictedForRoom, type InflightBudget } from './inflight';
import { countGrpcStatus, grpcStatusOf } from './grpc-status';

export interface AdmissionDeps {
  auth?: Authenticator | undefined;
  inflight: InflightBudget;
  /** A call's message must have arrived within this time (--http-request-timeout-ms). */
  timeoutMs: number;
  /** Reserved whole for a call whose bytes cannot be counted as they arrive. */
  maxBodyBytes: number;
  metrics: Metrics;
}

export function admissionInterceptor(deps: AdmissionDeps): grpc.ServerInterceptor {
  return (_method, call) => admit(call, deps);
}

function admit(call: grpc.ServerInterceptingCallInterface, deps: AdmissionDeps): grpc.ServerInterceptingCall {
  const stream = http2StreamOf(call);
  let ended = false;
  let arrived = 0;
  const reservation = deps.inflight.open(() => refuse(grpcStatusOf(evictedForRoom())));
  const timer = setTimeout(() => refuse(timedOut(deps.timeoutMs)), deps.timeoutMs);
  const onData = (chunk: Buffer): void => {
    arrived += chunk.length;
    if (!reservation.take(chunk.length)) refuse(grpcStatusOf(budgetExhausted()));
  };
  stream?.on('data', onData);

  const end = (): void => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    stream?.off('data', onData);
    reservation.release();
  };
  const refuse = (status: grpc.StatusObject): void => {
    if (ended) return;
    countGrpcStatus(deps.metrics, status.code);
    intercepted.sendStatus(status);
    end();
    // After a complete response, RST_STREAM(NO_ERROR) tells the client to stop sending
    // (RFC 9113 §8.1), and closing the stream frees what grpc-js buffered of the message.
    if (stream && !stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
  };
  const authorized = (metadata: grpc.Metadata): Promise<AuthResult> =>
    deps.auth ? deps.auth.check(metadata.get('authorization')[0]?.toString(), call.getConnectionInfo().remoteAddress ?? '') : Promise.resolve('ok');

  const listener = new grpc.ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      void authorized(metadata).then(
        (result) => {
          if (result !== 'ok') return refuse(grpcStatusOf(authError(result)));
          if (stream === undefined) {
            if (!reservation.take(deps.maxBodyBytes)) return refuse(grpcStatusOf(budgetExhausted()));
            arrived = deps.maxBodyBytes;
          }
          next(metadata);
        },
        (err: unknown) => refuse(grpcStatusOf(asHindsightError(err))),
      );
    })
    .withOnReceiveMessage((message: Buffer, next) => {
      // A compressed message is inflated once whole: what it grew by is taken now.
      if (!reservation.take(Math.max(0, message.length - arrived))) return refuse(grpcStatusOf(budgetExhausted()));
      reservation.received();
      next(message);
    })
    .withOnReceiveHalfClose((next) => {
      clearTimeout(timer);
      next();
    })
    .withOnCancel(end)
    .build();
  const intercepted = new grpc.ServerInterceptingCall(
    call,
    new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        end();
        next(status);
      })
      .build(),
  );
  return intercepted;
}

function timedOut(timeoutMs: number): grpc.StatusObject {
  return grpcStatusOf(new HindsightError('HS_REQUEST_TIMEOUT', `the request did not arrive within ${timeoutMs} ms`));
}

/**
 * The HTTP/2 stream under a call. grpc-js offers no public way to see a message's
 * bytes before it is whole, nor to stop a stream, so this reads the stream its base
 * call keeps (grpc-js 1.14, when this interceptor is the first). Without it the call
 * reserves the largest body up front: safe, but it admits far fewer calls, and
 * tests/integration/dos-memory.test.ts fails.
 */
function http2StreamOf(call: grpc.ServerInterceptingCallInterface): http2.ServerHttp2Stream | undefined {
  const stream: unknown = (call as unknown as { stream?: unknown }).stream;
  return stream instanceof Duplex && 'respond' in stream && 'session' in stream ? (stream as http2.ServerHttp2Stream) : undefined;
}
