/**
 * Protobuf strings are copied into the insert block as bytes, without being
 * decoded; this is the check that stands in for the decode. Invalid UTF-8 makes
 * the request malformed, as protobufjs refuses it on the reference path.
 */
import { isUtf8 } from 'node:buffer';
import type { Reader, Range } from './reader';

/** Throws MalformedRequest when the string in `range` (absent: nothing) is not valid UTF-8. */
export function checkUtf8(r: Reader, range: Range): void {
  if (range.start >= 0 && !isUtf8(r.buf.subarray(range.start, range.end))) r.fail('a string is not valid UTF-8');
}
