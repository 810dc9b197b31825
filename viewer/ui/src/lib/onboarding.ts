/**
 * The exporter settings the empty state offers, from the ports and address the server is
 * bound to (GET /api/v1/server): a user copies what this process actually receives on.
 */
import type { OtlpReceivers } from '../../../api/types';

export interface Snippet {
  title: string;
  text: string;
}

/** Where a client reaches the receivers: the bound address, or the page's host when bound to every interface. */
export function receiverHost(bound: string, pageHost: string): string {
  const wildcard = bound === '0.0.0.0' || bound === '::' || bound === '[::]' || bound === '';
  const host = wildcard ? pageHost || '127.0.0.1' : bound;
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function exporterSnippets(otlp: OtlpReceivers, pageHost: string): Snippet[] {
  const base = `${otlp.tls ? 'https' : 'http'}://${receiverHost(otlp.host, pageHost)}`;
  return [
    { title: 'OTLP/HTTP (protobuf)', text: `OTEL_EXPORTER_OTLP_ENDPOINT=${base}:${otlp.httpPort}\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf` },
    { title: 'OTLP/gRPC', text: `OTEL_EXPORTER_OTLP_ENDPOINT=${base}:${otlp.grpcPort}\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc` },
    { title: 'OpenTelemetry Collector', text: `exporters:\n  otlphttp/hindsight:\n    endpoint: ${base}:${otlp.httpPort}` },
  ];
}
