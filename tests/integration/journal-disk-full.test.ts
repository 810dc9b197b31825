/**
 * A full disk under the ingest journal (issue 12, items 5 and 7), on a real tmpfs
 * holding a child server's data directory:
 * - a rotation that cannot write the new journal kept a closed descriptor, which the
 *   next accepted socket reused: a client got journal JSON as its HTTP response, and
 *   the journal got HTTP bytes. Now the old file stays open until the new one is in
 *   place, and appending goes on in it;
 * - a journal that cannot be appended answered 500 HS_STORE_REJECTED, which
 *   exporters drop. Now it is 503 with Retry-After (HS_STORE_FULL) and UNAVAILABLE
 *   over gRPC, and ingest resumes by itself once space returns.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { status as GrpcCode } from '@grpc/grpc-js';
import { JOURNAL_FILE, JOURNAL_MAX_BYTES, JOURNAL_MIN_GROWTH } from '../../collector/ingest/idempotency';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { grpcExport } from '../support/http';
import { startChildServer, type ChildServer } from '../support/child';
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from '../support/tmpfs';

const unavailable = tmpfsUnavailable();
if (unavailable !== undefined) process.stdout.write(`[journal-disk-full] skipped: ${unavailable}\n`);
const describeWithTmpfs = unavailable === undefined ? describe : describe.skip;

const MiB = 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A journal left by an earlier process whose requests were all stored: their keys
 * are carried at the head of the new journal, which starts just under the size
 * at which it is rewritten. Rewriting it needs about 4 MiB free.
 */
function seedJournal(dataDir: string): void {
  const keys: string[] = [];
  const headBytes = (n: number): number => `{"recovered":[],"at":${Date.now()}}\n`.length + n * 27 - 1;
  while (headBytes(keys.length + 1) < JOURNAL_MAX_BYTES - 16 * 1024) keys.push(String(keys.length).padStart(24, 'k'));
  const lines: string[] = [];
  for (let batch = 1; keys.length > 0; batch++) {
    lines.push(JSON.stringify({ batch, requests: keys.splice(0, 1000).map((key) => ({ key })) }), JSON.stringify({ stored: batch }));
  }
  fs.writeFileSync(path.join(dataDir, JOURNAL_FILE), `${lines.join('\n')}\n`);
}

interface Answer {
  raw: string;
  status: number;
  retryAfter: string | undefined;
}

/** One export on a connection of its own, read byte for byte: what a new socket receives. */
function rawExport(port: number, body: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let failure = '';
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      failure = `\n(socket error: ${err.code ?? err.message})`;
    });
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1') + failure;
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1] ?? 0);
      resolve({ raw, status, retryAfter: /\r\nretry-after: *(\d+)\r\n/i.exec(raw)?.[1] });
    });
    socket.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-protobuf\r\n` + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body);
  });
}

/** What each of the process's descriptors points to (/proc/<pid>/fd). */
function openFiles(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return fs.readdirSync(dir).flatMap((fd) => {
    try {
      return [fs.readlinkSync(path.join(dir, fd))];
    } catch {
      return [];
    }
  });
}

describeWithTmpfs('a child server whose data directory is on a full tmpfs', () => {
  let tmpfs: Tmpfs;
  let child: ChildServer;
  let dataDir: string;
  let journal: string;
  const answers: Answer[] = [];
  const burst = async (n: number): Promise<Answer[]> => {
    const batch = await Promise.all(Array.from({ length: n }, () => rawExport(child.ports.otlpHttp, protobufRequest(makeSimpleTrace({ service: 'tmpfs' })))));
    answers.push(...batch);
    return batch;
  };
  const logged = (text: string): boolean => child.logs.some((line) => line.includes(text));

  beforeAll(async () => {
    tmpfs = mountTmpfs(64);
    dataDir = path.join(tmpfs.dir, 'data');
    journal = path.join(dataDir, JOURNAL_FILE);
    fs.mkdirSync(dataDir);
    seedJournal(dataDir);
    child = await startChildServer(dataDir);
  }, 60_000);
  afterAll(async () => {
    if (child !== undefined && child.process.exitCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
    tmpfs?.unmount();
  });

  test('a journal rotation that meets a full disk keeps the old file, and no socket ever gets journal bytes', async () => {
    const opened = fs.statSync(journal);
    expect(opened.size).toBeGreaterThan(JOURNAL_MAX_BYTES - 32 * 1024);
    // Grow the journal to just under the size at which it is next rewritten.
    const due = Math.max(JOURNAL_MAX_BYTES, opened.size + JOURNAL_MIN_GROWTH);
    const size = (): number => fs.statSync(journal).size;
    while (size() < due - 8 * 1024 && fs.statSync(journal).ino === opened.ino) await burst(50);
    while (size() < due - 512 && fs.statSync(journal).ino === opened.ino) await burst(1);
    const inode = fs.statSync(journal).ino;
    // Room for the engine (it reserves 1 MiB per insert) and for appends, not for a rewritten journal.
    tmpfs.fill(1.5 * MiB);
    const sane = (a: Answer): boolean => /^HTTP\/1\.1 (200|503) /.test(a.raw);
    for (let i = 0; i < 30 && !logged('rotation failed') && answers.every(sane); i++) await burst(5);
    // More requests on fresh sockets, which would take a descriptor the journal left closed.
    await burst(50);
    await burst(50);

    for (const answer of answers) {
      expect(answer.raw).toMatch(/^HTTP\/1\.1 (200|503) /);
      expect(answer.raw).not.toMatch(/"(batch|stored|recovered)":/);
      if (answer.status === 503) expect(answer.retryAfter).toMatch(/^\d+$/);
    }
    expect(fs.readFileSync(journal, 'latin1')).not.toContain('HTTP/');
    expect(logged('ingest journal: rotation failed; appending to the current file')).toBe(true);
    // The journal is the file it was, open once; nothing half-written is left open or on disk.
    expect(fs.statSync(journal).ino).toBe(inode);
    expect(openFiles(child.process.pid!).filter((f) => f.startsWith(journal))).toEqual([journal]);
    expect(fs.existsSync(`${journal}.tmp`)).toBe(false);

    // Space returns: ingest resumes, and the next rotation goes through.
    tmpfs.unfill();
    let resumed = 0;
    for (let i = 0; i < 100 && fs.statSync(journal).ino === inode; i++) {
      resumed += (await burst(50)).filter((a) => a.status === 200).length;
    }
    expect(resumed).toBeGreaterThan(0);
    expect(fs.statSync(journal).ino).not.toBe(inode);
    expect(fs.readFileSync(journal, 'latin1')).not.toContain('HTTP/');
    expect(openFiles(child.process.pid!).filter((f) => f.startsWith(journal))).toEqual([journal]);
  }, 180_000);

  test('a journal that cannot be appended answers 503 with Retry-After and UNAVAILABLE, then ingest resumes', async () => {
    tmpfs.fill(0);
    const [first] = await burst(1);
    expect(first!.status).toBe(503);
    expect(first!.retryAfter).toMatch(/^\d+$/);
    expect(first!.raw).toMatch(/ENOSPC|no space left|not enough space/i);
    const { error } = await grpcExport(`127.0.0.1:${child.ports.otlpGrpc}`, protobufRequest(makeSimpleTrace({ service: 'tmpfs-grpc' })));
    expect(error?.code).toBe(GrpcCode.UNAVAILABLE);
    const metrics = await (await fetch(`http://127.0.0.1:${child.ports.otlpHttp}/metrics`)).text();
    expect(metrics).toMatch(/^hindsight_spans_refused_total\{[^}]*reason="HS_STORE_FULL"[^}]*\} [1-9]/m);
    expect(metrics).not.toMatch(/reason="HS_STORE_REJECTED"/);

    tmpfs.unfill();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      [{ status }] = (await burst(1)) as [Answer];
      if (status !== 200) await sleep(100);
    }
    expect(status).toBe(200);
    expect(fs.readFileSync(journal, 'latin1')).not.toContain('HTTP/');
  }, 60_000);
});
