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

/**
 * Unix nanoseconds (decimal string) as ISO 8601 in UTC with milliseconds: for output
 * that scripts read (the CLI's tables), where a local time without its zone would be
 * ambiguous.
 */
export function formatIsoTime(ns: string): string {
  return new Date(msOf(ns)).toISOString();
}

/** Unix milliseconds as Unix nanoseconds (decimal string), for times that arrive in ms. */
export function nsOfMs(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

/** A moment as every page of the viewer shows it. */
export interface When {
  /** In the user's locale, always with the 24-hour clock, to the millisecond: "24 Nov 2026, 10:45:16.333". */
  absolute: string;
  /** From now, in the user's locale: "3 minutes ago", "yesterday". */
  relative: string;
  /** Both: "24 Nov 2026, 10:45:16.333 (3 minutes ago)". */
  text: string;
}

export interface WhenOptions {
  nowMs?: number;
  /** A BCP 47 locale; the user's (the browser's, or the process's) when undefined. */
  locale?: string;
  /** An IANA time zone; the user's when undefined. */
  timeZone?: string;
}

const absolutes = new Map<string, Intl.DateTimeFormat>();
const relatives = new Map<string, Intl.RelativeTimeFormat>();

/** Building an Intl formatter costs far more than using one: one per locale and zone. */
function absoluteFormat(locale: string | undefined, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone ?? ''}`;
  let format = absolutes.get(key);
  if (format === undefined) {
    // One clock for everyone: h23, whatever the locale's habit, so 14:05 never reads as 2:05.
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
      timeZone,
    });
    absolutes.set(key, format);
  }
  return format;
}

function relativeFormat(locale: string | undefined): Intl.RelativeTimeFormat {
  const key = locale ?? '';
  let format = relatives.get(key);
  if (format === undefined) relatives.set(key, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  return format;
}

const RELATIVE_UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/**
 * The one way the viewer writes a moment (Unix nanoseconds, decimal string): absolute in the
 * user's locale with a 24-hour clock, plus how long ago. Search results, the trace summary,
 * the span detail, the scatter plot's axis and the anomalies all call this; the CLI's tables
 * keep ISO 8601 (formatIsoTime), which scripts read.
 */
export function formatWhen(ns: string, options: WhenOptions = {}): When {
  const ms = msOf(ns);
  const absolute = absoluteFormat(options.locale, options.timeZone).format(new Date(ms));
  let value = Math.round((ms - (options.nowMs ?? Date.now())) / 1000);
  let unit: Intl.RelativeTimeFormatUnit = 'second';
  for (const [name, size] of RELATIVE_UNITS) {
    unit = name;
    if (Math.abs(value) < size) break;
    value = Math.round(value / size);
  }
  const relative = relativeFormat(options.locale).format(value, unit);
  return { absolute, relative, text: `${absolute} (${relative})` };
}

/** A start time for the TUI's narrow list: the time of day when it is today, else the date and minute (24-hour clock). */
export function formatShortTime(ns: string, nowMs = Date.now()): string {
  const date = new Date(msOf(ns));
  const pad = (n: number): string => String(n).padStart(2, '0');
  const day = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return day(date) === day(new Date(nowMs)) ? `${time}:${pad(date.getSeconds())}` : `${day(date)} ${time}`;
}

const UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g;

/**
 * A Go-style duration ("250us", "1.5s", "1m30s") in nanoseconds, or undefined when the text is
 * not one: the grammar of the API's duration and lookback parameters, which the viewer reads too.
 */
export function durationNs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ns = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) ns += Number(amount) * UNITS_NS[unit!]!;
  return ns;
}

/** Units the API's duration parameters take, largest first ("250us, 100ms, 1.5s"). */
const PARAM_UNITS = [
  { size: 1e9, name: 's' },
  { size: 1e6, name: 'ms' },
  { size: 1e3, name: 'us' },
  { size: 1, name: 'ns' },
] as const;

/**
 * Nanoseconds as a duration parameter people can read ("268ms", "8.59s"): the largest unit
 * with at least 1 of it, three significant digits, rounded down for a lower bound and up for
 * an upper one, so that the range still holds every span of the bucket it came from.
 */
export function formatDurationParam(ns: number, round: 'down' | 'up'): string {
  const abs = Math.max(0, ns);
  const unit = PARAM_UNITS.find((u) => abs >= u.size) ?? PARAM_UNITS[3];
  const value = abs / unit.size;
  const step = value >= 100 ? 1 : value >= 10 ? 0.1 : 0.01;
  const rounded = (round === 'down' ? Math.floor(value / step + 1e-9) : Math.ceil(value / step - 1e-9)) * step;
  return `${Number(rounded.toFixed(2))}${unit.name}`;
}
