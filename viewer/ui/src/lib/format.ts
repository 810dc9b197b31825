/** Durations and times for people. */

/** Nanoseconds as a short duration: 850ns, 12.3µs, 4.56ms, 1.23s, 2m 3s. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)}ns`;
  if (abs < 1e6) return `${trim(ns / 1e3)}µs`;
  if (abs < 1e9) return `${trim(ns / 1e6)}ms`;
  if (abs < 60e9) return `${trim(ns / 1e9)}s`;
  const minutes = Math.floor(abs / 60e9);
  const seconds = Math.round((abs - minutes * 60e9) / 1e9);
  return `${ns < 0 ? '-' : ''}${minutes}m ${seconds}s`;
}

function trim(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

/** Unix nanoseconds (decimal string) as a local date-time with milliseconds. */
export function formatTime(ns: string): string {
  const date = new Date(Number(BigInt(ns) / 1_000_000n));
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A compact relative label ("3m ago") for recent times. */
export function formatAgo(ns: string, nowMs = Date.now()): string {
  const seconds = Math.max(0, Math.round((nowMs - Number(BigInt(ns) / 1_000_000n)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

/** A start time for lists: the time of day when it is today, else the date and minute. */
export function formatShortTime(ns: string, nowMs = Date.now()): string {
  const full = formatTime(ns);
  const today = formatTime(String(BigInt(Math.floor(nowMs)) * 1_000_000n)).slice(0, 10);
  return full.startsWith(today) ? full.slice(11, 19) : full.slice(0, 16);
}
