/**
 * The process's SQL, loaded once from storage/sql/**\/*.sql and bound to the
 * configured database; every statement Hindsight runs is rendered here.
 *
 * A file holds one statement or one fragment, in ClickHouse's own syntax:
 * - `{name:Type}` values are ClickHouse query parameters: they stay in the text and
 *   travel in `query_params`, so no value is ever written into SQL. DDL and SET take
 *   no parameters; a statement declared `literal` has its values written in, and
 *   the catalogue lets those be only integers.
 * - Identifiers that vary are `{name:Identifier}` (ClickHouse's own type name) and
 *   are written into the text by the registry: `db` from the database it was loaded
 *   with, the others from the caller, each checked against the names its entry
 *   allows (a table and its `_local` twin, SPAN_COLUMNS) or else against the plain
 *   identifier pattern. `{name:Array(Identifier)}` is a column list, each name
 *   quoted. So no caller builds `${database}.${TABLE}` or a column list itself.
 * - `{name:Statement}` takes SqlText whole: what the registry rendered, or a user's
 *   statement ClickHouse's parser has normalized, which the SQL endpoint checks and
 *   then wraps (DESCRIBE, FORMAT, its kill tag). Nothing else reaches the text as is.
 *   A Rendered statement brings its query parameters along (a subquery, or several
 *   joined by unionAll); one name bound to two values is refused.
 * - A slot, `/*optional service*\/`, takes fragments: `include` always; `optional`
 *   when the caller gives the fragment's parameters (an optional filter is on when
 *   its value is there); `choice`, the fragment the caller names; `each`, one
 *   fragment per item, its parameters numbered (`{attrKey:String}` becomes
 *   `{attrKey0:String}`, ...). An empty slot takes the spaces before it along,
 *   and its line when it stood alone on one.
 *
 * Loading checks every file against catalogue.ts and throws on a missing file, a
 * file or slot target the catalogue does not name, and any difference between a
 * file's placeholders or slots and its entry: a broken package fails at start-up,
 * never on the first request that needs the broken statement.
 *
 * The files are read beside this module: from the source tree under jest, from
 * dist/storage/sql/ once built (`npm run build` copies them there, and the Docker
 * image carries dist/ only).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HindsightError } from '../../common/errors';
import { CATALOGUE, type Catalogue, type PieceName } from './catalogue';
import type { FillOf, ParamDecl, ParamsOf, PieceDecl, Rendered, SlotDecl, SqlText, ValueType } from './declare';
import { checkPiece, sqlFiles, type Piece } from './check';
import { parseTemplate, type Segment } from './template';

export type { Rendered, SqlText } from './declare';
export type { PieceName, StatementName } from './catalogue';

export const SQL_ROOT = __dirname;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The only way a user's text becomes SqlText: formatQuery's normalized statement, which the SQL endpoint's guard then checks. */
export function normalizedStatement(formatted: string): SqlText {
  return formatted as SqlText;
}

/** Parameters and fills render() takes; fills only for statements with choice or each slots. */
type RenderArgs<N extends PieceName> = N extends unknown
  ? keyof FillOf<Catalogue, N> extends never
    ? [params: ParamsOf<Catalogue, N>]
    : [params: ParamsOf<Catalogue, N>, fill: FillOf<Catalogue, N>]
  : never;

type Fill = Record<string, unknown>;

export class SqlRegistry {
  private constructor(
    /** The database every statement names, as `{db:Identifier}` or `{db:String}`. */
    readonly database: string,
    private readonly pieces: ReadonlyMap<string, Piece>,
  ) {}

  /** Reads and checks every file; throws HS_INTERNAL listing every problem found. */
  static load(database: string, root: string = SQL_ROOT): SqlRegistry {
    if (!IDENTIFIER.test(database)) throw new HindsightError('HS_INTERNAL', `storage/sql: the database name ${JSON.stringify(database)} is not a plain identifier`);
    const problems: string[] = [];
    const pieces = new Map<string, Piece>();
    for (const [name, decl] of Object.entries(CATALOGUE) as [string, PieceDecl][]) {
      let source: string;
      try {
        source = fs.readFileSync(path.join(root, `${name}.sql`), 'utf8');
      } catch {
        problems.push(`${name}.sql is missing from ${root} (npm run build copies storage/sql/ into dist/)`);
        continue;
      }
      pieces.set(name, { name, decl, template: parseTemplate(source) });
    }
    for (const file of sqlFiles(root)) {
      if (!(file in CATALOGUE)) problems.push(`${file}.sql is not in the catalogue (storage/sql/catalogue.ts)`);
    }
    for (const piece of pieces.values()) problems.push(...checkPiece(piece, pieces).map((problem) => `${piece.name}.sql: ${problem}`));
    if (problems.length > 0) throw new HindsightError('HS_INTERNAL', `storage/sql does not match its catalogue:\n- ${problems.join('\n- ')}`);
    return new SqlRegistry(database, pieces);
  }

  /** A statement (or a fragment, alone) as text and its query parameters. */
  render<N extends PieceName>(name: N, ...args: RenderArgs<N>): Rendered {
    const piece = this.piece(name);
    const [params, fill = {}] = args as unknown as [Record<string, unknown>, Fill?];
    const values: Record<string, unknown> = {};
    const query = this.renderPiece(piece, params, fill, piece.decl.literal, values, '');
    return { query: query as SqlText, query_params: values };
  }

  /** Statements rendered apart, as one: their texts joined by UNION ALL, their parameters together. */
  unionAll(parts: readonly Rendered[]): Rendered {
    if (parts.length === 0) throw new HindsightError('HS_INTERNAL', 'storage/sql: a UNION ALL of no statements');
    const values: Record<string, unknown> = {};
    for (const part of parts) mergeValues('UNION ALL', values, part.query_params);
    return { query: parts.map((p) => p.query).join('\nUNION ALL\n') as SqlText, query_params: values };
  }

  private piece(name: string): Piece {
    const piece = this.pieces.get(name);
    if (piece === undefined) throw new HindsightError('HS_INTERNAL', `storage/sql: no statement is named ${name}`);
    return piece;
  }

  private renderPiece(piece: Piece, params: Record<string, unknown>, fill: Fill, literal: boolean, values: Record<string, unknown>, suffix: string): string {
    let text = '';
    let dropNewline = false;
    for (const segment of piece.template.segments) {
      if (segment.kind === 'text') {
        text += dropNewline && segment.text.startsWith('\n') ? segment.text.slice(1) : segment.text;
        dropNewline = false;
      } else if (segment.kind === 'param') {
        text += this.renderParam(piece, segment, params, literal, values, suffix);
      } else {
        const filled = this.renderSlot(piece, segment.name, params, fill, literal, values);
        if (filled !== '') {
          text += filled;
          continue;
        }
        text = text.replace(/[ \t]*$/, '');
        dropNewline = text.endsWith('\n');
      }
    }
    return text;
  }

  private renderParam(piece: Piece, segment: Extract<Segment, { kind: 'param' }>, params: Record<string, unknown>, literal: boolean, values: Record<string, unknown>, suffix: string): string {
    const { name, type } = segment;
    if (name === 'db') {
      if (type === 'Identifier') return this.database;
      values['db'] = this.database;
      return `{db:${type}}`;
    }
    const value = params[name];
    const where = `${piece.name}: {${name}:${type}}`;
    if (value === undefined) throw new HindsightError('HS_INTERNAL', `${where} has no value`);
    const allowed = allowedNames(piece.decl.params[name]);
    if (type === 'Identifier') return checkedIdentifier(where, value, allowed);
    if (type === 'Array(Identifier)') {
      if (!Array.isArray(value) || value.length === 0) throw new HindsightError('HS_INTERNAL', `${where}: expected a list of names`);
      return value.map((v: unknown) => `\`${checkedIdentifier(where, v, allowed)}\``).join(', ');
    }
    if (type === 'Statement') {
      if (typeof value === 'string') return value;
      if (!isRendered(value)) throw new HindsightError('HS_INTERNAL', `${where}: expected SQL text`);
      if (literal && Object.keys(value.query_params).length > 0) throw new HindsightError('HS_INTERNAL', `${where}: a literal statement takes no statement with parameters`);
      mergeValues(where, values, value.query_params);
      return value.query;
    }
    const normalized = checkedValue(where, type as ValueType, value);
    if (literal) return String(normalized);
    mergeValues(where, values, { [`${name}${suffix}`]: normalized });
    return `{${name}${suffix}:${type}}`;
  }

  private renderSlot(piece: Piece, slot: string, params: Record<string, unknown>, fill: Fill, literal: boolean, values: Record<string, unknown>): string {
    const decl = piece.decl.slots[slot] as SlotDecl;
    const render = (fragment: string, with_: Record<string, unknown>, suffix = ''): string => this.renderPiece(this.piece(fragment), with_, {}, literal, values, suffix);
    switch (decl.kind) {
      case 'include':
        return render(decl.fragment, params);
      case 'optional':
        return Object.keys(this.piece(decl.fragment).decl.params).every((p) => params[p] !== undefined) ? render(decl.fragment, params) : '';
      case 'choice': {
        const chosen = fill[slot];
        const fragment = typeof chosen === 'string' ? decl.alternatives[chosen] : undefined;
        if (fragment === undefined) throw new HindsightError('HS_INTERNAL', `${piece.name}: the slot ${slot} takes one of ${Object.keys(decl.alternatives).join(', ')}, not ${String(chosen)}`);
        return render(fragment, params);
      }
      case 'each': {
        const items = (fill[slot] ?? []) as readonly { use: string; params: Record<string, unknown> }[];
        return items
          .map((item, i) => {
            const fragment = decl.alternatives[item.use];
            if (fragment === undefined) throw new HindsightError('HS_INTERNAL', `${piece.name}: the slot ${slot} takes ${Object.keys(decl.alternatives).join(', ')}, not ${item.use}`);
            return render(fragment, item.params, String(i));
          })
          .join(' ');
      }
    }
  }
}

function isRendered(value: unknown): value is Rendered {
  return typeof value === 'object' && value !== null && typeof (value as Rendered).query === 'string' && typeof (value as Rendered).query_params === 'object';
}

/** Adds `more` to `values`; a name already bound to another value is a throw. */
function mergeValues(where: string, values: Record<string, unknown>, more: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(more)) {
    if (name in values && JSON.stringify(values[name]) !== JSON.stringify(value)) throw new HindsightError('HS_INTERNAL', `${where}: {${name}} is bound to two values`);
    values[name] = value;
  }
}

function allowedNames(decl: ParamDecl | undefined): readonly string[] | undefined {
  return typeof decl === 'object' ? decl.allowed : undefined;
}

function checkedIdentifier(where: string, value: unknown, allowed: readonly string[] | undefined): string {
  const ok = typeof value === 'string' && (allowed === undefined ? IDENTIFIER.test(value) : allowed.includes(value));
  if (!ok) throw new HindsightError('HS_INTERNAL', `${where}: ${JSON.stringify(value)} is not ${allowed === undefined ? 'a plain identifier' : `one of ${allowed.join(', ')}`}`);
  return value;
}

/** The value as it goes to ClickHouse (64-bit integers as decimal strings), or a throw naming the placeholder. */
function checkedValue(where: string, type: ValueType, value: unknown): unknown {
  const fail = (): never => {
    throw new HindsightError('HS_INTERNAL', `${where}: ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} does not fit ${type}`);
  };
  switch (type) {
    case 'String':
      return typeof value === 'string' ? value : fail();
    case 'UInt32':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? value : fail();
    case 'Float64':
      return typeof value === 'number' ? value : fail();
    case 'UInt64':
    case 'Int64': {
      const text = typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : value;
      const pattern = type === 'UInt64' ? /^\d+$/ : /^-?\d+$/;
      return typeof text === 'string' && pattern.test(text) ? text : fail();
    }
    case 'Array(String)':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fail();
    case 'Array(Float64)':
      return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : fail();
    case 'Array(UInt32)':
      return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff) ? value : fail();
  }
}
