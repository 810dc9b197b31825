import { exporterSnippets, receiverHost } from '../../../../viewer/ui/src/lib/onboarding';

test("the receivers' host: the bound address, or the page's host when bound to every interface", () => {
  expect(receiverHost('127.0.0.1', 'example.test')).toBe('127.0.0.1');
  expect(receiverHost('0.0.0.0', 'traces.internal')).toBe('traces.internal');
  expect(receiverHost('::', '')).toBe('127.0.0.1');
  expect(receiverHost('::1', 'x')).toBe('[::1]');
});

test('the snippets name the bound ports and the scheme TLS asks for', () => {
  const [http, grpc, collector] = exporterSnippets({ host: '0.0.0.0', httpPort: 34318, grpcPort: 34317, tls: true }, 'box');
  expect(http!.text).toBe('OTEL_EXPORTER_OTLP_ENDPOINT=https://box:34318\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf');
  expect(grpc!.text).toBe('OTEL_EXPORTER_OTLP_ENDPOINT=https://box:34317\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc');
  expect(collector!.text).toContain('endpoint: https://box:34318');
});
