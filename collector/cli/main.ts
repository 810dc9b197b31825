#!/usr/bin/env node
/**
 * The `hindsight` command. `serve` (what `npm start` runs) runs the collector and
 * the viewer over one store; `collector` and `viewer` run one half each.
 */
import { OPTIONS, loadConfig } from '../config';
import { HindsightError } from '../errors';
import { createLogger } from '../log';
import { startServer } from '../server';

const USAGE = `usage: hindsight <serve|collector|viewer> [options]

  serve      collector and viewer in one process (embedded chDB by default)
  collector  only receive OTLP on :4318 (HTTP) and :4317 (gRPC); needs --clickhouse-url
  viewer     only the viewer and query API on :16686; needs --clickhouse-url

options (each also read from its environment variable; flags win):
${OPTIONS.map((o) => `  --${o.flag.padEnd(22)} ${o.env.padEnd(32)} default ${JSON.stringify(o.default) ?? 'unset'}`).join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'serve' && command !== 'collector' && command !== 'viewer') {
    process.stderr.write(`hindsight: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(rest);
  } catch (err) {
    process.stderr.write(`hindsight: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const logger = createLogger(config);
  const server = await startServer(config, logger, command);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'draining and stopping');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof HindsightError ? `${err.code}: ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`hindsight: failed to start: ${message}\n`);
    process.exit(1);
  },
);
