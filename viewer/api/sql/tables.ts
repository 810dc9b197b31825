/**
 * Which tables the analytics SQL endpoint lets a statement read: Hindsight's own
 * database, and the system tables listed here. Every other database is refused,
 * information_schema too in both spellings: it is views over system.tables and
 * system.columns, which are readable, so nothing is lost and one rule holds for
 * every statement that names a database (SELECT, SHOW, DESCRIBE, EXISTS).
 *
 * The system tables are an allowlist: the catalogue of Hindsight's storage, the
 * engine's reference tables and its counters. Left out on purpose, among others:
 * server_settings, disks, storage_policies and user_directories (paths, and the
 * server's configuration), users, grants, roles, quotas and settings_profiles
 * (access control), named_collections (credentials), certificates (reads the
 * CA files), macros, clusters and dns_cache, dictionaries and models (external
 * sources), stack_trace, symbols and jemalloc_* (introspection),
 * schema_inference_cache and detached_parts (paths of files), query_cache
 * (other queries' results) and errors (its messages carry other queries' text).
 */
export const READABLE_SYSTEM_TABLES: ReadonlySet<string> = new Set([
  // Hindsight's storage as the engine sees it.
  'databases',
  'tables',
  'columns',
  'parts',
  'parts_columns',
  'data_skipping_indices',
  'projections',
  'projection_parts',
  'projection_parts_columns',
  'merges',
  'mutations',
  // Reference: what the engine offers.
  'functions',
  'table_functions',
  'aggregate_function_combinators',
  'formats',
  'data_type_families',
  'table_engines',
  'database_engines',
  'collations',
  'time_zones',
  'keywords',
  'settings',
  'settings_changes',
  // Generators.
  'one',
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'primes',
  // What is running, and the engine's counters.
  'processes',
  'metrics',
  'events',
  'asynchronous_metrics',
]);

/** A plain identifier: quoted names with other characters are refused rather than parsed. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isPlainIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Why a database other than Hindsight's or system is refused; undefined when it is readable. */
export function databaseRefusal(db: string, database: string): string | undefined {
  if (db === database || db === 'system') return undefined;
  const hint = db.toLowerCase() === 'information_schema' ? ' (for information_schema.tables and .columns, read system.tables and system.columns)' : '';
  return `the database ${db} is not readable here: use ${database} (Hindsight's tables) or system${hint}`;
}

/** Why a table is refused, undefined when it is readable. `db` is '' when the name is unqualified. */
export function tableRefusal(db: string, table: string, database: string): string | undefined {
  if (!isPlainIdentifier(table) || (db !== '' && !isPlainIdentifier(db))) {
    return `the table name ${db === '' ? table : `${db}.${table}`} is not a plain identifier, which this endpoint requires`;
  }
  if (db === '') return undefined;
  const refused = databaseRefusal(db, database);
  if (refused !== undefined) return refused;
  if (db === 'system' && !READABLE_SYSTEM_TABLES.has(table)) {
    return `system.${table} is not readable here: it exposes the server's configuration, files or other queries; the readable system tables are ${[...READABLE_SYSTEM_TABLES].join(', ')}`;
  }
  return undefined;
}

/** The same for a name written `db.table` or `table`. */
export function qualifiedTableRefusal(name: string, database: string): string | undefined {
  const parts = name.split('.');
  const [first = '', second] = parts;
  if (parts.length > 2) return `the table name ${name} is not a plain identifier, which this endpoint requires`;
  return second === undefined ? tableRefusal('', first, database) : tableRefusal(first, second, database);
}
