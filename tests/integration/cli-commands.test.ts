/**
 * The client commands as subprocesses, against a running server and against a
 * bare data directory, with data and files made by the OpenTelemetry SDK.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Span, TraceResponse } from '../../viewer/api/types';
import { jsonRequest, makeSimpleTrace, makeTraces, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const CLI = path.resolve(__dirname, '../../dist/cmd/main.js');
const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as a subprocess. `isolated` runs it in a network namespace of its own (`unshare -rn`),
 * where nothing answers on any port, whatever else runs on this machine's 16686.
 */
async function hindsight(args: string[], options: { cwd?: string; isolated?: boolean } = {}): Promise<Run> {
  const [command, commandArgs] = options.isolated ? ['unshare', ['-rn', process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  try {
    const { stdout, stderr } = await exec(command, commandArgs, { timeout: 60_000, cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let server: ChildServer;
let url: string;
let tree: ReadableSpan[];
let treeId: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-cli-commands-'));
  server = await startChildServer(path.join(dir, 'served'));
  url = `http://127.0.0.1:${server.ports.ui}`;
  tree = makeTraces().spans;
  treeId = tree.find((s) => s.name === 'GET /checkout')!.spanContext().traceId;
  const slow = makeSimpleTrace({ service: 'api', name: 'GET /slow', durationMs: 900, attributes: { 'user.id': 'u-9' }, children: 2 });
  const response = await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest([...tree, ...slow]), { 'Content-Type': 'application/x-protobuf' });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await stopChildServer(server, dir);
});

describe('against a running server', () => {
  test('terminal escapes in telemetry are printed as text, never sent to the terminal', async () => {
    const evil = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b1m';
    const spans = makeSimpleTrace({ service: `esc${evil}`, name: `GET ${evil}`, children: 1 });
    expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
    const listed = await hindsight(['services', '--url', url]);
    const shown = await hindsight(['trace', 'show', spans[0]!.spanContext().traceId, '--url', url]);
    for (const { code, stdout } of [listed, shown]) {
      expect(code).toBe(0);
      // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
      expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(stdout).toContain('esc\\x1b]0;pwned\\x07');
    }
  });

  test('services', async () => {
    const { code, stdout } = await hindsight(['services', '--url', url]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^SERVICE\s+SPANS\s+ERRORS\s+ERROR %$/);
    expect(stdout).toMatch(/^payments\s+2\s+1\s+50\.00$/m);
  });

  test('tail prints spans as they are stored, as lines or JSON lines, until interrupted', async () => {
    const tail = (args: string[]): { lines: string[]; exited: Promise<number | null>; child: ReturnType<typeof spawn> } => {
      const child = spawn(process.execPath, [CLI, 'tail', '--url', url, ...args], { env: { ...process.env, NO_COLOR: '1' } });
      const lines: string[] = [];
      readline.createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
      return { lines, child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    };
    const json = tail(['--json', '--service', 'cli-tail', '--attr', 'cart.items>2']);
    const text = tail(['--service', 'cli-tail', '--status', 'error']);
    // Sent until both have printed: a subscriber that was not yet subscribed misses a request. New
    // spans each time: a byte-identical request is a retry, acknowledged without being stored again.
    while (json.lines.length === 0 || text.lines.length === 0) {
      const trace = makeSimpleTrace({ service: 'cli-tail', name: 'GET /basket', startMs: Date.now(), error: true, attributes: { 'cart.items': 3 } });
      const quiet = makeSimpleTrace({ service: 'cli-tail', name: 'GET /quiet', startMs: Date.now(), attributes: { 'cart.items': 1 } });
      expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest([...quiet, ...trace]), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    json.child.kill('SIGINT');
    text.child.kill('SIGINT');
    expect(await json.exited).toBe(0);
    expect(await text.exited).toBe(0);
    const event = JSON.parse(json.lines[0]!) as Record<string, unknown>;
    expect(event).toMatchObject({ service: 'cli-tail', name: 'GET /basket', statusCode: 'Error', attributes: { 'cart.items': '3' }, represents: 1 });
    expect(json.lines.every((l) => (JSON.parse(l) as { name: string }).name === 'GET /basket')).toBe(true);
    expect(text.lines.at(-1)).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+100ms  ERROR  cli-tail: GET /basket  [0-9a-f]{32}$`));
  });

  test('tail refuses a filter it cannot read, naming it', async () => {
    const { code, stderr } = await hindsight(['tail', '--url', url, '--attr', 'amount>lots']);
    expect(code).toBe(1);
    expect(stderr).toContain('attr: "amount>lots" compares as a number, but "lots" is not a number');
  });

  test('traces search with filters', async () => {
    const { code, stdout } = await hindsight(['traces', 'search', '--url', url, '--attr', 'user.id=u-9', '--min-duration', '500ms', '--since', '1h']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/GET \/slow$/);
  });

  test('trace show draws the tree with the critical path', async () => {
    const { code, stdout } = await hindsight(['trace', 'show', treeId, '--url', url]);
    expect(code).toBe(0);
    expect(stdout).toContain(`trace ${treeId}`);
    expect(stdout).toMatch(/^\* \|.*\|\s+\S+\s+frontend GET \/checkout$/m);
    expect(stdout).toMatch(/^[* ] \|.*\|\s+\S+\s+payments charge card ERROR( \(skew\))?$/m);
    expect(stdout.trim().endsWith('* critical path')).toBe(true);
  });

  test('sql as a table, CSV and JSON; a refused statement exits 1', async () => {
    const query = "SELECT ServiceName, count() AS n FROM otel_traces WHERE ServiceName = 'payments' GROUP BY ServiceName";
    expect((await hindsight(['sql', query, '--url', url])).stdout).toBe('ServiceName  n\npayments     2\n');
    expect((await hindsight(['sql', query, '--format', 'csv', '--url', url])).stdout).toBe('"ServiceName","n"\n"payments",2\n');
    const json = JSON.parse((await hindsight(['sql', query, '--format', 'json', '--url', url])).stdout) as { data: { ServiceName: string; n: string | number }[] };
    expect(json.data.map((r) => [r.ServiceName, Number(r.n)])).toEqual([['payments', 2]]);
    const refused = await hindsight(['sql', 'DROP TABLE otel_traces', '--url', url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements may run here');
  });

  test('export as OTLP and as Jaeger', async () => {
    const otlp = JSON.parse((await hindsight(['export', treeId, '--url', url])).stdout) as { resourceSpans: unknown[] };
    expect(otlp.resourceSpans.length).toBe(3);
    const jaeger = JSON.parse((await hindsight(['export', treeId, '--format', 'jaeger', '--url', url])).stdout) as { data: { traceID: string }[] };
    expect(jaeger.data[0]!.traceID).toBe(treeId);
    const missing = await hindsight(['export', 'ab'.repeat(16), '--url', url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not found');
  });

  test('tui without a terminal says so and exits 2', async () => {
    const { code, stderr } = await hindsight(['tui', '--url', url]);
    expect(stderr).toContain('hindsight tui needs an interactive terminal');
    expect(code).toBe(2);
  });

  test('a data directory held by a server is reached through that server', async () => {
    const { code, stdout } = await hindsight(['services', '--data-dir', path.join(dir, 'served')]);
    expect(code).toBe(0);
    expect(stdout).toContain('payments');
  });
});

describe('import', () => {
  test('OTLP JSON, JSON lines, protobuf and length-prefixed protobuf files from the SDK', async () => {
    const a = makeSimpleTrace({ service: 'imported', name: 'a', children: 1 });
    const b = makeSimpleTrace({ service: 'imported', name: 'b', children: 2 });
    const c = makeSimpleTrace({ service: 'imported', name: 'c' });
    const d = makeSimpleTrace({ service: 'imported', name: 'd', children: 3 });
    const files = {
      json: path.join(dir, 'a.json'),
      jsonl: path.join(dir, 'b.jsonl'),
      pb: path.join(dir, 'c.pb'),
      framed: path.join(dir, 'd.binpb'),
    };
    fs.writeFileSync(files.json, jsonRequest(a));
    fs.writeFileSync(files.jsonl, `${jsonRequest(b.slice(0, 1)).toString()}\n${jsonRequest(b.slice(1)).toString()}\n`);
    fs.writeFileSync(files.pb, protobufRequest(c));
    const withLength = (buf: Buffer): Buffer => {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(buf.length);
      return Buffer.concat([header, buf]);
    };
    fs.writeFileSync(files.framed, Buffer.concat([withLength(protobufRequest(d.slice(0, 2))), withLength(protobufRequest(d.slice(2)))]));
    const run = await hindsight(['import', files.json, files.jsonl, files.pb, files.framed, '--url', url, '--otlp-url', `http://127.0.0.1:${server.ports.otlpHttp}`]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('imported 10 spans from 4 of 4 files; rejected 0\n');
    expect(run.code).toBe(0);
    const count = await hindsight(['sql', "SELECT count() AS n FROM otel_traces WHERE ServiceName IN ('imported', 'imported-db')", '--format', 'csv', '--url', url]);
    expect(count.stdout).toBe('"n"\n10\n');
  });

  test('rejected spans are counted, and an unreadable file fails the run without stopping it', async () => {
    const spans = makeSimpleTrace({ service: 'partly', name: 'p', children: 1 });
    const request = JSON.parse(jsonRequest(spans).toString()) as { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] };
    request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId = '0'.repeat(32);
    const good = path.join(dir, 'partly.json');
    fs.writeFileSync(good, JSON.stringify(request));
    const bad = path.join(dir, 'bad.pb');
    fs.writeFileSync(bad, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    const run = await hindsight(['import', good, bad, path.join(dir, 'missing.json'), '--url', url, '--otlp-url', `http://127.0.0.1:${server.ports.otlpHttp}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('imported 1 spans from 1 of 3 files; rejected 1\n');
    expect(run.stderr).toContain('bad.pb');
    expect(run.stderr).toContain('missing.json');
  });
});

describe('import: what the server already holds, other formats, and where it sends', () => {
  const otlpCount = async (traceId: string): Promise<string> => (await hindsight(['sql', `SELECT count() AS n FROM otel_traces WHERE TraceId = '${traceId}'`, '--format', 'csv', '--url', url])).stdout;

  test('without --otlp-url it sends to the OTLP port of the server it found, whichever that is', async () => {
    const spans = makeSimpleTrace({ service: 'found', name: 'f', children: 1 });
    const file = path.join(dir, 'found.json');
    fs.writeFileSync(file, jsonRequest(spans));
    expect(server.ports.otlpHttp).not.toBe(4318);
    const run = await hindsight(['import', file, '--url', url]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('imported 2 spans from 1 of 1 files; rejected 0\n');
    expect(run.code).toBe(0);
    expect(await otlpCount(spans[0]!.spanContext().traceId)).toBe('"n"\n2\n');
  });

  test.each(['otlp', 'jaeger'])('an export (--format %s) imported back into its own server stores nothing twice, and says so', async (format) => {
    const file = path.join(dir, `back.${format}.json`);
    const exported = await hindsight(['export', treeId, '--format', format, '--url', url]);
    expect(exported.code).toBe(0);
    fs.writeFileSync(file, exported.stdout);
    const run = await hindsight(['import', file, '--url', url]);
    expect(run.stdout).toBe('imported 0 spans from 1 of 1 files; rejected 0; 5 already stored, not sent again\n');
    expect(run.stderr).toBe('hindsight import: nothing imported: all 5 spans are already stored\n');
    expect(run.code).toBe(1);
    expect(await otlpCount(treeId)).toBe('"n"\n5\n');
  });

  test('a file with some spans stored sends only the others (protobuf, re-encoded)', async () => {
    const fresh = makeSimpleTrace({ service: 'mixed', name: 'm', children: 3 });
    const file = path.join(dir, 'mixed.binpb');
    fs.writeFileSync(file, protobufRequest([...tree, ...fresh]));
    const run = await hindsight(['import', file, '--url', url]);
    // Every span of `tree` is stored: the traced request's 5 and the earlier job it links to.
    expect(run.stdout).toBe(`imported 4 spans from 1 of 1 files; rejected 0; ${tree.length} already stored, not sent again\n`);
    expect(run.code).toBe(0);
    expect(await otlpCount(treeId)).toBe('"n"\n5\n');
    expect(await otlpCount(fresh[0]!.spanContext().traceId)).toBe('"n"\n4\n');
  });

  test('a Jaeger export imports into another Hindsight as the same trace, to the microsecond Jaeger keeps', async () => {
    const other = await startChildServer(path.join(dir, 'other'));
    try {
      const otherUrl = `http://127.0.0.1:${other.ports.ui}`;
      const file = path.join(dir, 'trace.jaeger.json');
      fs.writeFileSync(file, (await hindsight(['export', treeId, '--format', 'jaeger', '--url', url])).stdout);
      const run = await hindsight(['import', file, '--url', otherUrl]);
      expect(run.stdout).toBe('imported 5 spans from 1 of 1 files; rejected 0\n');
      expect(run.code).toBe(0);
      const spansAt = async (at: string): Promise<Span[]> => {
        const body = (await (await fetch(`${at}/api/v1/traces/${treeId}`)).json()) as TraceResponse;
        const us = (ns: string): string => (BigInt(ns) / 1000n).toString();
        // Jaeger JSON keeps microseconds, and has no trace state or link attributes.
        return body.spans
          .map((s) => ({
            ...s,
            startNs: us(s.startNs),
            durationNs: us(s.durationNs),
            traceState: '',
            events: s.events.map((e) => ({ ...e, timeNs: us(e.timeNs) })),
            links: s.links.map((l) => ({ ...l, traceState: '', attributes: {} })),
          }))
          .sort((a, b) => a.spanId.localeCompare(b.spanId));
      };
      const original = await spansAt(url);
      expect(original).toHaveLength(5);
      expect(await spansAt(otherUrl)).toEqual(original);
    } finally {
      await stopChildServer(other, path.join(dir, 'other'));
    }
  });

  test('an import that stores nothing exits 1 and says why; a file that is neither OTLP nor Jaeger is named', async () => {
    const empty = path.join(dir, 'empty.json');
    fs.writeFileSync(empty, '{"resourceSpans": []}');
    const none = await hindsight(['import', empty, '--url', url]);
    expect([none.code, none.stdout, none.stderr]).toEqual([1, 'imported 0 spans from 1 of 1 files; rejected 0\n', 'hindsight import: nothing imported: the files hold no spans\n']);

    const spans = makeSimpleTrace({ service: 'refused', name: 'r' });
    const request = JSON.parse(jsonRequest(spans).toString()) as { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] };
    request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId = '0'.repeat(32);
    const refused = path.join(dir, 'refused.json');
    fs.writeFileSync(refused, JSON.stringify(request));
    const rejected = await hindsight(['import', refused, '--url', url]);
    expect([rejected.code, rejected.stderr]).toEqual([1, 'hindsight import: nothing imported: the server rejected all 1 spans\n']);

    const other = path.join(dir, 'zipkin.json');
    fs.writeFileSync(other, '[{"traceId": "a", "name": "zipkin v2"}]');
    const unknown = await hindsight(['import', other, '--url', url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`hindsight import: ${other}: neither OTLP JSON (an object with resourceSpans) nor Jaeger JSON`);
  });

  test('with --otlp-url and no query API answering, it sends all and says it could not check', async () => {
    const spans = makeSimpleTrace({ service: 'unchecked', name: 'u' });
    const file = path.join(dir, 'unchecked.json');
    fs.writeFileSync(file, jsonRequest(spans));
    const run = await hindsight(['import', file, '--url', 'http://127.0.0.1:1', '--otlp-url', `http://127.0.0.1:${server.ports.otlpHttp}`]);
    expect(run.stderr).toBe('hindsight import: not checking for spans already stored: no query API found (pass --url)\n');
    expect(run.stdout).toBe('imported 1 spans from 1 of 1 files; rejected 0\n');
    expect(run.code).toBe(0);
  });
});

describe('with no server to talk to', () => {
  const NONE = 'no Hindsight server found: nothing answers at http://127.0.0.1:16686, and no running server holds ./data.';

  test.each([[['services']], [['traces', 'search']], [['trace', 'show', 'ab'.repeat(16)]], [['sql', 'SELECT 1']], [['import', 'spans.json']]])(
    '%j says so and exits 1, creating nothing',
    async (args) => {
      const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
      fs.writeFileSync(path.join(cwd, 'spans.json'), jsonRequest(makeSimpleTrace({ service: 'nowhere' })));
      const run = await hindsight(args, { cwd, isolated: true });
      expect(run.stderr).toBe(`hindsight ${args[0]}: ${NONE} Start one with \`hindsight serve\`, point at one with --url URL, or open a data directory with --data-dir DIR.\n`);
      expect(run.stdout).toBe('');
      expect(run.code).toBe(1);
      expect(fs.readdirSync(cwd)).toEqual(['spans.json']);
    },
  );
});

describe('against a bare data directory', () => {
  test('import into it, then read it back, with no server running', async () => {
    const bare = path.join(dir, 'bare');
    const file = path.join(dir, 'bare.json');
    fs.writeFileSync(file, jsonRequest(makeTraces().spans));
    const imported = await hindsight(['import', file, '--data-dir', bare]);
    expect(imported.stdout).toBe('imported 6 spans from 1 of 1 files; rejected 0\n');
    const services = await hindsight(['services', '--data-dir', bare]);
    expect(services.code).toBe(0);
    expect(services.stdout).toMatch(/^frontend\s+3\s+0\s+0\.00$/m);
    expect(fs.existsSync(path.join(bare, 'hindsight.owner.json'))).toBe(false);
  });
});

describe('usage', () => {
  test.each(['serve', 'collector', 'viewer', 'sql', 'traces', 'trace', 'services', 'tail', 'export', 'import', 'tui'])('%s --help', async (command) => {
    const { code, stdout } = await hindsight([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`usage: hindsight ${command}`);
  });

  test('serve --help lists the options but not the hidden test hook', async () => {
    const { stdout } = await hindsight(['serve', '--help']);
    expect(stdout).toContain('--retention-days');
    expect(stdout).not.toContain('--test-kill-after-inserts');
  });

  test.each([
    [['sql'], 'wrong number of arguments'],
    [['traces', 'find'], 'unknown subcommand "traces find"'],
    [['sql', 'SELECT 1', '--format', 'xml', '--url', 'http://127.0.0.1:1'], '--format must be table, csv or json, not xml'],
    [['sql', 'SELECT 1', '--format', 'csv', '--url', 'http://127.0.0.1:1'], 'no Hindsight answers at http://127.0.0.1:1'],
    [['trace', 'open', 'ab'.repeat(16)], 'unknown subcommand "trace open"'],
    [['export', 'ab'.repeat(16), '--format', 'zipkin'], '--format must be otlp or jaeger, not zipkin'],
    [['services', '--nope'], "Unknown option '--nope'"],
  ])('%j', async (args, message) => {
    const { code, stderr } = await hindsight(args);
    expect(stderr).toContain(message);
    expect(code).toBe(message.startsWith('no Hindsight') ? 1 : 2);
  });
});

test('against a server with tokens, --token and HINDSIGHT_INGEST_TOKENS carry the credentials', async () => {
  const guarded = await startChildServer(path.join(dir, 'guarded'), ['--ui-token', 'view', '--ingest-token', 'send']);
  try {
    const url = `http://127.0.0.1:${guarded.ports.ui}`;
    expect((await hindsight(['services', '--url', url])).code).toBe(1);
    const file = path.join(dir, 'guarded.json');
    fs.writeFileSync(file, jsonRequest(makeTraces().spans));
    const refused = await hindsight(['import', file, '--url', url, '--otlp-url', `http://127.0.0.1:${guarded.ports.otlpHttp}`, '--token', 'view']);
    expect(refused.stderr).toContain('refused with 401');
    const imported = await exec(process.execPath, [CLI, 'import', file, '--url', url, '--otlp-url', `http://127.0.0.1:${guarded.ports.otlpHttp}`, '--token', 'view'], {
      env: { ...process.env, HINDSIGHT_INGEST_TOKENS: 'send' },
    });
    expect(imported.stdout).toBe('imported 6 spans from 1 of 1 files; rejected 0\n');
    const services = await hindsight(['services', '--url', url, '--token', 'view']);
    expect(services.stdout).toContain('frontend');
  } finally {
    guarded.process.kill('SIGTERM');
    await guarded.exited;
  }
});
