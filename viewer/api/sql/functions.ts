/**
 * Which functions the analytics SQL endpoint lets a statement call: an allowlist.
 * A function is allowed when the engine files it under a category of pure
 * computation and it is not named below as denied, or when it is named as
 * allowed. Everything else is refused, including what the engine does not know
 * (a user-defined function, a name added by a newer engine before anyone chose).
 *
 * The engine's own catalogue (system.functions) decides what a name means: its
 * aliases (`user` is currentUser), its case-insensitive names (`FILE` is file)
 * and its aggregate combinators (`anyIf`, `sumArrayIf`), so a spelling never
 * reaches a function its canonical name would not.
 *
 * Rejected: a denylist alone. The engine grows by dozens of functions a release,
 * and one that reads a file or opens a socket would pass until someone noticed;
 * tests/integration/sql-functions.golden.tsv pins every verdict so an engine
 * upgrade shows up as a diff to decide on.
 */

/**
 * Table functions that make data from nothing. Every other one reaches outside
 * (file, url, s3, hdfs, remote, cluster, mysql, executable, input, iceberg, ...),
 * and the engine's readonly mode refuses those too.
 */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateSeries', 'values', 'null']);

/** One row of the engine's system.functions. */
export interface EngineFunction {
  name: string;
  aggregate: boolean;
  caseInsensitive: boolean;
  /** The canonical name when this one is an alias, else ''. */
  aliasTo: string;
  category: string;
}

/** Categories whose functions only compute on their arguments. */
export const ALLOWED_CATEGORIES: ReadonlySet<string> = new Set([
  'Aggregate Functions',
  'Arithmetic',
  'Arrays',
  'Bit',
  'Bitmap',
  'Comparison',
  'Conditional',
  'Dates and Times',
  'Distance',
  'Encoding',
  'Encryption',
  'Financial',
  'Geo',
  'Geo Polygon',
  'Hash',
  'IP Address',
  'JSON',
  'Logical',
  'Machine Learning',
  'Map',
  'Mathematical',
  'Null',
  'NumericIndexedVector',
  'QBit',
  'Random Number',
  'Rounding',
  'String',
  'String Replacement',
  'String Search',
  'String Splitting',
  'Time Series',
  'Time Window',
  'Tuple',
  'Type Conversion',
  'URL',
  'UUID',
]);

/** Categories refused whole: each function in them reaches outside the statement. */
export const DENIED_CATEGORIES: ReadonlyMap<string, string> = new Map([
  ['Dictionary', 'dictionaries load from external sources (files, URLs, other databases)'],
  ['Embedded Dictionary', "embedded dictionaries read the server's geobase files"],
  ['Introspection', 'introspection reads the server binary, its threads and its log'],
  ['AI', 'AI functions call a network service'],
  ['Internal', "internal functions are the engine's own"],
]);

/**
 * Functions of the engine's catch-all category "Other" that only compute, or
 * report facts of the query itself. The rest of "Other" is in DENIED.
 */
export const ALLOWED_OTHER: ReadonlySet<string> = new Set([
  'MACNumToString',
  'MACStringToNum',
  'MACStringToOUI',
  'bar',
  'blockNumber',
  'blockSerializedSize',
  'blockSize',
  'byteSize',
  'colorOKLABToSRGB',
  'colorOKLCHToSRGB',
  'colorSRGBToOKLAB',
  'colorSRGBToOKLCH',
  'connectionId',
  'countDigits',
  'currentDatabase',
  'currentQueryID',
  'currentSchemas',
  'defaultValueOfArgumentType',
  'defaultValueOfTypeName',
  'digits',
  'dumpColumnStructure',
  'errorCodeToName',
  'finalizeAggregation',
  'flipCoordinates',
  'formatQuery',
  'formatQueryOrNull',
  'formatQuerySingleLine',
  'formatQuerySingleLineOrNull',
  'formatReadableDecimalSize',
  'formatReadableQuantity',
  'formatReadableSize',
  'formatReadableTimeDelta',
  'generateRandomStructure',
  'getSizeOfEnumType',
  'getSubcolumn',
  'getTypeSerializationStreams',
  'highlightQuery',
  'icebergBucket',
  'icebergTruncate',
  'identity',
  'ignore',
  'indexHint',
  'initialQueryID',
  'initialQueryStartTime',
  'initializeAggregation',
  'isConstant',
  'isDecimalOverflow',
  'lowCardinalityIndices',
  'lowCardinalityKeys',
  'materialize',
  'minSampleSizeContinuous',
  'minSampleSizeConversion',
  'neighbor',
  'normalizeQuery',
  'normalizeQueryKeepNames',
  'normalizedQueryHash',
  'normalizedQueryHashKeepNames',
  'obfuscateQuery',
  'obfuscateQueryWithSeed',
  'parseReadableSize',
  'parseReadableSizeOrNull',
  'parseReadableSizeOrZero',
  'parseTimeDelta',
  'partitionId',
  'queryID',
  'revision',
  'rowNumberInAllBlocks',
  'rowNumberInBlock',
  'runningAccumulate',
  'runningConcurrency',
  'runningDifference',
  'runningDifferenceStartingWithFirstValue',
  'structureToCapnProtoSchema',
  'structureToProtobufSchema',
  'throwIf',
  'toColumnTypeName',
  'toTypeName',
  'tokenizeQuery',
  'transform',
  'variantElement',
  'variantType',
  'version',
  'visibleWidth',
]);

const FILES = 'reads files on the server';
const FILESYSTEM = "reports on the server's filesystem";
const CONFIGURATION = "reads the server's configuration";
const ACCESS = "reads the server's access control";
const HOST = 'identifies the host or the server binary';
const STATE = 'reads or changes server state outside the query';
const OTHER_TABLES = 'reads tables by a name given as a value, past the database check';
const TIME = 'holds a reader while doing nothing';

/** Functions refused by name, with the reason the refusal gives. Every name must exist in the engine. */
export const DENIED: ReadonlyMap<string, string> = new Map([
  ['file', FILES],
  ['catboostEvaluate', FILES],
  ['showCertificate', FILES],
  ['naiveBayesClassifier', FILES],
  ['naiveBayesClassifierWithProb', FILES],
  ['naiveBayesClassifierWithAllProbs', FILES],
  ['filesystemAvailable', FILESYSTEM],
  ['filesystemCapacity', FILESYSTEM],
  ['filesystemUnreserved', FILESYSTEM],
  ['getSetting', CONFIGURATION],
  ['getSettingOrDefault', CONFIGURATION],
  ['getServerSetting', CONFIGURATION],
  ['getMergeTreeSetting', CONFIGURATION],
  ['getMacro', CONFIGURATION],
  ['globalVariable', CONFIGURATION],
  ['displayName', CONFIGURATION],
  ['getServerPort', CONFIGURATION],
  ['tcpPort', CONFIGURATION],
  ['getClientHTTPHeader', CONFIGURATION],
  ['getMaxTableNameLengthForDatabase', CONFIGURATION],
  ['currentUser', ACCESS],
  ['authenticatedUser', ACCESS],
  ['currentRoles', ACCESS],
  ['enabledRoles', ACCESS],
  ['defaultRoles', ACCESS],
  ['currentProfiles', ACCESS],
  ['enabledProfiles', ACCESS],
  ['defaultProfiles', ACCESS],
  ['hostName', HOST],
  ['FQDN', HOST],
  ['getOSKernelVersion', HOST],
  ['serverUUID', HOST],
  ['buildId', HOST],
  ['uptime', HOST],
  ['shardNum', STATE],
  ['shardCount', STATE],
  ['zookeeperSessionUptime', STATE],
  ['generateSerialID', STATE],
  ['transactionID', STATE],
  ['transactionLatestSnapshot', STATE],
  ['transactionOldestSnapshot', STATE],
  ['hasThreadFuzzer', STATE],
  ['fuzzQuery', STATE],
  ['joinGet', OTHER_TABLES],
  ['joinGetOrNull', OTHER_TABLES],
  ['hasColumnInTable', OTHER_TABLES],
  ['sleep', TIME],
  ['sleepEachRow', TIME],
]);

/**
 * Names the parser writes into the tree that are syntax, not catalogue entries:
 * `x -> ...`, EXISTS (...), GROUPING(...), untuple(...), and CASE x WHEN (which
 * the parser spells as the internal caseWithExpression).
 */
const SYNTAX: ReadonlySet<string> = new Set(['lambda', 'exists', 'grouping', 'untuple', 'caseWithExpression']);

/** The engine's internal combinator, never written by a user. */
const INTERNAL_COMBINATORS: ReadonlySet<string> = new Set(['Null']);

export type Verdict = { allowed: true; canonical: string } | { allowed: false; canonical: string; reason: string };

export class FunctionPolicy {
  private readonly exact = new Map<string, EngineFunction>();
  /** Lower-cased names of the functions the engine matches case-insensitively. */
  private readonly folded = new Map<string, EngineFunction>();
  private readonly combinators: readonly string[];

  constructor(functions: readonly EngineFunction[], combinators: readonly string[]) {
    for (const fn of functions) {
      this.exact.set(fn.name, fn);
      if (fn.caseInsensitive) this.folded.set(fn.name.toLowerCase(), fn);
    }
    // Longest first, so `MergeState` is tried before `State`.
    this.combinators = combinators.filter((c) => !INTERNAL_COMBINATORS.has(c)).sort((a, b) => b.length - a.length);
  }

  /** The verdict on a function name as the statement wrote it. */
  verdict(written: string): Verdict {
    if (SYNTAX.has(written)) return { allowed: true, canonical: written };
    const resolved = this.resolve(written);
    if (!resolved) return { allowed: false, canonical: written, reason: 'it is not a function this endpoint knows' };
    return verdictOn(resolved);
  }

  /** The catalogue entry a written name reaches, through case, aliases and combinators. */
  private resolve(written: string, depth = 0): EngineFunction | undefined {
    if (depth > 4) return undefined;
    const direct = this.exact.get(written) ?? this.folded.get(written.toLowerCase());
    // An alias may name its target in another case, or with a combinator (array_concat_agg is groupArrayArray).
    if (direct) return direct.aliasTo === '' ? direct : this.resolve(direct.aliasTo, depth + 1);
    // A combinator applies to an aggregate only; what is left must resolve to one.
    for (const suffix of this.combinators) {
      if (written.length <= suffix.length || !written.endsWith(suffix)) continue;
      const base = this.resolve(written.slice(0, -suffix.length), depth + 1);
      if (base?.aggregate) return base;
    }
    return undefined;
  }
}

function verdictOn(fn: EngineFunction): Verdict {
  const denied = DENIED.get(fn.name) ?? DENIED_CATEGORIES.get(fn.category);
  if (denied !== undefined) return { allowed: false, canonical: fn.name, reason: denied };
  if (ALLOWED_OTHER.has(fn.name) || ALLOWED_CATEGORIES.has(fn.category)) return { allowed: true, canonical: fn.name };
  return { allowed: false, canonical: fn.name, reason: `the category "${fn.category || 'none'}" is not on the allow list` };
}
