import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

/** proto/ at the package root, found from wherever this module runs (source under jest, dist/ when built). */
export function protoDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'proto', 'opentelemetry');
    if (fs.existsSync(candidate)) return path.join(dir, 'proto');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`proto/ not found above ${__dirname}`);
    dir = parent;
  }
}

export interface OtlpTypes {
  root: protobuf.Root;
  ExportTraceServiceRequest: protobuf.Type;
  ExportTraceServiceResponse: protobuf.Type;
  Status: protobuf.Type;
}

let cached: OtlpTypes | undefined;

/** The OTLP message types, loaded once from proto/ (reflection, no generated code). */
export function otlpTypes(): OtlpTypes {
  if (cached) return cached;
  const dir = protoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(dir, target);
  root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'google/rpc/status.proto']);
  root.resolveAll();
  flattenAnyValueOneof(root.lookupType('opentelemetry.proto.common.v1.AnyValue'));
  cached = {
    root,
    ExportTraceServiceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    ExportTraceServiceResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    Status: root.lookupType('google.rpc.Status'),
  };
  return cached;
}

/**
 * protobufjs tracks which member of a oneof is set through a setter that deletes
 * the sibling properties on every decode; every decoded AnyValue (one per
 * attribute) then drops into V8's slow dictionary mode. Measured on SDK-made
 * requests, that cost more than the rest of decoding and normalizing together.
 * Detached from the oneof and given explicit presence (as `optional` fields have),
 * each member decodes as a plain assignment, also when it holds its default
 * (false, 0, ""), so a member that was on the wire is an own property of the
 * decoded message: that is how protobufLeaves tells which one is set.
 */
function flattenAnyValueOneof(anyValue: protobuf.Type): void {
  for (const oneof of anyValue.oneofsArray) {
    for (const field of [...oneof.fieldsArray]) {
      oneof.remove(field);
      const resolved = field as unknown as { _features: Record<string, unknown> };
      resolved._features = { ...resolved._features, field_presence: 'EXPLICIT' };
    }
    anyValue.remove(oneof);
  }
}
