/**
 * Durations and times for people, the same in the UI, the CLI and the TUI. Times
 * arrive as the API sends them (Unix nanoseconds, decimal strings); they become
 * milliseconds in msOf and nowhere else.
 */

/** The units below a minute, each with the size of one in nanoseconds and where the next takes over. */
const UNITS = [
  { size: 1e3, name: 'µs', below: 1000 },
  { size: 1e6, name: 'ms', below: 1000 },
  { size: 1e9, name: 's', below: 60 },
] as const;

/**
 * Nanoseconds as a short duration with at most three significant digits: 500ns,
 * 1.5µs, 12.3µs, 4.56ms, 300ms, 1.23s, 2m 3s. A value that rounds up to the next
 * unit is written in it (999.9996ms is 1s, 119.6s is 2m 0s), never as 1000ms or
 * 1m 60s. Negative durations (clock skew) keep their sign; NaN and infinities are —.
 */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const abs = Math.round(Math.abs(ns));
  const sign = ns < 0 && abs > 0 ? '-' : '';
  if (abs < 1e3) return `${sign}${abs}ns`;
  for (const unit of UNITS) {
    const value = threeDigits(abs / unit.size);
    if (value < unit.below) return `${sign}${value}${unit.name}`;
  }
  const seconds = Math.round(abs / 1e9);
  return `${sign}${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** Rounded to three significant digits (two decimals below 10, one below 100, none above). */
function threeDigits(value: number): number {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return Number(value.toFixed(digits));
}

/** Unix nanoseconds (decimal string) as Unix milliseconds, rounded down. */
export function msOf(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n);
}

/** Unix nanoseconds (decimal string) as a local date-time with milliseconds: 2026-11-24 10:45:16.333. */
export function formatTime(ns: string): string {
  const date = new Date(msOf(ns));
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * Unix nanoseconds (decimal string) as ISO 8601 in UTC with milliseconds: for output
 * that scripts read (the CLI's tables), where a local time without its zone would be
 * ambiguous.
 */
export function formatIsoTime(ns: string): string {
  return new Date(msOf(ns)).toISOString();
}

/** A compact relative label ("3m ago") for recent times. */
export function formatAgo(ns: string, nowMs = Date.now()): string {
  const seconds = Math.max(0, Math.round((nowMs - msOf(ns)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

/** A start time for lists: the local time of day when it is today, else the date and minute. */
export function formatShortTime(ns: string, nowMs = Date.now()): string {
  const full = formatTime(ns);
  const today = formatTime(String(BigInt(Math.floor(nowMs)) * 1_000_000n)).slice(0, 10);
  return full.startsWith(today) ? full.slice(11, 19) : full.slice(0, 16);
}
