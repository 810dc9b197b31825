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
  cached = {
    root,
    ExportTraceServiceRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    ExportTraceServiceResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    Status: root.lookupType('google.rpc.Status'),
  };
  return cached;
}
