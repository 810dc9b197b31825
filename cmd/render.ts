/**
 * Terminal output: plain text when stdout is not a terminal (pipes, files,
 * tests), colours only on a TTY and never with NO_COLOR set.
 */
import { colorAllowed } from '../common/config';

export interface Output {
  tty: boolean;
  color: boolean;
  columns: number;
  write(text: string): void;
}

export function stdoutOutput(): Output {
  const tty = process.stdout.isTTY === true;
  return {
    tty,
    color: tty && colorAllowed(),
    columns: process.stdout.columns ?? 100,
    write: (text) => void process.stdout.write(text),
  };
}

const PALETTE = [33, 208, 70, 133, 73, 178, 211, 137, 167, 114];

export function paint(out: Output, text: string, code: number | undefined): string {
  return out.color && code !== undefined ? `\u001b[38;5;${code}m${text}\u001b[0m` : text;
}

export function bold(out: Output, text: string): string {
  return out.color ? `\u001b[1m${text}\u001b[0m` : text;
}

/** The same stable colour per service as the viewer's idea of it: a hash of the name. */
export function serviceCode(service: string): number {
  let hash = 2166136261;
  for (let i = 0; i < service.length; i++) hash = Math.imul(hash ^ service.charCodeAt(i), 16777619);
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}

/** Control characters from telemetry must not drive the terminal. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const cells = [headers, ...rows].map((r) => r.map(safe));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** A one-line progress bar on stderr, redrawn in place; nothing when stderr is not a terminal. */
export function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}\u001b[K${done === total ? '\n' : ''}`);
}
