import type { SqlCompiler } from '../../sql/compiler.js'
import type { ValueEncoding } from '../../sql/types.js'
import { DdlCompiler } from '../ddl-compiler.js'
import {
  Dialect,
  type DialectFeatures,
  enumVarchar,
  type JsonAggregation,
  type SqlStatement,
  type TypeNames,
  varchar,
  withPrecision,
} from '../dialect.js'
import type { DriverErrorInfo } from '../driver-error.js'
import { wordSet } from '../identifiers.js'
import type { ErrorClass } from '../sqlstate.js'
import type { TransactionControl } from '../transaction-control.js'
import { SqliteCompiler } from './compiler.js'
import { sqliteDdl } from './ddl.js'
import { sqliteErrorClass, sqliteRetryable } from './errors.js'
import { sqliteInspection } from './inspection.js'
import { sqliteTransactions } from './transactions.js'

/**
 * SQLite keywords missing from the shared reserved list. Most are "fallback" keywords SQLite
 * accepts as names in some places but not all (`SELECT NULL AS nothing` is a syntax error), so
 * they are always quoted.
 */
const sqliteKeywords = wordSet(
  `abort action after always attach autoincrement begin commit conflict deferred detach exclude exclusive fail
first following immediate indexed instead last materialized no nothing nulls others plan pragma preceding query
raise reindex rollback row savepoint temp temporary ties unbounded vacuum view`,
)

/** The SQLite dialect (libsql and d1 adapters). */
export class SqliteDialect extends Dialect {
  /**
   * `bigIntegerAsText`: read top-level BigInteger result columns as text, for transports whose
   * driver parses integers as doubles (the d1 adapter uses such an instance).
   */
  constructor(options: { bigIntegerAsText?: boolean } = {}) {
    super()
    if (options.bigIntegerAsText) this.features = { ...this.features, bigIntegerAsText: true }
  }
  readonly name = 'sqlite' as const
  readonly identifierRules = {
    quote: '"',
    maxLength: 1024,
    lengthUnit: 'characters',
    noTrailingSpace: false,
  } as const
  readonly features: DialectFeatures = {
    returning: true,
    upsert: 'on_conflict',
    fullJoin: true,
    rightJoin: true,
    nullsOrdering: true,
    distinctOn: false,
    ilike: false,
    filterClause: true,
    forUpdate: false,
    forUpdateOf: false,
    forShare: '',
    updateFrom: true,
    lateral: false,
    derivedTableOuterReferences: true,
    intersectExcept: true,
    parenthesizedCompoundParts: false,
    concat: 'pipes',
    trueLiteral: '1',
    falseLiteral: '0',
    offsetWithoutLimit: '-1',
    defaultValues: ' DEFAULT VALUES',
    fromDual: false,
    bigIntegerAsText: false,
    keyPrefetch: false,
    lastInsertId: true,
    transactionalDdl: true,
    characterLengthFunction: 'length',
    caseInsensitiveText: false,
    decimalDivision: false,
  }
  /** No boolean type: booleans as 1 and 0. */
  readonly valueEncoding: ValueEncoding = {
    bigIntegerAsText: false,
    booleanAsInteger: true,
    utcOffset: false,
  }
  /** SQLite 3.44+ (aggregate ORDER BY); numbers and JSON stay native (its JSON keeps them exact). */
  override readonly jsonAggregation: JsonAggregation = {
    agg: 'json_group_array',
    element: 'json_array',
    ordered: true,
    maxArgs: 127,
    textKinds: new Set(['bigint']),
  }
  placeholder(): string {
    return '?'
  }
  override quote(name: string): string {
    return sqliteKeywords().has(name) ? `"${name}"` : super.quote(name)
  }
  createCompiler(
    options: { literalBinds?: boolean; bindIndex?: ReadonlyMap<unknown, number> } = {},
  ): SqlCompiler {
    return new SqliteCompiler(this, options as never)
  }
  override readonly ddl = sqliteDdl
  readonly inspection = sqliteInspection
  createDdlCompiler(): DdlCompiler {
    return new DdlCompiler(this)
  }
  override transactionControl(): TransactionControl {
    return sqliteTransactions
  }
  override errorClass(info: DriverErrorInfo): ErrorClass {
    return sqliteErrorClass(info)
  }
  override isRetryableAnswer(info: DriverErrorInfo): boolean {
    return sqliteRetryable(info)
  }
  /**
   * The statement, then a SELECT that overflows an integer (an error) unless `changes()` is
   * `expectedRows`: the batch fails and rolls back.
   */
  override rowCountGuard(stmt: SqlStatement, expectedRows: number): SqlStatement[] {
    return [
      stmt,
      {
        sql: 'SELECT CASE WHEN changes() = ? THEN 0 ELSE abs(-9223372036854775808) END',
        params: [expectedRows],
      },
    ]
  }
  override isRowCountGuardError(err: unknown): boolean {
    const message = (err as { message?: unknown }).message
    return typeof message === 'string' && /integer overflow/i.test(message)
  }
  protected readonly typeNames: TypeNames = {
    integer: 'INTEGER',
    smallint: 'SMALLINT',
    bigint: 'BIGINT',
    float: 'REAL',
    numeric: withPrecision('NUMERIC'),
    string: varchar,
    text: 'TEXT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    datetime: 'DATETIME',
    time: 'TIME',
    json: 'JSON',
    uuid: 'CHAR(36)',
    binary: 'BLOB',
    enum: enumVarchar,
  }
  protected override readonly castTypeNames: TypeNames = {
    integer: 'INTEGER',
    smallint: 'INTEGER',
    bigint: 'INTEGER',
    boolean: 'INTEGER',
    float: 'REAL',
    numeric: 'NUMERIC',
    binary: 'BLOB',
    '*': 'TEXT',
  }
}

/** The SQLite dialect instance. */
export const sqlite: SqliteDialect = /* @__PURE__ */ new SqliteDialect()
