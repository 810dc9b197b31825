/** With --ui-token, the viewer asks for the token on its own sign-in page and keeps it for the tab. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { makeTraces, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

let dir: string;
let server: ChildServer;
let browser: Browser;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-signin-'));
  server = await startChildServer(dir, ['--ui-token', 'let-me-in']);
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(makeTraces().spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dir);
});

test('a wrong token keeps the sign-in page; the right one shows the data, for this tab only', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${server.ports.ui}/search?service=frontend`);
  await page.waitForSelector('section.signin');
  await page.fill('input[name=token]', 'guess');
  await page.click('button[type=submit]');
  await page.waitForSelector('section.signin');
  await page.fill('input[name=token]', 'let-me-in');
  await page.click('button[type=submit]');
  await page.waitForSelector('a.result');
  expect(await page.textContent('a.result')).toContain('frontend');
  await page.screenshot({ path: path.join(__dirname, 'screenshots', 'signed-in.png') });
  // sessionStorage: a new tab (a new context) must sign in again.
  const other = await (await browser.newContext()).newPage();
  await other.goto(`http://127.0.0.1:${server.ports.ui}/search`);
  await other.waitForSelector('section.signin');
});
