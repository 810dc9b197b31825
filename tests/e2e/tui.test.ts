/**
 * `hindsight tui` under tmux: keys are sent to a real terminal and the screen is
 * read back with capture-pane.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeSimpleTrace, makeTraces, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const CLI = path.resolve(__dirname, '../../dist/cmd/main.js');
const SESSION = `hindsight-tui-${process.pid}`;
let dir: string;
let server: ChildServer;

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', SESSION);

async function waitFor(predicate: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let text = '';
  while (Date.now() < deadline) {
    text = screen();
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
}

function sessionAlive(): boolean {
  try {
    tmux('has-session', '-t', SESSION);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-tui-'));
  server = await startChildServer(dir);
  const spans = [
    ...makeTraces().spans,
    ...makeSimpleTrace({ service: 'api', name: 'GET /slow', durationMs: 1200, children: 3 }),
    ...makeSimpleTrace({ service: 'billing', name: 'POST /charge', durationMs: 300, error: true, children: 2, attributes: { 'order.id': 'o-42' } }),
  ];
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  // CI=true as CI machines set it: the TUI must still draw every frame in a terminal.
  tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '40', `env CI=true ${process.execPath} ${CLI} tui --url http://127.0.0.1:${server.ports.ui}`);
});

afterAll(async () => {
  if (sessionAlive()) tmux('kill-session', '-t', SESSION);
  await stopChildServer(server, dir);
});

test('the live list shows recent traces', async () => {
  const text = await waitFor((t) => t.includes('api: GET /slow') && t.includes('billing: POST /charge'), 'the trace list');
  expect(text).toContain('traces, last hour, live');
  expect(text).toContain('↑↓ move · enter open · / filter · q quit');
});

test('a trace stored while the list is open appears in it: the list follows the live tail', async () => {
  const fresh = makeSimpleTrace({ service: 'live', name: 'GET /fresh', startMs: Date.now() });
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(fresh), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  await waitFor((t) => t.includes('live: GET /fresh'), 'the new trace in the list');
  // The TUI holds a tail stream open (rather than having fallen back to reloading on a timer).
  const metrics = await (await fetch(`http://127.0.0.1:${server.ports.ui}/metrics`)).text();
  expect(metrics).toMatch(/^hindsight_tail_streams 1$/m);
});

test('/ filters the list by service', async () => {
  tmux('send-keys', '-t', SESSION, '/');
  await waitFor((t) => t.includes('filter (service, or key=value):'), 'the filter prompt');
  tmux('send-keys', '-t', SESSION, '-l', 'billing');
  tmux('send-keys', '-t', SESSION, 'Enter');
  const text = await waitFor((t) => t.includes('filter: billing') && !t.includes('api: GET /slow'), 'the filtered list');
  expect(text).toContain('billing: POST /charge');
});

test('enter opens the span tree with the critical path and a detail pane; arrows move and collapse', async () => {
  tmux('send-keys', '-t', SESSION, 'Enter');
  const text = await waitFor((t) => t.includes('* critical path') && t.includes('billing-db query 1'), 'the span tree');
  expect(text).toMatch(/\* \|█+\s*\|\s+300ms ▾ billing POST \/charge/);
  expect(text).toContain('order.id = o-42');
  tmux('send-keys', '-t', SESSION, 'Down');
  await waitFor((t) => /│ query 0\s/.test(t), 'the detail of the first child');
  tmux('send-keys', '-t', SESSION, 'Up', 'Left');
  await waitFor((t) => t.includes('▸ billing POST /charge') && !t.includes('billing-db query 1'), 'the collapsed root');
  tmux('send-keys', '-t', SESSION, 'Right');
  await waitFor((t) => t.includes('billing-db query 1'), 'the expanded root');
  tmux('send-keys', '-t', SESSION, 'Escape');
  await waitFor((t) => t.includes('filter: billing'), 'the list again');
});

test('q quits', async () => {
  tmux('send-keys', '-t', SESSION, 'q');
  const deadline = Date.now() + 10_000;
  while (sessionAlive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(sessionAlive()).toBe(false);
});
