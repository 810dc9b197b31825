/**
 * The words the catalogue (catalogue.ts) declares its statements with, and the
 * types a caller's parameters and fills are checked against. Each .sql file is one
 * piece: a statement, or a fragment that statements take into their slots.
 */

/** Values ClickHouse binds (`query_params`), or that a literal statement has written into its text. */
export type ValueType = 'String' | 'UInt32' | 'UInt64' | 'Int64' | 'Float64' | 'Array(String)' | 'Array(Float64)' | 'Array(UInt32)';

/**
 * What the registry writes into the text itself: `Identifier` (bare, as it also
 * stands inside Keeper paths), `Array(Identifier)` (a list of quoted names, since
 * nested column names hold a dot), and `Statement`, a whole SqlText (see registry.ts).
 */
export type TextType = 'Identifier' | 'Array(Identifier)' | 'Statement';

export type ParamType = ValueType | TextType;

/** A parameter: its type, and for identifiers the names it may take. */
export type ParamDecl = ParamType | { type: 'Identifier' | 'Array(Identifier)'; allowed: readonly string[] };

/**
 * SqlText: SQL the registry rendered, or a user's statement ClickHouse's own parser
 * normalized (formatQuery) for the SQL endpoint's check. The only text a template
 * takes as it is, through a `{name:Statement}` placeholder.
 */
export type SqlText = string & { readonly __sqlText: unique symbol };

export type SlotDecl =
  /** Always there: a fragment written once and shared. */
  | { kind: 'include'; fragment: string }
  /** There when the caller gives every parameter of the fragment: an optional filter. */
  | { kind: 'optional'; fragment: string }
  /** One of several fragments, named by the caller. */
  | { kind: 'choice'; alternatives: Readonly<Record<string, string>> }
  /** Any number of fragments, each named by the caller with its own parameters, numbered in the text. */
  | { kind: 'each'; alternatives: Readonly<Record<string, string>> };

export interface PieceDecl {
  kind: 'statement' | 'fragment';
  params: Readonly<Record<string, ParamDecl>>;
  slots: Readonly<Record<string, SlotDecl>>;
  /**
   * DDL and SET take no query parameters: a literal piece has its values written
   * into the text, and may hold only integers, identifiers and statements.
   */
  literal: boolean;
}

type NoSlots = Record<never, SlotDecl>;

export function statement<const P extends Record<string, ParamDecl> = Record<never, ParamDecl>, const S extends Record<string, SlotDecl> = NoSlots>(
  decl: { params?: P; slots?: S; literal?: boolean } = {},
): { kind: 'statement'; params: P; slots: S; literal: boolean } {
  return { kind: 'statement', params: decl.params ?? ({} as P), slots: decl.slots ?? ({} as S), literal: decl.literal ?? false };
}

export function fragment<const P extends Record<string, ParamDecl> = Record<never, ParamDecl>>(
  params?: P,
  options: { literal?: boolean } = {},
): { kind: 'fragment'; params: P; slots: NoSlots; literal: boolean } {
  return { kind: 'fragment', params: params ?? ({} as P), slots: {}, literal: options.literal ?? false };
}

export const include = <const F extends string>(fragment: F) => ({ kind: 'include', fragment }) as const;
export const optional = <const F extends string>(fragment: F) => ({ kind: 'optional', fragment }) as const;
export const choice = <const A extends Record<string, string>>(alternatives: A) => ({ kind: 'choice', alternatives }) as const;
export const each = <const A extends Record<string, string>>(alternatives: A) => ({ kind: 'each', alternatives }) as const;
export const identifier = <const A extends readonly string[]>(allowed: A) => ({ type: 'Identifier', allowed }) as const;
export const identifiers = <const A extends readonly string[]>(allowed: A) => ({ type: 'Array(Identifier)', allowed }) as const;

// ---- what callers pass, derived from the declarations ----

type TypeOf<D> = D extends ParamType ? D : D extends { type: infer T } ? T : never;

type ValueOf<T> = T extends 'String'
  ? string
  : T extends 'Identifier'
    ? string
    : T extends 'UInt32' | 'Float64'
      ? number
      : T extends 'UInt64' | 'Int64'
        ? string | bigint | number
        : T extends 'Array(String)' | 'Array(Identifier)'
          ? readonly string[]
          : T extends 'Array(Float64)' | 'Array(UInt32)'
            ? readonly number[]
            : T extends 'Statement'
              ? SqlText | Rendered
              : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * The intersection of the types in a union of one-element tuples. Boxed, because
 * a union of object types may be reduced before it is intersected: `{} | { a?: string }`
 * can come out as `{}`, losing the parameter.
 */
type Intersect<Boxes> = [Boxes] extends [never] ? unknown : UnionToIntersection<Boxes> extends [unknown] ? UnionToIntersection<Boxes>[0] : never;

type Catalogue = Record<string, PieceDecl>;

/** The parameters of one piece's own file. */
export type OwnParams<C extends Catalogue, N extends keyof C> = { -readonly [K in keyof C[N]['params']]: ValueOf<TypeOf<C[N]['params'][K]>> };

type PartialParams<C extends Catalogue, N> = N extends keyof C ? [Partial<OwnParams<C, N>>] : never;

type SlotParams<C extends Catalogue, S> = S extends { kind: 'include'; fragment: infer F extends keyof C }
  ? OwnParams<C, F>
  : S extends { kind: 'optional'; fragment: infer F }
    ? Intersect<PartialParams<C, F>>
    : S extends { kind: 'choice'; alternatives: infer A }
      ? Intersect<PartialParams<C, A[keyof A]>>
      : unknown;

type SlotsOf<C extends Catalogue, N extends keyof C> = C[N]['slots'];

/** A statement's parameters: its own and those of its included fragments, required; those of optional and chosen fragments, optional. */
export type ParamsOf<C extends Catalogue, N extends keyof C> = NoneIfEmpty<OwnParams<C, N> & Intersect<{ [K in keyof SlotsOf<C, N>]: [SlotParams<C, SlotsOf<C, N>[K]>] }[keyof SlotsOf<C, N>]>>;

/** `{}` would take any object: a statement without parameters takes one without properties. */
type NoneIfEmpty<P> = keyof P extends never ? Record<string, never> : P;

type EachItem<C extends Catalogue, A> = { [K in keyof A]: A[K] extends keyof C ? { use: K; params: OwnParams<C, A[K]> } : never }[keyof A];

type FillValue<C extends Catalogue, S> = S extends { kind: 'choice'; alternatives: infer A } ? keyof A : S extends { kind: 'each'; alternatives: infer A } ? readonly EachItem<C, A>[] : never;

/** What a statement's choice and each slots are filled with. */
export type FillOf<C extends Catalogue, N extends keyof C> = {
  -readonly [K in keyof SlotsOf<C, N> as SlotsOf<C, N>[K] extends { kind: 'choice' | 'each' } ? K : never]: FillValue<C, SlotsOf<C, N>[K]>;
};

/** A rendered statement, in the shape @clickhouse/client takes it. */
export interface Rendered {
  query: SqlText;
  query_params: Record<string, unknown>;
}
