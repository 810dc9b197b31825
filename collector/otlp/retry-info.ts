/**
 * google.rpc.Status carrying a google.rpc.RetryInfo detail, the grpc-status-details-bin
 * that tells OTLP/gRPC exporters a RESOURCE_EXHAUSTED or UNAVAILABLE is worth retrying
 * and after how long. Three small messages, so they are written with protobufjs's
 * Writer here rather than given .proto files of their own.
 */
import { Writer } from 'protobufjs';

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

export function retryInfoDetails(code: number, message: string, retryAfterSeconds: number): Buffer {
  // google.protobuf.Duration { int64 seconds = 1; }
  const duration = Writer.create().uint32(8).int64(retryAfterSeconds).finish();
  // google.rpc.RetryInfo { Duration retry_delay = 1; }
  const retryInfo = Writer.create().uint32(10).bytes(duration).finish();
  // google.protobuf.Any { string type_url = 1; bytes value = 2; }
  const any = Writer.create().uint32(10).string(RETRY_INFO_TYPE_URL).uint32(18).bytes(retryInfo).finish();
  // google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  const status = Writer.create().uint32(8).int32(code).uint32(18).string(message).uint32(26).bytes(any).finish();
  return Buffer.from(status);
}
