/**
 * The statement check of the analytics SQL endpoint, the second of its two layers
 * (the first is the engine's read-only mode, which refuses writes, settings and
 * table functions that read a source). ClickHouse's own parser decides:
 * formatQuery() parses the text (a syntax error or a second statement fails
 * there), and EXPLAIN AST of the normalized statement gives the tree that the
 * rules below walk, every node of it: each function call anywhere (select list,
 * WHERE, JOIN ON, lambdas, subqueries, WITH, ORDER BY, table-function arguments)
 * against the function allowlist, each table against the table allowlist, and
 * node kinds this module does not know are refused rather than skipped.
 *
 * Two statements hide their parts from EXPLAIN AST: SHOW TABLES and SHOW
 * COLUMNS print no WHERE, LIKE or LIMIT (and SHOW COLUMNS not even its table),
 * yet run their WHERE. They are accepted only in their plain forms, compared
 * against the engine's normalized text.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { HindsightError } from '../../../common/errors';
import { clickhouseErrorOf } from '../../../storage/store-errors';
import { normalizedStatement, type SqlRegistry, type SqlText } from '../../../storage/sql/registry';
import { selectRows } from '../../../storage/sql/select';
import { descendants, parseAst, type AstNode } from './ast';
import { ALLOWED_TABLE_FUNCTIONS, FunctionPolicy, type EngineFunction } from './functions';
import { databaseRefusal, isPlainIdentifier, qualifiedTableRefusal, tableRefusal } from './tables';
import { StatementCache } from './statement-cache';

export class SqlRefused extends HindsightError {
  constructor(
    message: string,
    readonly clickhouseCode?: string,
  ) {
    super('HS_SQL_REFUSED', message);
  }
}

const SELECT_ROOTS = new Set(['SelectWithUnionQuery', 'SelectIntersectExceptQuery']);
/** Roots whose extra children are clauses: a Literal is INTO OUTFILE's file, an Identifier the FORMAT. */
const CLAUSE_ROOTS = new Set([...SELECT_ROOTS, 'DescribeQuery', 'Explain']);
/** Roots naming a table, as `<database> <table>` in their detail and as Identifier children. */
const TABLE_ROOTS = new Set(['ShowCreateTableQuery', 'ShowCreateViewQuery', 'ExistsTableQuery']);
const DATABASE_ROOTS = new Set(['ShowCreateDatabaseQuery', 'ExistsDatabaseQuery']);
const SHOW_ROOTS = new Set(['ShowTables', 'ShowColumns']);
const ALLOWED_ROOTS = new Set([...CLAUSE_ROOTS, ...TABLE_ROOTS, ...DATABASE_ROOTS, ...SHOW_ROOTS]);

/** Node kinds the walk understands. A kind outside it may carry an expression the walk cannot see. */
const KNOWN_NODES = new Set([
  ...ALLOWED_ROOTS,
  'SelectQuery',
  'ExpressionList',
  'Function',
  'Identifier',
  'Literal',
  'Asterisk',
  'QualifiedAsterisk',
  'ColumnsRegexpMatcher',
  'ColumnsListMatcher',
  'QualifiedColumnsRegexpMatcher',
  'QualifiedColumnsListMatcher',
  'ColumnsTransformerList',
  'ColumnsExceptTransformer',
  'ColumnsReplaceTransformer',
  'ColumnsReplaceTransformer::Replacement',
  'TablesInSelectQuery',
  'TablesInSelectQueryElement',
  'TableExpression',
  'TableIdentifier',
  'TableJoin',
  'ArrayJoin',
  'Subquery',
  'WithElement',
  'OrderByElement',
  'InterpolateElement',
  'WindowDefinition',
  'WindowListElement',
  'SampleRatio',
  'Set',
  'ColumnsApplyTransformer',
  'QueryParameter',
]);

/** Functions whose right-hand side may name a table (or a WITH alias) to build a set from. */
const IN_FUNCTIONS = new Set(['in', 'notIn', 'globalIn', 'globalNotIn', 'nullIn', 'notNullIn', 'globalNullIn', 'globalNotNullIn']);

/** The format clickhouse-js appends to every query it sends; the check's own, not the user's. */
const CLIENT_FORMAT = 'TabSeparatedRaw';

export interface CheckedStatement {
  /** The statement as ClickHouse normalized it: what runs. */
  sql: SqlText;
  /** A SELECT (with WITH, UNION, INTERSECT or EXCEPT): its result may be of any size. */
  selects: boolean;
  /**
   * Whether the engine runs queries of the statement's own while it plans it: a
   * scalar subquery, EXISTS, or the set of an IN over a subquery or a table.
   * chDB starts a stream, planning included, on the calling thread.
   */
  plansWithQueries: boolean;
  /** The statement's own FORMAT clause, taken off `sql` (only when the check was told to accept one). */
  format?: string;
  /** The statement's SETTINGS max_execution_time, taken off `sql` (likewise). */
  maxExecutionSeconds?: number;
}

/**
 * What a client of ClickHouse's own HTTP interface writes at the end of a statement and
 * may keep there (viewer/api/clickhouse/): a FORMAT clause, and SETTINGS that only
 * lower a limit. Both are taken off the statement's top level and handed back, and the
 * rest is checked as any statement is; the port applies them itself (the readers are
 * read-only at the engine, which refuses any setting changed in a query, even lowered).
 * Without it (/api/v1/sql) both clauses are refused.
 */
export interface StatementClauses {
  format: boolean;
  /** Settings a statement may name in SETTINGS: each must be a whole number. */
  settings: ReadonlySet<'max_execution_time'>;
}

/**
 * Refuses anything but one read-only statement over Hindsight's database (and
 * readable system tables): no DDL, DML, SET, SYSTEM or KILL, no function or
 * table function outside the allowlists, no INTO OUTFILE, no SETTINGS or FORMAT
 * clause of its own.
 */
export async function checkStatement(checker: ClickHouseClient, statements: SqlRegistry, query: string, clauses?: StatementClauses): Promise<CheckedStatement> {
  let cache = passed.get(checker);
  if (cache === undefined) {
    cache = new StatementCache(PASSED_ENTRIES, PASSED_CHARS);
    passed.set(checker, cache);
  }
  const key = `${statements.database}\n${clauses ? `clauses:${clauses.format}:${[...clauses.settings].join(',')}` : ''}\n${query}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const checked = await analyse(checker, statements, query, clauses);
  cache.set(key, checked);
  return checked;
}

/**
 * Statements passed, per checker (statement-cache.ts): a statement sent again costs
 * no engine call. A miss costs two, formatQuery then EXPLAIN AST, and cannot cost
 * fewer: chDB runs every statement of a multi-statement text, so the user's text
 * reaches EXPLAIN only once formatQuery has found it to be one statement, without
 * running it.
 */
const passed = new WeakMap<ClickHouseClient, StatementCache<CheckedStatement>>();
const PASSED_ENTRIES = 1000;
const PASSED_CHARS = 4_000_000;

async function analyse(checker: ClickHouseClient, statements: SqlRegistry, query: string, clauses: StatementClauses | undefined): Promise<CheckedStatement> {
  const database = statements.database;
  const formatted = await formatQuery(checker, statements, query);
  const { sql, ...taken } = clauses ? takeClauses(formatted, clauses) : { sql: formatted };
  const ast = parseAst(await explainAst(checker, statements, sql));
  if (!ast) throw new SqlRefused('the statement could not be analysed');
  if (!ALLOWED_ROOTS.has(ast.kind)) throw new SqlRefused(`only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements may run here, not ${ast.kind.replace(/Query$/, '')}`);
  checkRoot(ast, sql, database);
  const policy = await functionPolicy(checker, statements);
  let plansWithQueries = false;
  for (const { node, ancestors } of descendants(ast)) {
    const parent = ancestors[0]!;
    checkNode(node, parent, database);
    if (node.kind === 'Function' && parent.kind !== 'TableExpression') plansWithQueries = checkFunction(node, policy, database) || plansWithQueries;
    if (node.kind === 'Subquery' && parent.kind !== 'TableExpression' && parent.kind !== 'WithElement') plansWithQueries = true;
  }
  return { sql, selects: SELECT_ROOTS.has(ast.kind), plansWithQueries, ...taken };
}

/**
 * Takes the top-level FORMAT and SETTINGS clauses off a statement as formatQuery
 * writes it: each on a line of its own at the start of the line, after the rest.
 * Nothing else starts a line there (a nested query's clauses are indented, and a
 * string literal's line breaks are escaped), so the lines are the clauses.
 */
function takeClauses(formatted: SqlText, clauses: StatementClauses): { sql: SqlText; format?: string; maxExecutionSeconds?: number } {
  const lines = formatted.replace(/\n+$/, '').split('\n');
  let format: string | undefined;
  let maxExecutionSeconds: number | undefined;
  for (;;) {
    const last = lines[lines.length - 1] ?? '';
    const formatClause = /^FORMAT (\w+)$/.exec(last);
    if (formatClause && clauses.format && format === undefined) {
      format = formatClause[1]!;
      lines.pop();
      continue;
    }
    if (last.startsWith('SETTINGS ') && maxExecutionSeconds === undefined && clauses.settings.size > 0) {
      maxExecutionSeconds = statementSettings(last.slice('SETTINGS '.length), clauses.settings);
      lines.pop();
      continue;
    }
    break;
  }
  return { sql: normalizedStatement(lines.join('\n')), ...(format === undefined ? {} : { format }), ...(maxExecutionSeconds === undefined ? {} : { maxExecutionSeconds }) };
}

/** `max_execution_time = 10` (formatQuery's spelling); any other setting is refused by name. */
function statementSettings(list: string, allowed: StatementClauses['settings']): number {
  const pairs = list.split(', ').map((pair) => /^(\w+) = (.*)$/.exec(pair));
  const names = pairs.map((pair, i) => pair?.[1] ?? list.split(', ')[i]!);
  const refused = names.filter((name) => !allowed.has(name as 'max_execution_time'));
  if (refused.length > 0) {
    throw new SqlRefused(`the setting ${refused.join(', ')} may not be changed here: a SETTINGS clause may only lower ${[...allowed].join(', ')}; the endpoint's limits apply to every query`, '164');
  }
  const value = pairs[pairs.length - 1]![2]!;
  if (!/^\d+$/.test(value)) throw new SqlRefused(`max_execution_time: expected a whole number of seconds, not ${value}`, '164');
  return Number(value);
}

function checkRoot(ast: AstNode, sql: string, database: string): void {
  if (CLAUSE_ROOTS.has(ast.kind)) checkClauses(ast.children.filter((c) => c.kind === 'Identifier' || c.kind === 'Literal'));
  else if (TABLE_ROOTS.has(ast.kind)) checkNamingRoot(ast, database, 'table');
  else if (DATABASE_ROOTS.has(ast.kind)) checkNamingRoot(ast, database, 'database');
  else checkShow(ast, sql, database);
}

function checkClauses(clauses: readonly AstNode[]): void {
  for (const clause of clauses) {
    if (clause.kind === 'Literal') throw new SqlRefused('INTO OUTFILE is not allowed: results are returned, never written to files');
    if (clause.detail !== CLIENT_FORMAT) throw new SqlRefused('a FORMAT clause is not allowed: choose the format with the "format" field');
  }
}

/**
 * SHOW CREATE and EXISTS name their database and table in the detail
 * (`<database> <table>`, either part possibly empty) and again as the first
 * Identifier children; children after those are the statement's clauses.
 */
function checkNamingRoot(ast: AstNode, database: string, names: 'table' | 'database'): void {
  const parts = ast.detail.split(' ');
  const [db = '', table = ''] = parts;
  const named = [db, table].filter((p) => p !== '');
  const children = ast.children.slice(0, named.length).map((c) => c.detail);
  if (parts.length !== 2 || named.length === 0 || children.join(' ') !== named.join(' ')) throw new SqlRefused("the statement's names could not be analysed");
  const refusal = names === 'table' ? tableRefusal(db, table, database) : isPlainIdentifier(db) ? databaseRefusal(db, database) : `the database name ${db} is not a plain identifier`;
  if (refusal !== undefined) throw new SqlRefused(refusal);
  checkClauses(ast.children.slice(named.length));
}

function checkShow(ast: AstNode, sql: string, database: string): void {
  const plain = ast.kind === 'ShowTables' ? plainShowTables(sql) : plainShowColumns(sql);
  if (plain === undefined) {
    throw new SqlRefused(
      'SHOW runs here only as SHOW TABLES [FROM db], SHOW DATABASES and SHOW COLUMNS FROM table [FROM db], without LIKE, WHERE or LIMIT: filter system.tables or system.columns with a SELECT instead',
    );
  }
  if (plain.table !== undefined) refuseIf(tableRefusal(plain.db, plain.table, database));
  else if (plain.db !== '') refuseIf(databaseRefusal(plain.db, database));
}

/** `db` is '' for the current database (or none, for SHOW DATABASES). */
function plainShowTables(sql: string): { db: string; table?: undefined } | undefined {
  if (sql === 'SHOW DATABASES' || sql === 'SHOW TABLES') return { db: '' };
  const words = sql.split(' ');
  if (words.length === 4 && words.slice(0, 3).join(' ') === 'SHOW TABLES FROM' && isPlainIdentifier(words[3]!)) return { db: words[3]! };
  return undefined;
}

/** ClickHouse normalizes `SHOW COLUMNS FROM db.t` to `SHOW COLUMNS FROM t FROM db`. */
function plainShowColumns(sql: string): { db: string; table: string } | undefined {
  const words = sql.split(' ');
  if (words.slice(0, 3).join(' ') !== 'SHOW COLUMNS FROM' || !isPlainIdentifier(words[3] ?? '')) return undefined;
  if (words.length === 4) return { db: '', table: words[3]! };
  if (words.length === 6 && words[4] === 'FROM' && isPlainIdentifier(words[5]!)) return { db: words[5]!, table: words[3]! };
  return undefined;
}

function checkNode(node: AstNode, parent: AstNode, database: string): void {
  if (!KNOWN_NODES.has(node.kind)) throw new SqlRefused(`the statement uses ${node.kind}, which this endpoint does not analyse`);
  if (node.kind === 'Set') throw new SqlRefused("a SETTINGS clause is not allowed: the endpoint's limits apply to every query");
  if (node.kind === 'ColumnsApplyTransformer') throw new SqlRefused('APPLY is not allowed: call the function on the columns by name');
  if (node.kind === 'QueryParameter') throw new SqlRefused('query parameters are not supported here: write the values into the statement');
  if (node.kind === 'TableIdentifier') refuseIf(qualifiedTableRefusal(node.detail, database));
  if (node.kind === 'Function' && parent.kind === 'TableExpression' && !ALLOWED_TABLE_FUNCTIONS.has(node.detail)) {
    throw new SqlRefused(`the table function ${node.detail}() is not allowed: queries may read only Hindsight's tables`);
  }
}

/**
 * Refuses a function call outside the allowlist. Returns whether the engine runs
 * a query while planning it: an IN whose right side names a table or a WITH
 * alias builds its set then (a subquery there is a Subquery node of its own).
 */
function checkFunction(node: AstNode, policy: FunctionPolicy, database: string): boolean {
  const verdict = policy.verdict(node.detail);
  if (!verdict.allowed) {
    const spelled = verdict.canonical === node.detail ? '' : ` (${verdict.canonical})`;
    throw new SqlRefused(`the function ${node.detail}()${spelled} is not allowed: ${verdict.reason}`);
  }
  const rightSide = IN_FUNCTIONS.has(verdict.canonical) ? node.children[0]?.children[1] : undefined;
  if (rightSide?.kind !== 'Identifier') return false;
  refuseIf(qualifiedTableRefusal(rightSide.detail, database));
  return true;
}

function refuseIf(refusal: string | undefined): void {
  if (refusal !== undefined) throw new SqlRefused(refusal);
}

async function formatQuery(checker: ClickHouseClient, statements: SqlRegistry, query: string): Promise<SqlText> {
  try {
    const rows = await selectRows<{ sql: string }>(checker, statements.render('sql-endpoint/format-query', { q: query }));
    return normalizedStatement(rows[0]!.sql);
  } catch (err) {
    const clickhouse = clickhouseErrorOf(err);
    if (clickhouse) throw new SqlRefused(cleanParserMessage(clickhouse.message), clickhouse.code);
    throw err;
  }
}

async function explainAst(checker: ClickHouseClient, statements: SqlRegistry, statement: SqlText): Promise<string> {
  try {
    return await (await checker.query({ ...statements.render('sql-endpoint/explain-ast', { statement }), format: CLIENT_FORMAT })).text();
  } catch (err) {
    const clickhouse = clickhouseErrorOf(err);
    if (clickhouse) throw new SqlRefused(clickhouse.message, clickhouse.code);
    throw err;
  }
}

/** formatQuery reports errors about its own call; keep the part about the statement. */
function cleanParserMessage(message: string): string {
  return message.replace(/: In scope SELECT formatQuery\([\s\S]*$/, '').trim();
}

const policies = new WeakMap<ClickHouseClient, Promise<FunctionPolicy>>();

/** The function policy over the engine's own catalogue, read once per checker. */
export function functionPolicy(checker: ClickHouseClient, statements: SqlRegistry): Promise<FunctionPolicy> {
  let policy = policies.get(checker);
  if (policy === undefined) {
    policy = engineCatalogue(checker, statements).then(({ functions, combinators }) => new FunctionPolicy(functions, combinators));
    policies.set(checker, policy);
    policy.catch(() => policies.delete(checker));
  }
  return policy;
}

interface FunctionRow {
  name: string;
  is_aggregate: number;
  case_insensitive: number;
  alias_to: string;
  categories: string;
}

export async function engineCatalogue(checker: ClickHouseClient, statements: SqlRegistry): Promise<{ functions: EngineFunction[]; combinators: string[] }> {
  const functions = await selectRows<FunctionRow>(checker, statements.render('sql-endpoint/functions', {}));
  const combinators = await selectRows<{ name: string }>(checker, statements.render('sql-endpoint/combinators', {}));
  return {
    functions: functions.map((f) => ({ name: f.name, aggregate: Number(f.is_aggregate) === 1, caseInsensitive: Number(f.case_insensitive) === 1, aliasTo: f.alias_to, category: f.categories })),
    combinators: combinators.map((c) => c.name),
  };
}
