/**
 * The remote insert as it goes over the wire. No ClickHouse server runs here, so a
 * loopback HTTP endpoint records what @clickhouse/client sends and answers the way
 * ClickHouse's HTTP interface does (an exception code header and text on failure).
 * What is checked is Hindsight's side of the contract: the target table, the
 * Native body (the same blocks the embedded store inserts), the compression, the
 * credentials, and a retry that carries the same deduplication token.
 */
import * as http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { makeConfig } from '../../common/config';
import { openStore } from '../../storage/store';
import { batchKey } from '../../collector/ingest/idempotency';
import { SPAN_COLUMNS } from '../../storage/columns';
import { spanRows } from '../support/span-rows';

interface Seen {
  query: string;
  token: string | null;
  settings: URLSearchParams;
  encoding: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

async function endpoint(failures: number): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let failed = 0;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const raw = Buffer.concat(parts);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const query = url.searchParams.get('query') ?? body.toString('latin1').split('\n')[0]!;
      if (!query.startsWith('INSERT')) {
        res.end('Ok.\n');
        return;
      }
      seen.push({
        query,
        token: url.searchParams.get('insert_deduplication_token'),
        settings: url.searchParams,
        encoding: req.headers['content-encoding'],
        authorization: req.headers.authorization,
        body,
      });
      if (failed++ < failures) {
        res.writeHead(503, { 'X-ClickHouse-Exception-Code': '210' });
        res.end('Code: 210. DB::Exception: Connection refused (NETWORK_ERROR)');
        return;
      }
      res.end('');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Two requests' rows as the decoders write them: Native blocks. */
const rows = [spanRows(2, 'a').data, spanRows(1, 'b').data];

test('a failed insert is retried with the same deduplication token: a Native body, compressed, with the credentials', async () => {
  const ch = await endpoint(2);
  const store = openStore(makeConfig({ clickhouseUrl: ch.url, database: 'otel', clickhouseUser: 'hindsight', clickhousePassword: 's3cret' }));
  const token = batchKey(['request-a', 'request-b']);
  await store.insertRows('otel_traces', SPAN_COLUMNS, rows, token);
  await store.close();
  await ch.close();
  expect(ch.seen).toHaveLength(3);
  for (const attempt of ch.seen) {
    expect(attempt.query).toBe(`INSERT INTO otel.otel_traces (${SPAN_COLUMNS.map((c) => `\`${c}\``).join(', ')}) FORMAT Native`);
    expect(attempt.token).toBe(token);
    expect(attempt.settings.get('insert_deduplicate')).toBe('1');
    expect(attempt.settings.get('async_insert')).toBe('0');
    expect(attempt.encoding).toBe('gzip');
    expect(attempt.authorization).toBe(`Basic ${Buffer.from('hindsight:s3cret').toString('base64')}`);
    expect(attempt.body.equals(Buffer.concat(rows))).toBe(true);
  }
});

test('after three failures the error reaches the writer, which answers the exporter with retry-later', async () => {
  const ch = await endpoint(5);
  const store = openStore(makeConfig({ clickhouseUrl: ch.url }));
  await expect(store.insertRows('otel_traces', SPAN_COLUMNS, rows, batchKey(['a']))).rejects.toThrow(/NETWORK_ERROR|Connection refused/);
  await store.close();
  await ch.close();
  expect(ch.seen).toHaveLength(3);
});

test('on a cluster, writes go through the Distributed table on the shards, or to the local shard when told', async () => {
  const ch = await endpoint(0);
  for (const clusterInsert of ['distributed', 'local'] as const) {
    const store = openStore(makeConfig({ clickhouseUrl: ch.url, cluster: 'hindsight', clusterInsert }));
    await store.insertRows('otel_traces', SPAN_COLUMNS, rows, batchKey([clusterInsert]));
    await store.close();
  }
  await ch.close();
  expect(ch.seen.map((s) => /INSERT INTO (\S+)/.exec(s.query)![1])).toEqual(['otel.otel_traces', 'otel.otel_traces_local']);
  expect(ch.seen.map((s) => [s.settings.get('distributed_foreground_insert'), s.settings.get('distributed_product_mode')])).toEqual([
    ['1', 'local'],
    ['1', 'local'],
  ]);
});

test('the token depends on every request of the batch and their order', () => {
  expect(batchKey(['a', 'b'])).toBe(batchKey(['a', 'b']));
  expect(batchKey(['a', 'b'])).not.toBe(batchKey(['a', 'c']));
  expect(batchKey(['a', 'b'])).not.toBe(batchKey(['b', 'a']));
  expect(batchKey(['ab'])).not.toBe(batchKey(['a', 'b']));
});
