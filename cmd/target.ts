/**
 * Where the command line's data is: a running Hindsight (its API and OTLP URLs),
 * or, when no server holds the data directory, that directory opened in this
 * process behind the same API on free loopback ports, so every command has one
 * code path (HTTP) either way.
 */
import { clientCredentials, makeConfig } from '../common/config';
import { HindsightError } from '../common/errors';
import { createLogger } from '../common/log';
import { readOwner } from './lockfile';
import { startServer } from './server';

export interface Target {
  apiUrl: string;
  otlpUrl: string;
  /** The viewer credential (--token, HINDSIGHT_UI_TOKEN) and the ingest token (HINDSIGHT_INGEST_TOKENS), as headers. */
  apiHeaders: Record<string, string>;
  ingestHeaders: Record<string, string>;
  close(): Promise<void>;
}

export interface TargetOptions {
  token?: string;
  url?: string;
  otlpUrl?: string;
  dataDir?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:16686';
const DEFAULT_OTLP_URL = 'http://127.0.0.1:4318';

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(800) })).ok;
  } catch {
    return false;
  }
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  const { uiToken, ingestToken } = clientCredentials();
  const token = options.token ?? uiToken;
  const apiHeaders: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const ingestHeaders: Record<string, string> = ingestToken ? { Authorization: `Bearer ${ingestToken}` } : {};
  const remote = (apiUrl: string, otlpUrl: string | undefined): Target => ({
    apiUrl: apiUrl.replace(/\/$/, ''),
    otlpUrl: otlpUrl ?? DEFAULT_OTLP_URL,
    apiHeaders,
    ingestHeaders,
    close: async () => undefined,
  });
  if (options.url !== undefined) {
    if (!(await reachable(options.url))) throw new HindsightError('HS_STORE_UNAVAILABLE', `no Hindsight answers at ${options.url}`);
    return remote(options.url, options.otlpUrl);
  }
  if (options.dataDir === undefined && (await reachable(DEFAULT_URL))) return remote(DEFAULT_URL, options.otlpUrl);
  const dataDir = options.dataDir ?? './data';
  const owner = readOwner(dataDir);
  if (owner) return remote(owner.apiUrl, options.otlpUrl ?? owner.otlpUrl);
  const config = makeConfig({ dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, uiPort: 0, logLevel: 'silent' });
  const server = await startServer(config, createLogger(config));
  return { apiUrl: `http://127.0.0.1:${server.ports.ui}`, otlpUrl: `http://127.0.0.1:${server.ports.otlpHttp}`, apiHeaders: {}, ingestHeaders: {}, close: () => server.close() };
}
