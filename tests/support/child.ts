/**
 * `hindsight serve` as a child process (the built CLI, as `npm start` runs it), for
 * tests that kill it or need a data directory of their own.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cmd/main.js');

export interface ChildServer {
  process: ChildProcess;
  ports: { otlpHttp: number; otlpGrpc: number; ui: number };
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startChildServer(dataDir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ChildServer> {
  return startChild(['serve', '--data-dir', dataDir, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--ui-port', '0', '--clickhouse-http-port', '0', ...extraArgs], env);
}

/**
 * Any `hindsight` server command; resolves once it logs its bound ports. `shellFirst`
 * runs in a shell before the command replaces it (for example `ulimit -n 1024`).
 */
export function startChild(args: string[], env: Record<string, string> = {}, shellFirst?: string): Promise<ChildServer> {
  const [command, commandArgs] = shellFirst === undefined ? [process.execPath, [CLI, ...args]] : ['/bin/sh', ['-c', `${shellFirst} && exec "$@"`, 'sh', process.execPath, CLI, ...args]];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr!.on('data', (b: Buffer) => logs.push(b.toString()));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      const entry = JSON.parse(line) as { msg?: string; ports?: ChildServer['ports'] };
      if (entry.msg === 'hindsight started' && entry.ports) resolve({ process: child, ports: entry.ports, logs, exited });
    });
    void exited.then(({ code }) => reject(new Error(`hindsight exited with ${code} before starting:\n${logs.join('\n')}`)));
  });
}

/**
 * Runs one query on a data directory from a separate process: libchdb binds one
 * directory per process, and this test process already has its own.
 */
export function queryDataDir(dataDir: string, sql: string): unknown[] {
  const script = `
    const { createClient } = require('@clickhouse/client');
    const { createChdbConnection } = require('chdb/connection');
    const client = createClient({ connection: createChdbConnection({ path: process.argv[1] }) });
    client.query({ query: process.argv[2], format: 'JSONEachRow' })
      .then((r) => r.json()).then((rows) => { process.stdout.write(JSON.stringify(rows)); return client.close(); })
      .catch((e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, dataDir, sql], { cwd: ROOT, encoding: 'utf8' })) as unknown[];
}

/** SIGTERM, wait for the exit, then remove the server's data directory. */
export async function stopChildServer(server: ChildServer | undefined, dataDir: string): Promise<void> {
  server?.process.kill('SIGTERM');
  await server?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** A data directory made fresh for each test, and the server a test left running, killed after it. */
export interface ChildSlot {
  dataDir: string;
  running: ChildServer | undefined;
}

export function childSlotPerTest(prefix: string): ChildSlot {
  const slot: ChildSlot = { dataDir: '', running: undefined };
  beforeEach(() => {
    slot.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    const running = slot.running;
    if (running && running.process.exitCode === null && running.process.signalCode === null) {
      running.process.kill('SIGKILL');
      await running.exited;
    }
    slot.running = undefined;
    fs.rmSync(slot.dataDir, { recursive: true, force: true });
  });
  return slot;
}
