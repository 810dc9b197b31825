/**
 * The embedded store's scratch files hold every batch of spans for a moment
 * (storage/scratch.ts): private to the process's user, gone when the store
 * closes, and out of the SQL endpoint's reach.
 */
import * as fs from 'node:fs';
import { openScratch } from '../../storage/scratch';
import { spanRows } from '../support/span-rows';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => stopTestServer(server));

test('a batch file is readable by its owner only, and the directory goes with the store', async () => {
  const scratch = openScratch();
  const rows = spanRows(3, 'scratch');
  const file = await scratch.write([rows.data]);
  expect(fs.statSync(scratch.dir).mode & 0o777).toBe(0o700);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(file).equals(rows.data)).toBe(true);
  await scratch.remove(file);
  expect(fs.existsSync(file)).toBe(false);
  scratch.close();
  expect(fs.existsSync(scratch.dir)).toBe(false);
});

test('the SQL endpoint cannot read a batch file', async () => {
  const scratch = openScratch();
  try {
    const file = await scratch.write([spanRows(1, 'secret-trace').data]);
    for (const query of [`SELECT * FROM file('${file}', Native)`, `SELECT file('${file}')`, `SELECT * FROM file('${scratch.dir}/*', Native)`]) {
      const response = await fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, format: 'json' }) });
      const text = await response.text();
      expect(response.status).toBe(400);
      expect(text).not.toContain('secret-trace');
    }
  } finally {
    scratch.close();
  }
});
