#!/usr/bin/env node
/**
 * The `hindsight` command. `serve` (what `npm start` runs) runs the collector and
 * the viewer over one store; `collector` and `viewer` run one half each; the other
 * commands are clients of a running Hindsight or of a data directory.
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { OPTIONS, defaultThreadPoolSize, loadConfig } from '../common/config';
import { HindsightError } from '../common/errors';
import { createLogger } from '../common/log';
import { startServer, type Role } from './server';
import { threadPoolSize } from './thread-pool';
import { CLIENT_COMMANDS, UsageError, type Command } from './commands';
import { stdoutOutput } from './render';
import { NoServerError, openTarget } from './target';

const SERVER_COMMANDS: Record<Role, string> = {
  serve: 'collector and viewer in one process (embedded chDB by default)',
  collector: 'only receive OTLP on :4318 (HTTP) and :4317 (gRPC); needs --clickhouse-url',
  viewer: 'only the viewer and query API on :16686; needs --clickhouse-url',
};

const CLIENT_FLAGS = `client options:
  --url URL          a running Hindsight's viewer/API (default: http://127.0.0.1:16686, or the
                     server holding ./data; with neither running, the command says so and fails)
  --data-dir DIR     this data directory: through the server holding it, or opened here when
                     none does (only this flag opens or creates a directory)
  --otlp-url URL     where import sends spans (default: the OTLP/HTTP port of the server found)
  --token TOKEN      the viewer token of a server run with --ui-token (or HINDSIGHT_UI_TOKEN);
                     import sends the first of HINDSIGHT_INGEST_TOKENS
  --help             this help`;

const USAGE = `usage: hindsight <command> [options]

${Object.entries(SERVER_COMMANDS)
  .map(([name, summary]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}
${CLIENT_COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run hindsight <command> --help for a command's options.
`;

function serverUsage(role: Role): string {
  return `usage: hindsight ${role} [options]

${SERVER_COMMANDS[role]}

options (each also read from its environment variable; flags win):
${OPTIONS.filter((o) => !o.hidden)
  .map((o) => `  --${o.flag.padEnd(28)} ${o.env.padEnd(38)} default ${JSON.stringify(o.default) ?? 'unset'}`)
  .join('\n')}
`;
}

function clientUsage(command: Command): string {
  return `usage: ${command.usage}\n\n${command.summary}\n\n${CLIENT_FLAGS}\n`;
}

async function runServer(role: Role, argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(serverUsage(role));
    return 0;
  }
  let config;
  try {
    config = loadConfig(argv);
  } catch (err) {
    process.stderr.write(`hindsight: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  // libuv reads this once, when its pool first takes work, and nothing has yet: loading
  // modules and the config is synchronous. An operator's own value wins.
  defaultThreadPoolSize(threadPoolSize(config));
  const logger = createLogger(config);
  // Listening before the start: a signal that comes while it runs (or right after the
  // "hindsight started" line, before a later handler would be there) stops the server once
  // it is up, instead of killing the process outright.
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'draining and stopping');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const server = await startServer(config, logger, { role });
  await stopped;
  await server.close();
  return 0;
}

async function runClient(command: Command, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, url: { type: 'string' }, 'data-dir': { type: 'string' }, 'otlp-url': { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`hindsight ${command.name}: ${err instanceof Error ? err.message : String(err)}\n\n${clientUsage(command)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(clientUsage(command));
    return 0;
  }
  const [min, max] = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    process.stderr.write(`hindsight ${command.name}: wrong number of arguments\n\n${clientUsage(command)}`);
    return 2;
  }
  try {
    command.check?.(positionals, values);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`hindsight ${command.name}: ${err.message}\n\n${clientUsage(command)}`);
    return 2;
  }
  let target;
  try {
    target = await openTarget({
      url: values.url as string | undefined,
      otlpUrl: values['otlp-url'] as string | undefined,
      dataDir: values['data-dir'] as string | undefined,
      token: values.token as string | undefined,
      needs: command.needs ?? 'api',
    });
  } catch (err) {
    if (!(err instanceof NoServerError)) throw err;
    process.stderr.write(`hindsight ${command.name}: ${err.message}\n`);
    return 1;
  }
  try {
    return await command.run(target, positionals, values, stdoutOutput());
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hindsight ${command.name}: ${err.message}\n\n${clientUsage(command)}`);
      return 2;
    }
    process.stderr.write(`hindsight ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name in SERVER_COMMANDS) return runServer(name as Role, rest);
  const command = CLIENT_COMMANDS.find((c) => c.name === name);
  if (command) return runClient(command, rest);
  process.stderr.write(`hindsight: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof HindsightError ? `${err.code}: ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`hindsight: failed: ${message}\n`);
    process.exit(1);
  },
);
