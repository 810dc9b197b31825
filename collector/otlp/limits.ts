/**
 * What one export request may carry: how many attributes each list keeps, how deep
 * an attribute value may nest, and when its spans may be dated. Both decoders
 * (normalize.ts, transcode.ts) apply the same limits, so an encoding never changes
 * what is stored.
 */

/**
 * The last nanosecond every time column holds. Timestamps are DateTime64(9) (good to
 * 2262), but the table TTLs and the trace-id lookup convert them to DateTime, seconds
 * in a UInt32, which wraps after 2106-02-07T06:28:15Z: a later span would be
 * acknowledged and then expire at once, or be listed under 1970 and never found.
 */
export const LAST_STORABLE_NS = 4_294_967_295_999_999_999n;

/**
 * How deep an AnyValue may nest (an attribute's own value is level 1, each
 * arrayValue or kvlistValue adds one). Real attributes stay within a handful. The
 * limit keeps recursion bounded in both decoders (OTLP/JSON's JSON.parse takes
 * 100,000 levels, and the walk would then overflow the stack), and it is what the
 * protobuf path can honour: protobufjs refuses messages nested past 100 levels
 * (protoc's default), and a kvlistValue level is three messages (KeyValueList,
 * KeyValue, AnyValue), so 32 levels is 93 messages.
 */
export const MAX_ANY_VALUE_DEPTH = 32;

const NS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400n;

export interface DecodeLimits {
  /** Entries kept per attribute list (span, resource, event, link): the first ones on the wire. */
  maxAttributes: number;
  /** A span starting before this is past retention and would be dropped by the TTL. */
  earliestStartNs: bigint;
  /** A span starting after this is too far in the future to be a real clock. */
  latestStartNs: bigint;
}

export interface LimitsOptions {
  /** The clock, as Date.now() gives it; injectable for tests. */
  nowMs: number;
  retentionDays: number;
  maxFutureSeconds: number;
  maxAttributes: number;
}

/** The limits a running server applies to a request received at `nowMs`. */
export function decodeLimits(o: LimitsOptions): DecodeLimits {
  const now = BigInt(Math.floor(o.nowMs)) * 1_000_000n;
  const retention = BigInt(o.retentionDays) * SECONDS_PER_DAY * NS_PER_SECOND;
  // The TTL adds the retention to the start's DateTime, which must not wrap either.
  const lastTtlSafe = LAST_STORABLE_NS - retention;
  const future = now + BigInt(o.maxFutureSeconds) * NS_PER_SECOND;
  return {
    maxAttributes: o.maxAttributes,
    earliestStartNs: now - retention,
    latestStartNs: future < lastTtlSafe ? future : lastTtlSafe,
  };
}

/**
 * No clock: any start time up to the storable limit. For decoding outside a server
 * (benchmarks, fuzzing, fixtures with fixed dates).
 */
export const UNDATED_LIMITS: DecodeLimits = {
  maxAttributes: 128,
  earliestStartNs: 1n,
  latestStartNs: LAST_STORABLE_NS,
};
