/**
 * OTLP/JSON 64-bit integers, read exactly. The JSON mapping lets a sender write
 * startTimeUnixNano or intValue as a bare number, and JSON.parse rounds any above
 * 2^53: 1767225600123456789 would be stored as 1767225600123456768. Node 20's
 * JSON.parse cannot give a reviver the source text (V8 11.4 added that), so when
 * a decode meets such a number (leaves.ts counts them), the body is parsed again
 * with the long integer literals of those fields quoted; the leaf readers accept
 * both spellings. Requests without one (SDKs send times as strings) pay nothing.
 *
 * Rejected: a JSON library that parses numbers losslessly (lossless-json, or the
 * unmaintained json-bigint) parses everything in JavaScript, several times slower
 * than JSON.parse, on every request; a regular expression to find the requests
 * that need this pass cost 10% of decoding them.
 */

/** The int64 and fixed64 fields of a trace request. */
const INT64_FIELDS: ReadonlySet<string> = new Set(['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano', 'intValue']);

/** 16 digits can exceed 2^53 (9007199254740992); 15 cannot. */
const MIN_UNSAFE_DIGITS = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The index of the quote that closes the string opening at `open`, or text.length if none does. */
function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/**
 * The text with each integer literal of 16 or more digits that is the value of an
 * INT64_FIELDS key put in quotes. Strings are skipped whole, so digits inside them
 * are never touched; numbers that are not plain integers (fractions, exponents,
 * leading zeros) are left for JSON.parse to read or refuse as before.
 */
export function quoteLongIntegers(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  // The last string read, while it may still turn out to be a key.
  let lastString: { start: number; end: number } | undefined;
  let key: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      lastString = { start: i, end: end + 1 };
      key = undefined;
      i = end + 1;
    } else if (c === COLON) {
      key = lastString && keyText(text, lastString.start, lastString.end);
      lastString = undefined;
      i++;
    } else if (c === MINUS || isDigit(c)) {
      const end = numberEnd(text, i);
      if (key !== undefined && INT64_FIELDS.has(key) && isLongInteger(text, i, end)) {
        parts.push(text.slice(copied, i), '"', text.slice(i, end), '"');
        copied = end;
      }
      key = undefined;
      lastString = undefined;
      i = end;
    } else {
      key = undefined;
      lastString = undefined;
      i++;
    }
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** A key as JSON.parse will read it: escapes (rare in keys) decoded. */
function keyText(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end - 1);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return undefined;
  }
}

function numberEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!(isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS)) break;
    i++;
  }
  return i;
}

/** -?[1-9][0-9]{15,}: a valid JSON integer literal that JSON.parse may round. */
function isLongInteger(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start) === MINUS ? start + 1 : start;
  if (end - first < MIN_UNSAFE_DIGITS || text.charCodeAt(first) === ZERO) return false;
  for (let i = first; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}
