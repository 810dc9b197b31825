/**
 * Trace comparison against a real server, with traces sent by the real OpenTelemetry
 * protobuf exporter: GET /api/v1/compare (the merged call-path tree, its bad and unknown
 * ids) and `hindsight trace diff` (the built CLI, reading that route).
 */
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ApiError, CompareNode, CompareResponse } from '../../viewer/api/types';
import { makeSimpleTrace } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

const CLI = path.resolve(__dirname, '../../dist/cmd/main.js');
const exec = promisify(execFile);
const MS = 1_000_000;

let server: TestServer;
let a: string;
let b: string;

//  A  shop GET /cart 100 ms              B  shop GET /cart 400 ms
//      ├─ shop-db SELECT cart ×2              ├─ shop-db SELECT cart ×3
//      └─ shop-db get price                   └─ shop-db charge
beforeAll(async () => {
  server = await startTestServer();
  const start = Date.now() - 5 * 60_000;
  const traceA = makeSimpleTrace({ service: 'shop', name: 'GET /cart', startMs: start, durationMs: 100, childNames: ['SELECT cart', 'SELECT cart', 'get price'] });
  const traceB = makeSimpleTrace({ service: 'shop', name: 'GET /cart', startMs: start + 1000, durationMs: 400, childNames: ['SELECT cart', 'SELECT cart', 'SELECT cart', 'charge'] });
  a = traceA[0]!.spanContext().traceId;
  b = traceB[0]!.spanContext().traceId;
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  const spans: ReadableSpan[] = [...traceA, ...traceB];
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  await exporter.shutdown();
});

afterAll(async () => {
  await stopTestServer(server);
});

async function get<T>(query: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.uiUrl}/api/v1/compare${query}`);
  return { status: response.status, body: (await response.json()) as T };
}

const byOperation = (nodes: CompareNode[], operation: string): CompareNode => nodes.find((n) => n.operation === operation)!;

describe('GET /api/v1/compare', () => {
  test('merges the two span trees by call path, with what was added, removed and changed', async () => {
    const { status, body } = await get<CompareResponse>(`?a=${a}&b=${b}`);
    expect(status).toBe(200);
    expect(body.a).toEqual({ traceId: a, rootService: 'shop', rootOperation: 'GET /cart', durationNs: String(100 * MS), spanCount: 4 });
    expect(body.b).toMatchObject({ traceId: b, durationNs: String(400 * MS), spanCount: 5 });
    expect(body.nodes).toHaveLength(4);
    expect(body.nodes[0]).toMatchObject({
      id: 0,
      parent: -1,
      depth: 0,
      service: 'shop',
      operation: 'GET /cart',
      presence: 'both',
      durationDeltaNs: String(300 * MS),
      changed: true,
      changedBelow: true,
    });
    expect(byOperation(body.nodes, 'SELECT cart')).toMatchObject({
      parent: 0,
      depth: 1,
      service: 'shop-db',
      presence: 'both',
      a: { count: 2, durationNs: String(2 * MS) },
      b: { count: 3, durationNs: String(3 * MS) },
      countDelta: 1,
      changed: true,
    });
    expect(byOperation(body.nodes, 'get price')).toMatchObject({ presence: 'removed', a: { count: 1 }, b: { count: 0, durationNs: '0' }, changed: true });
    expect(byOperation(body.nodes, 'charge')).toMatchObject({ presence: 'added', a: { count: 0 }, b: { count: 1 }, changed: true });
    expect(body.summary).toEqual({ added: 1, removed: 1, changed: 2, unchanged: 0 });
    expect(body.warnings).toEqual([]);
  });

  test('the other way round, added and removed swap', async () => {
    const { body } = await get<CompareResponse>(`?a=${b}&b=${a}`);
    expect(byOperation(body.nodes, 'get price').presence).toBe('added');
    expect(byOperation(body.nodes, 'charge').presence).toBe('removed');
    expect(byOperation(body.nodes, 'SELECT cart').countDelta).toBe(-1);
  });

  test('a trace against itself: nothing changed; ids are read in any case', async () => {
    const { status, body } = await get<CompareResponse>(`?a=${a}&b=${a.toUpperCase()}`);
    expect(status).toBe(200);
    expect(body.summary).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 3 });
  });

  test.each([
    ['', 'a', 'required'],
    [`?a=${'ab'.repeat(16)}`, 'b', 'required'],
    ['?a=xyz&b=00', 'a', 'trace id'],
    [`?a=${'ab'.repeat(16)}&b=${'c'.repeat(33)}`, 'b', 'trace id'],
    [`?a=${'ab'.repeat(16)}&a=${'ab'.repeat(16)}&b=00`, 'a', 'single value'],
  ])('%s is a 400 naming the parameter', async (query, parameter, message) => {
    const { status, body } = await get<ApiError>(query);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'HS_BAD_PARAMETER', parameter });
    expect(body.error.message).toContain(message);
  });

  test('an id with no stored trace is a 404 naming it; two missing are both named', async () => {
    const gone = 'f'.repeat(32);
    const one = await get<ApiError>(`?a=${a}&b=${gone}`);
    expect(one.status).toBe(404);
    expect(one.body.error).toEqual({ code: 'HS_NOT_FOUND', message: `trace ${gone} not found` });
    const both = await get<ApiError>(`?a=${'e'.repeat(32)}&b=${gone}`);
    expect(both.status).toBe(404);
    expect(both.body.error.message).toBe(`traces ${'e'.repeat(32)} and ${gone} not found`);
  });

  test('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.uiUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, { get: { parameters: { name: string }[] } }> };
    expect(doc.paths['/api/v1/compare']!.get.parameters.map((p) => p.name)).toEqual(['a', 'b']);
  });
});

async function hindsight(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('hindsight trace diff', () => {
  test('prints both traces, the summary and each path with both durations side by side', async () => {
    const { code, stdout } = await hindsight(['trace', 'diff', a, b, '--url', server.uiUrl]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`A ${a}  100ms  4 spans  shop: GET /cart`);
    expect(lines[1]).toBe(`B ${b}  400ms  5 spans  shop: GET /cart`);
    expect(lines[2]).toBe('1 added (+), 1 removed (-), 2 changed (~), 0 unchanged');
    expect(stdout).toMatch(/^~ +100ms +400ms +\+300ms +shop GET \/cart$/m);
    expect(stdout).toMatch(/^~ +2× 2ms +3× 3ms +\+1ms \+1× +shop-db SELECT cart$/m);
    expect(stdout).toMatch(/^- +1ms +— +shop-db get price$/m);
    expect(stdout).toMatch(/^\+ +— +1ms +shop-db charge$/m);
  });

  test('--json prints the API answer', async () => {
    const { code, stdout } = await hindsight(['trace', 'diff', a, b, '--json', '--url', server.uiUrl]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as CompareResponse).summary).toEqual({ added: 1, removed: 1, changed: 2, unchanged: 0 });
  });

  test('a missing trace exits 1 naming it; a wrong number of ids is a usage error', async () => {
    const missing = await hindsight(['trace', 'diff', a, 'f'.repeat(32), '--url', server.uiUrl]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`trace ${'f'.repeat(32)} not found`);
    const bad = await hindsight(['trace', 'diff', a, 'xyz', '--url', server.uiUrl]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected a trace id');
    const one = await hindsight(['trace', 'diff', a]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('"trace diff" takes two trace ids');
  });
});
