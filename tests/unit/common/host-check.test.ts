import { hostCheck } from '../../../common/host-check';

describe('hostCheck', () => {
  const loopbackOnly = hostCheck({ host: '127.0.0.1', publicHosts: [] });
  const exposed = hostCheck({ host: '0.0.0.0', publicHosts: ['traces.example.com', 'Hindsight.', '*.svc.cluster.local'] });
  const named = hostCheck({ host: 'collector.internal', publicHosts: [] });

  test.each([
    'localhost',
    'localhost:16686',
    'LOCALHOST:4318',
    'localhost.',
    'app.localhost:5173',
    '127.0.0.1',
    '127.0.0.1:4318',
    '127.45.6.7:16686',
    '[::1]',
    '[::1]:16686',
    '::1',
    '192.168.1.20:16686',
    '[fe80::1]:4318',
    '10.0.0.7',
  ])('serves %s whatever the configured names', (host) => {
    expect(loopbackOnly(host)).toBe(true);
    expect(exposed(host)).toBe(true);
  });

  test.each([
    'evil.example',
    'evil.example:16686',
    'localhost.evil.example',
    '127.0.0.1.nip.io:16686',
    'localhost@evil.example',
    'localhost:abc',
    '[::1]:x',
    'traces.example.com.evil.example',
    '2130706433',
    'evilsvc.cluster.local',
  ])('refuses %s', (host) => {
    expect(loopbackOnly(host)).toBe(false);
    expect(exposed(host)).toBe(false);
  });

  test('--public-host names are served, with any port, in any case, and * matches the names below', () => {
    expect(loopbackOnly('traces.example.com')).toBe(false);
    expect(exposed('traces.example.com')).toBe(true);
    expect(exposed('TRACES.example.com:443')).toBe(true);
    expect(exposed('hindsight:4318')).toBe(true);
    expect(exposed('hindsight-collector.observability.svc.cluster.local:4317')).toBe(true);
    expect(exposed('svc.cluster.local')).toBe(false);
  });

  test('a --host that is a name is served', () => {
    expect(named('collector.internal:4318')).toBe(true);
    expect(loopbackOnly('collector.internal:4318')).toBe(false);
  });

  test('no Host (HTTP/1.0) is served: browsers always send one', () => {
    expect(loopbackOnly(undefined)).toBe(true);
    expect(loopbackOnly('')).toBe(true);
  });
});
