/** Raw OTLP requests over real sockets, for tests about what exporters would never send. */
import * as grpc from '@grpc/grpc-js';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<RawResponse> {
  const response = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

export const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface GrpcResult {
  error: grpc.ServiceError | null;
  response: Buffer | undefined;
}

/** One Export call with raw bytes, as a misbehaving client could send them. */
export function grpcExport(
  address: string,
  body: Buffer,
  options: grpc.ChannelOptions = {},
  extra: { metadata?: Record<string, string>; credentials?: grpc.ChannelCredentials } = {},
): Promise<GrpcResult> {
  const client = new grpc.Client(address.replace(/^https?:\/\//, ''), extra.credentials ?? grpc.credentials.createInsecure(), options);
  const identity = (b: Buffer): Buffer => b;
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(extra.metadata ?? {})) metadata.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(EXPORT_PATH, identity, identity, body, metadata, (error, response) => {
      client.close();
      resolve({ error, response });
    });
  });
}
