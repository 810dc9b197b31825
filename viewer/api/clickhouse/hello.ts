/**
 * clickhouse-go's HTTP hello. On dialing, clickhouse-go (conn_http.go, queryHello) sends
 * `SELECT displayName(), version(), revision(), timezone()` and decodes the Native answer
 * framed for the TCP protocol revision it announced in `client_protocol_version` (block
 * info before the block, a custom-serialization flag after each column's type); every
 * later answer it decodes for the revision that hello reported.
 *
 * chDB writes Native for revision 0 only (it has no client_protocol_version), so the
 * port answers the hello itself: framed as the client asked, reporting revision 0, so
 * that the client reads every later block as the engine writes it. It also keeps the
 * host name (displayName()) out of reach, as the function policy does.
 */
import { encoded, type ColumnBuffer } from '../../../storage/native';

export const GO_HELLO = 'SELECT displayName(), version(), revision(), timezone()';

/** Since this protocol revision a Native column carries a custom-serialization flag. */
const REVISION_WITH_CUSTOM_SERIALIZATION = 54454;

export interface EngineFacts {
  version: string;
  timezone: string;
}

/** Whether a statement is the hello (clickhouse-go sends it as written above). */
export function isGoHello(query: string): boolean {
  return query.trim().replace(/\s+/g, ' ') === GO_HELLO;
}

/** The hello's one row as a Native block framed for `revision`. */
export function goHelloBlock(facts: EngineFacts, revision: number): Buffer {
  return encoded((out) => {
    // BlockInfo: field 1 is_overflows = false, field 2 bucket_num = -1, field 0 ends it.
    if (revision > 0) out.raw(Buffer.from([1, 0, 2, 0xff, 0xff, 0xff, 0xff, 0]));
    out.varUInt(4);
    out.varUInt(1);
    column(out, 'displayName()', 'String', revision, (o) => o.text('hindsight'));
    column(out, 'version()', 'String', revision, (o) => o.text(facts.version));
    column(out, 'revision()', 'UInt32', revision, (o) => o.raw(Buffer.from([0, 0, 0, 0])));
    column(out, 'timezone()', 'String', revision, (o) => o.text(facts.timezone));
  });
}

function column(out: ColumnBuffer, name: string, type: string, revision: number, value: (out: ColumnBuffer) => void): void {
  out.text(name);
  out.text(type);
  if (revision >= REVISION_WITH_CUSTOM_SERIALIZATION) out.varUInt(0);
  value(out);
}
