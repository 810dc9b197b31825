/**
 * Where the command line's data is: a running Hindsight (its API and OTLP URLs), or a
 * data directory named with --data-dir that no server holds, opened in this process
 * behind the same API on free loopback ports, so every command has one code path (HTTP)
 * either way. Nothing is opened or created unless --data-dir names it: with no server
 * found, a command says so and fails.
 */
import { clientCredentials, makeConfig } from '../common/config';
import { HindsightError } from '../common/errors';
import { createLogger } from '../common/log';
import type { ServerInfoResponse } from '../viewer/api/types';
import { readOwner } from './lockfile';
import { startServer } from './server';

export interface Target {
  /** The query API; undefined for an import sent to --otlp-url with no API found. */
  apiUrl: string | undefined;
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
  /**
   * What the command needs: the query API (every command but import), or only an OTLP
   * receiver (import), which --otlp-url names without any API.
   * @default 'api'
   */
  needs?: 'api' | 'otlp';
}

export const DEFAULT_URL = 'http://127.0.0.1:16686';
const DEFAULT_DATA_DIR = './data';

/** No Hindsight to talk to: the message says where the command looked and what to do. */
export class NoServerError extends Error {}

async function reachable(url: string, headers: Record<string, string>): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { headers, signal: AbortSignal.timeout(800) })).ok;
  } catch {
    return false;
  }
}

/**
 * The OTLP/HTTP URL of the process behind `apiUrl`, as its API names it, on the host the
 * API was reached at (a server bound to 0.0.0.0 names no host of its own).
 */
async function otlpUrlOf(apiUrl: string, headers: Record<string, string>): Promise<string> {
  let info: ServerInfoResponse;
  try {
    const response = await fetch(`${apiUrl}/api/v1/server`, { headers: { Accept: 'application/json', ...headers }, signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    info = (await response.json()) as ServerInfoResponse;
  } catch (err) {
    throw new NoServerError(`the Hindsight at ${apiUrl} did not say where it receives OTLP (${err instanceof Error ? err.message : String(err)}); pass --otlp-url`);
  }
  if (info.otlp === null) throw new NoServerError(`the Hindsight at ${apiUrl} runs only the viewer and receives no spans; pass --otlp-url with its collector's OTLP/HTTP URL`);
  // URL's hostname keeps an IPv6 address's brackets.
  return `${info.otlp.tls ? 'https' : 'http'}://${new URL(apiUrl).hostname}:${info.otlp.httpPort}`;
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  const { uiToken, ingestToken } = clientCredentials();
  const token = options.token ?? uiToken;
  const apiHeaders: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const ingestHeaders: Record<string, string> = ingestToken ? { Authorization: `Bearer ${ingestToken}` } : {};
  const needs = options.needs ?? 'api';
  const remote = async (apiUrl: string | undefined, otlpUrl: string | undefined): Promise<Target> => {
    const api = apiUrl?.replace(/\/$/, '');
    const otlp = otlpUrl ?? options.otlpUrl ?? (needs === 'otlp' && api !== undefined ? await otlpUrlOf(api, apiHeaders) : undefined);
    return { apiUrl: api, otlpUrl: (otlp ?? '').replace(/\/$/, ''), apiHeaders, ingestHeaders, close: async () => undefined };
  };

  if (options.url !== undefined) {
    if (!(await reachable(options.url, apiHeaders))) {
      // An import can still go to an OTLP receiver named on its own.
      if (needs === 'otlp' && options.otlpUrl !== undefined) return remote(undefined, options.otlpUrl);
      throw new NoServerError(`no Hindsight answers at ${options.url}`);
    }
    return remote(options.url, undefined);
  }
  if (options.dataDir !== undefined) {
    const owner = readOwner(options.dataDir);
    if (owner) return remote(owner.apiUrl, options.otlpUrl ?? owner.otlpUrl);
    // Named on the command line: open it here, creating it if need be.
    const config = makeConfig({ dataDir: options.dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, uiPort: 0, clickhouseHttpPort: 0, logLevel: 'silent' });
    const server = await startServer(config, createLogger(config));
    return {
      apiUrl: `http://127.0.0.1:${server.ports.ui}`,
      otlpUrl: `http://127.0.0.1:${server.ports.otlpHttp}`,
      apiHeaders: {},
      ingestHeaders: {},
      close: () => server.close(),
    };
  }
  if (await reachable(DEFAULT_URL, apiHeaders)) return remote(DEFAULT_URL, undefined);
  // A `hindsight serve` on other ports, holding ./data, says where it is; reading that opens nothing.
  const owner = readOwner(DEFAULT_DATA_DIR);
  if (owner) return remote(owner.apiUrl, options.otlpUrl ?? owner.otlpUrl);
  if (needs === 'otlp' && options.otlpUrl !== undefined) return remote(undefined, options.otlpUrl);
  throw new NoServerError(
    `no Hindsight server found: nothing answers at ${DEFAULT_URL}, and no running server holds ${DEFAULT_DATA_DIR}. ` +
      'Start one with `hindsight serve`, point at one with --url URL, or open a data directory with --data-dir DIR.',
  );
}

/** For the callers that need the query API: the Target's, which `needs: 'api'` always finds. */
export function apiUrlOf(target: Target): string {
  if (target.apiUrl === undefined) throw new HindsightError('HS_INTERNAL', 'this command needs the query API, and none was found');
  return target.apiUrl;
}
