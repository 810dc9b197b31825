import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** Structured JSON lines on stdout. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { app: 'hindsight' }, timestamp: pino.stdTimeFunctions.isoTime });
}
