/**
 * The statement check of the analytics SQL endpoint, the second of its two layers
 * (the first is the engine's read-only mode). ClickHouse's own parser decides:
 * formatQuery() parses the text (a syntax error or a second statement fails
 * there), and EXPLAIN AST of the normalized statement gives the tree that the
 * rules below read. No regular expression ever looks at the SQL text itself.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { HindsightError } from '../../collector/errors';
import { clickhouseErrorOf } from '../../collector/store/store-errors';

/** Statement kinds (the AST's root node) that only read. */
const ALLOWED_ROOTS = new Set([
  'SelectWithUnionQuery',
  'SelectIntersectExceptQuery',
  'ShowTables',
  'ShowColumns',
  'ShowCreateTableQuery',
  'ShowCreateViewQuery',
  'ShowCreateDatabaseQuery',
  'DescribeQuery',
  'Explain',
  'ExistsTableQuery',
  'ExistsDatabaseQuery',
]);

/** Table functions that make data from nothing; every other one reaches outside (file, url, s3, remote, ...). */
const ALLOWED_TABLE_FUNCTIONS = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateSeries', 'values', 'null']);

/** The format clickhouse-js appends to every query it sends; the check's own, not the user's. */
const CLIENT_FORMAT = 'TabSeparatedRaw';

export class SqlRefused extends HindsightError {
  constructor(
    message: string,
    readonly clickhouseCode?: string,
  ) {
    super('HS_SQL_REFUSED', message);
  }
}

interface AstNode {
  kind: string;
  detail: string;
  children: AstNode[];
}

/** EXPLAIN AST's indented text as a tree. */
export function parseAst(text: string): AstNode {
  const root: AstNode = { kind: '', detail: '', children: [] };
  const stack: { depth: number; node: AstNode }[] = [{ depth: -1, node: root }];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const line = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    const depth = line.length - line.trimStart().length;
    const [kind = '', ...rest] = line.trim().replace(/ \(children \d+\)$/, '').split(' ');
    const node: AstNode = { kind, detail: rest.join(' '), children: [] };
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    stack[stack.length - 1]!.node.children.push(node);
    stack.push({ depth, node });
  }
  const [first] = root.children;
  if (!first) throw new SqlRefused('the statement could not be analysed');
  return first;
}

export interface CheckedStatement {
  /** The statement as ClickHouse normalized it: what runs. */
  sql: string;
  /** A SELECT (with WITH, UNION, INTERSECT or EXCEPT): its result may be of any size and is streamed. */
  selects: boolean;
}

const SELECT_ROOTS = new Set(['SelectWithUnionQuery', 'SelectIntersectExceptQuery']);

/**
 * Refuses anything but one read-only statement over Hindsight's database (and
 * system tables): no DDL, DML, SET, SYSTEM or KILL, no table function that
 * reaches outside, no INTO OUTFILE, no SETTINGS or FORMAT clause of its own.
 */
export async function checkStatement(checker: ClickHouseClient, query: string, database: string): Promise<CheckedStatement> {
  const sql = await formatQuery(checker, query);
  const ast = parseAst(await explainAst(checker, sql));
  if (!ALLOWED_ROOTS.has(ast.kind)) throw new SqlRefused(`only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements may run here, not ${ast.kind.replace(/Query$/, '')}`);
  checkRootClauses(ast);
  walk(ast, undefined, database);
  return { sql, selects: SELECT_ROOTS.has(ast.kind) };
}

async function formatQuery(checker: ClickHouseClient, query: string): Promise<string> {
  try {
    const rows = await (await checker.query({ query: 'SELECT formatQuery({q:String}) AS sql', query_params: { q: query }, format: 'JSONEachRow' })).json<{ sql: string }>();
    return rows[0]!.sql;
  } catch (err) {
    const clickhouse = clickhouseErrorOf(err);
    if (clickhouse) throw new SqlRefused(cleanParserMessage(clickhouse.message), clickhouse.code);
    throw err;
  }
}

async function explainAst(checker: ClickHouseClient, sql: string): Promise<string> {
  try {
    return await (await checker.query({ query: `EXPLAIN AST ${sql}`, format: CLIENT_FORMAT })).text();
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

/**
 * A SELECT's root carries its clauses as extra children: a Literal is INTO
 * OUTFILE's file name, an Identifier the FORMAT, a Set node SETTINGS.
 */
function checkRootClauses(ast: AstNode): void {
  for (const child of ast.children.slice(1)) {
    if (child.kind === 'Literal') throw new SqlRefused('INTO OUTFILE is not allowed: results are returned, never written to files');
    if (child.kind === 'Identifier' && child.detail !== CLIENT_FORMAT) throw new SqlRefused('a FORMAT clause is not allowed: choose the format with the "format" field');
  }
}

function walk(node: AstNode, parent: AstNode | undefined, database: string): void {
  if (node.kind === 'Set') throw new SqlRefused('a SETTINGS clause is not allowed: the endpoint\'s limits apply to every query');
  if (node.kind === 'Function' && parent?.kind === 'TableExpression') {
    const name = node.detail;
    if (!ALLOWED_TABLE_FUNCTIONS.has(name)) throw new SqlRefused(`the table function ${name}() is not allowed: queries may read only Hindsight's tables`);
  }
  if (node.kind === 'TableIdentifier') {
    const dot = node.detail.indexOf('.');
    const db = dot < 0 ? '' : node.detail.slice(0, dot).replace(/^`|`$/g, '');
    if (db !== '' && db !== database && db !== 'system') throw new SqlRefused(`the database ${db} is not readable here: use ${database} (Hindsight's tables) or system`);
  }
  for (const child of node.children) walk(child, node, database);
}
