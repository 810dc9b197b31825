import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger } from '../../../../common/log';
import type { Store } from '../../../../storage/store';
import { IngestJournal, JOURNAL_FILE, JOURNAL_MAX_BYTES, JOURNAL_MIN_GROWTH, RecentRequests, requestKey, type JournaledRequest } from '../../../../collector/ingest/idempotency';

test('a request key depends on every byte of the body', () => {
  const body = Buffer.from('0123456789abcdef');
  const changed = Buffer.from(body);
  changed[15] = 0x30;
  expect(requestKey(body)).toBe(requestKey(Buffer.from(body)));
  expect(requestKey(body)).not.toBe(requestKey(changed));
});

test('recent requests expire after 15 minutes', () => {
  const recent = new RecentRequests();
  recent.add('a', 0);
  recent.add('b', 60_000);
  expect(recent.has('a', 14 * 60_000)).toBe(true);
  expect(recent.has('a', 15 * 60_000 + 1)).toBe(false);
  expect(recent.has('b', 15 * 60_000 + 1)).toBe(true);
  expect(recent.size).toBe(1);
});

describe('the ingest journal', () => {
  const silent = createLogger({ logLevel: 'silent' });
  /** No journal exists yet in a fresh directory, so opening it never asks the store anything. */
  const noStore = {} as Store;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const openFds = (): string[] => fs.readdirSync('/proc/self/fd').sort();
  const requests = (n: number, tag: string): JournaledRequest[] => Array.from({ length: n }, (_, i) => ({ key: `${tag}-${String(i).padStart(20, '0')}`, probe: undefined }));

  test('a rotation that cannot write the new file keeps appending to the old one, on the same descriptor', async () => {
    const { journal } = await IngestJournal.open(dir, noStore, silent);
    const file = path.join(dir, JOURNAL_FILE);
    const fds = openFds();
    // The new file cannot be created: a directory holds its name.
    fs.mkdirSync(`${file}.tmp`);
    let batch = 0;
    while (fs.statSync(file).size < JOURNAL_MAX_BYTES + 2 * JOURNAL_MIN_GROWTH) batch = journal.begin(requests(200, 'a'));
    journal.stored(batch);
    expect(openFds()).toEqual(fds);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.at(-1)).toBe(JSON.stringify({ stored: batch }));
    expect(lines.every((line) => JSON.parse(line) !== undefined)).toBe(true);

    // Once the new file can be written, the next rotation replaces the journal with its last lines.
    fs.rmdirSync(`${file}.tmp`);
    const before = fs.statSync(file).ino;
    while (fs.statSync(file).ino === before) journal.begin(requests(200, 'b'));
    expect(fs.statSync(file).size).toBeLessThan(JOURNAL_MAX_BYTES);
    expect(openFds()).toEqual(fds);
    journal.close();
  });
});
