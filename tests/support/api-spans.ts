/** Spans as the query API returns them, for the viewer's model and library tests. */
import type { Span } from '../../viewer/api/types';

/** An internal span of service `svc`, 1 ns long at time 0, with nothing else set; overrides win. */
export function makeApiSpan(overrides: Partial<Span>): Span {
  return {
    traceId: 'ab'.repeat(16),
    spanId: '0000000000000001',
    parentSpanId: '',
    traceState: '',
    name: 'op',
    kind: 'Internal',
    service: 'svc',
    startNs: '0',
    durationNs: '1',
    statusCode: 'Unset',
    statusMessage: '',
    attributes: {},
    resource: {},
    scope: { name: '', version: '' },
    events: [],
    links: [],
    ...overrides,
  };
}
