/** The native API's OpenAPI 3.1 description, served at /api/v1/openapi.json. */
import { COMPARE_PRESENCES, DEPENDENCY_NODE_COUNTS, SPAN_KINDS, STATUS_CODES, STATUS_FILTERS, TRACE_SORTS } from './types';

const timeParameters = [
  { name: 'start', in: 'query', schema: { type: 'string' }, description: 'Unix milliseconds or RFC 3339; default end minus lookback' },
  { name: 'end', in: 'query', schema: { type: 'string' }, description: 'Unix milliseconds or RFC 3339; default now' },
  { name: 'lookback', in: 'query', schema: { type: 'string', default: '1h' }, description: 'a duration such as 15m, 1h, 2d; used when start is absent' },
];

/** The filters of a trace search, which "why are these slow?" takes too. */
const searchFilters = [
  { name: 'service', in: 'query', schema: { type: 'string' } },
  { name: 'operation', in: 'query', schema: { type: 'string' } },
  {
    name: 'attr',
    in: 'query',
    schema: { type: 'array', items: { type: 'string' } },
    explode: true,
    description:
      'repeatable; key=value, key!=value, key~=substring, key (exists), or key>N, key>=N, key<N, key<=N (compared as numbers); span or resource attributes. A filter that cannot be read is a 400 naming it',
  },
  { name: 'minDuration', in: 'query', schema: { type: 'string' }, description: 'e.g. 250us, 100ms, 1.5s' },
  { name: 'maxDuration', in: 'query', schema: { type: 'string' } },
  { name: 'status', in: 'query', schema: { enum: STATUS_FILTERS } },
];

/** In a trace search, `service` may repeat. */
const repeatedService = {
  name: 'service',
  in: 'query',
  schema: { type: 'array', items: { type: 'string' } },
  explode: true,
  description: 'repeatable: traces with spans of every service named (a caller and its callee); `operation` goes with the first',
};

const error = { description: 'Invalid parameter (400, naming it) or unknown trace (404)', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
const json = (ref: string): object => ({ description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
/** A 200 answer whose body is an object with these properties, described inline. */
const object = (properties: object): object => ({ description: 'OK', content: { 'application/json': { schema: { type: 'object', properties } } } });
const nsString = { type: 'string', pattern: '^[0-9]+$', description: 'nanoseconds, as a decimal string' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Hindsight query API',
    version: '1',
    description: 'Traces stored by Hindsight. Every time range is bounded (at most 31 days). A Jaeger-compatible API is also served under /api.',
  },
  paths: {
    '/api/v1/server': {
      get: {
        summary: "This process's OTLP receivers as bound (null when it runs only the viewer), for clients that found its API",
        responses: {
          '200': object({
            otlp: {
              oneOf: [
                { type: 'null' },
                {
                  type: 'object',
                  properties: { host: { type: 'string' }, httpPort: { type: 'integer' }, grpcPort: { type: 'integer' }, tls: { type: 'boolean' } },
                  required: ['host', 'httpPort', 'grpcPort', 'tls'],
                },
              ],
            },
          }),
        },
      },
    },
    '/api/v1/services': {
      get: { summary: 'Services with span count and error rate in a time range', parameters: timeParameters, responses: { '200': json('ServicesResponse'), '400': error } },
    },
    '/api/v1/services/{service}/operations': {
      get: {
        summary: 'Operations of a service, with their span kinds',
        parameters: [{ name: 'service', in: 'path', required: true, schema: { type: 'string' } }, ...timeParameters],
        responses: { '200': json('OperationsResponse'), '400': error },
      },
    },
    '/api/v1/services/{service}/metrics': {
      get: {
        summary: 'RED metrics of a service or one operation: rate, errors and duration percentiles per bucket, and a latency histogram',
        parameters: [{ name: 'service', in: 'path', required: true, schema: { type: 'string' } }, { name: 'operation', in: 'query', schema: { type: 'string' } }, ...timeParameters],
        responses: { '200': { description: 'OK', content: { 'application/json': {} } }, '400': error },
      },
    },
    '/api/v1/anomalies': {
      get: {
        summary: 'Latency anomalies (span outliers, window regressions) in a range, ranked by impact',
        parameters: [...timeParameters, { name: 'baselineDays', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 30, default: 7 } }],
        responses: { '200': { description: 'OK', content: { 'application/json': {} } }, '400': error },
      },
    },
    '/api/v1/dependencies': {
      get: {
        summary: 'The service dependency map: nodes with the requests each service served (calls in for external peers), edges with calls, errors and child-side latency percentiles',
        parameters: timeParameters,
        responses: { '200': json('DependenciesResponse'), '400': error },
      },
    },
    '/api/v1/attributes/keys': {
      get: {
        summary: 'Span and resource attribute keys seen recently, for autocompletion',
        parameters: [{ name: 'service', in: 'query', schema: { type: 'string' } }, ...timeParameters],
        responses: { '200': json('AttributeKeysResponse'), '400': error },
      },
    },
    '/api/v1/traces': {
      get: {
        summary: 'Search traces: those with a span meeting every filter',
        parameters: [
          repeatedService,
          ...searchFilters.filter((p) => p.name !== 'service'),
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 20 } },
          { name: 'sort', in: 'query', schema: { enum: TRACE_SORTS, default: 'newest' } },
          ...timeParameters,
        ],
        responses: { '200': json('TraceSearchResponse'), '400': error },
      },
    },
    '/api/v1/tail': {
      get: {
        summary:
          'The live tail: spans as they are stored, as Server-Sent Events (text/event-stream). A `hello` event (TailHello), then a `span` event (TailSpan) per span sent; past maxRate the stream samples and each event says how many matching spans it stands for (`represents`). A client that stops reading is dropped',
        parameters: [
          { name: 'service', in: 'query', schema: { type: 'string' } },
          { name: 'operation', in: 'query', schema: { type: 'string' } },
          { name: 'attr', in: 'query', schema: { type: 'array', items: { type: 'string' } }, explode: true, description: 'as in /api/v1/traces' },
          { name: 'minDuration', in: 'query', schema: { type: 'string' }, description: 'e.g. 250us, 100ms, 1.5s' },
          { name: 'status', in: 'query', schema: { enum: STATUS_FILTERS } },
          { name: 'maxRate', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, description: 'most span events a second' },
        ],
        responses: { '200': { description: 'text/event-stream: `event: hello` then `event: span` events, each `data:` one JSON object' }, '400': error, '429': error },
      },
    },
    '/api/v1/explain': {
      get: {
        summary:
          'Why are these slow? The traces a search matches (each as long as its slowest matching span), split at a threshold into slow and baseline; the attribute values over-represented in the slow ones and the span paths whose self time grows most, from a bounded sample of each group',
        parameters: [
          ...searchFilters,
          {
            name: 'threshold',
            in: 'query',
            schema: { type: 'string' },
            description: 'nanoseconds (268000000) or a duration (268ms); default: the 95th percentile of the matching traces, so the slowest 5% against the rest',
          },
          ...timeParameters,
        ],
        responses: { '200': json('ExplainResponse'), '400': error },
      },
    },
    '/api/v1/traces/{traceId}': {
      get: {
        summary: 'All spans of a trace, read from the partitions its time range covers',
        parameters: [{ name: 'traceId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-fA-F]{1,32}$' } }],
        responses: { '200': json('TraceResponse'), '400': error, '404': error },
      },
    },
    '/api/v1/traces/{traceId}/critical-path': {
      get: {
        summary: "The chain of spans that set the trace's end-to-end latency, with each segment's self time",
        parameters: [{ name: 'traceId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': object({
            traceId: { type: 'string' },
            segments: { type: 'array', items: { type: 'object', properties: { spanId: { type: 'string' }, start: nsString, end: nsString, selfTime: nsString } } },
            warnings: { type: 'array', items: { type: 'string' } },
          }),
          '400': error,
          '404': error,
        },
      },
    },
    '/api/v1/traces/{traceId}/outliers': {
      get: {
        summary: "Spans of the trace far slower than their operation's baseline of the last 7 days (z > 3 warning, z > 5 critical)",
        parameters: [{ name: 'traceId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': object({
            traceId: { type: 'string' },
            outliers: {
              type: 'array',
              items: { type: 'object', properties: { spanId: { type: 'string' }, z: { type: 'number' }, severity: { enum: ['warning', 'critical'] }, baselineP50Ns: { type: 'integer' } } },
            },
          }),
          '400': error,
          '404': error,
        },
      },
    },
    '/api/v1/compare': {
      get: {
        summary:
          "Two traces compared, as Jaeger's trace comparison: both span trees folded into call paths (service + operation under the parent's path) and merged; each path with its count and duration in A and B, whether it was added (only in B) or removed (only in A), and whether it or a path under it changed",
        parameters: [
          { name: 'a', in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9a-fA-F]{1,32}$' }, description: 'the first trace id (the baseline)' },
          { name: 'b', in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9a-fA-F]{1,32}$' }, description: 'the second trace id' },
        ],
        responses: { '200': json('CompareResponse'), '400': error, '404': { ...error, description: 'A trace id with no stored spans (the message names it)' } },
      },
    },
    '/api/v1/traces/{traceId}/otlp': {
      get: {
        summary: 'A trace as an OTLP/JSON ExportTraceServiceRequest (download)',
        parameters: [{ name: 'traceId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'OTLP/JSON', content: { 'application/json': {} } }, '400': error, '404': error },
      },
    },
  },
  components: {
    schemas: {
      ApiError: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, parameter: { type: 'string' } } } },
      },
      ServicesResponse: {
        type: 'object',
        properties: {
          services: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, spanCount: { type: 'integer' }, errorCount: { type: 'integer' }, errorRate: { type: 'number' } } },
          },
        },
      },
      DependenciesResponse: {
        type: 'object',
        properties: {
          windowSeconds: { type: 'integer' },
          nodes: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                kind: { enum: ['service', 'external'] },
                calls: { type: 'integer', description: "a service's requests served (server and consumer spans; with none, root spans); an external node's calls in. `counts` says which" },
                errors: { type: 'integer' },
                requestRate: { type: 'number', description: 'calls per second over the window' },
                errorRate: { type: 'number' },
                counts: { enum: DEPENDENCY_NODE_COUNTS, description: 'what calls and errors count: server and consumer spans, root spans, or the calls into the node along the edges' },
                callsIn: { type: 'integer', description: 'the calls into the node along the edges' },
                errorsIn: { type: 'integer' },
              },
            },
          },
          edges: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                parent: { type: 'string' },
                child: { type: 'string' },
                kind: { enum: ['service', 'external', 'messaging'] },
                calls: { type: 'integer' },
                errors: { type: 'integer' },
                errorRate: { type: 'number' },
                p50Ns: { type: 'integer' },
                p95Ns: { type: 'integer' },
                p99Ns: { type: 'integer' },
              },
            },
          },
        },
      },
      OperationsResponse: {
        type: 'object',
        properties: { operations: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, spanKind: { enum: SPAN_KINDS }, spanCount: { type: 'integer' } } } } },
      },
      AttributeKeysResponse: {
        type: 'object',
        properties: { keys: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, scope: { enum: ['span', 'resource'] } } } } },
      },
      TraceSearchResponse: {
        type: 'object',
        properties: {
          limit: { type: 'integer' },
          traces: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                traceId: { type: 'string' },
                rootService: { type: 'string' },
                rootOperation: { type: 'string' },
                startNs: nsString,
                durationNs: nsString,
                spanCount: { type: 'integer' },
                errorCount: { type: 'integer' },
                services: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, spanCount: { type: 'integer' } } } },
              },
            },
          },
        },
      },
      ExplainResponse: {
        type: 'object',
        properties: {
          thresholdNs: nsString,
          thresholdSource: { enum: ['p95', 'given'] },
          p95Ns: nsString,
          traces: { type: 'object', properties: { matching: { type: 'integer' }, slow: { type: 'integer' }, baseline: { type: 'integer' } } },
          sampled: { type: 'object', properties: { slow: { type: 'integer' }, baseline: { type: 'integer' } } },
          histogram: { type: 'array', items: { type: 'object', properties: { fromNs: { type: 'number' }, toNs: { type: 'number' }, count: { type: 'integer' } } } },
          attributes: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                scope: { enum: ['span', 'resource'] },
                key: { type: 'string' },
                value: { type: 'string' },
                slow: { $ref: '#/components/schemas/ExplainShare' },
                baseline: { $ref: '#/components/schemas/ExplainShare' },
                score: { type: 'number', description: 'slow share minus baseline share' },
                lift: { type: 'number', description: '(s + 0.5)/(S + 1) / ((b + 0.5)/(B + 1))' },
                onMatchingSpan: { type: 'boolean' },
              },
            },
          },
          paths: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                path: { type: 'array', items: { type: 'object', properties: { service: { type: 'string' }, operation: { type: 'string' } } } },
                slowAvgSelfNs: { type: 'number' },
                baselineAvgSelfNs: { type: 'number' },
                growthNs: { type: 'number' },
                slow: { $ref: '#/components/schemas/ExplainShare' },
                baseline: { $ref: '#/components/schemas/ExplainShare' },
              },
            },
          },
          warnings: { type: 'array', items: { type: 'string' } },
        },
      },
      ExplainShare: { type: 'object', properties: { traces: { type: 'integer' }, share: { type: 'number' } } },
      TraceResponse: {
        type: 'object',
        properties: { traceId: { type: 'string' }, spans: { type: 'array', items: { $ref: '#/components/schemas/Span' } } },
      },
      CompareResponse: {
        type: 'object',
        required: ['a', 'b', 'nodes', 'summary', 'warnings'],
        properties: {
          a: { $ref: '#/components/schemas/CompareSide' },
          b: { $ref: '#/components/schemas/CompareSide' },
          nodes: { type: 'array', description: 'depth-first, each node after its parent', items: { $ref: '#/components/schemas/CompareNode' } },
          summary: { type: 'object', properties: { added: { type: 'integer' }, removed: { type: 'integer' }, changed: { type: 'integer' }, unchanged: { type: 'integer' } } },
          warnings: { type: 'array', items: { type: 'string' } },
        },
      },
      CompareSide: {
        type: 'object',
        properties: { traceId: { type: 'string' }, rootService: { type: 'string' }, rootOperation: { type: 'string' }, durationNs: nsString, spanCount: { type: 'integer' } },
      },
      CompareNode: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          parent: { type: 'integer', description: "the parent's id; -1 for a root" },
          depth: { type: 'integer' },
          service: { type: 'string' },
          operation: { type: 'string' },
          presence: { enum: COMPARE_PRESENCES },
          a: { type: 'object', properties: { count: { type: 'integer' }, durationNs: nsString }, description: 'count 0 when the path is not in A' },
          b: { type: 'object', properties: { count: { type: 'integer' }, durationNs: nsString } },
          countDelta: { type: 'integer', description: 'B minus A' },
          durationDeltaNs: { type: 'string', pattern: '^-?[0-9]+$', description: 'B minus A, nanoseconds, as a signed decimal string' },
          changed: { type: 'boolean', description: 'added, removed, another count, or a duration moved by 20% of the larger and 1% of the longer trace' },
          changedBelow: { type: 'boolean', description: 'a node under this one changed' },
        },
      },
      Span: {
        type: 'object',
        properties: {
          traceId: { type: 'string' },
          spanId: { type: 'string' },
          parentSpanId: { type: 'string', description: 'empty for a root span' },
          traceState: { type: 'string' },
          name: { type: 'string' },
          kind: { enum: SPAN_KINDS },
          service: { type: 'string' },
          startNs: nsString,
          durationNs: nsString,
          statusCode: { enum: STATUS_CODES },
          statusMessage: { type: 'string' },
          attributes: stringMap,
          resource: stringMap,
          scope: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } } },
          events: { type: 'array', items: { type: 'object', properties: { timeNs: nsString, name: { type: 'string' }, attributes: stringMap } } },
          links: {
            type: 'array',
            items: { type: 'object', properties: { traceId: { type: 'string' }, spanId: { type: 'string' }, traceState: { type: 'string' }, attributes: stringMap } },
          },
        },
      },
    },
  },
} as const;
