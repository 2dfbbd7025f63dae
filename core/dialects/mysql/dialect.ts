import { ArgumentError, CompileError } from '../../errors.js'
import type { InspectionQueries } from '../../schema/inspection.js'
import type { SqlCompiler } from '../../sql/compiler.js'
import type { Enum, String_, ValueEncoding } from '../../sql/types.js'
import type { Decoder } from '../codecs.js'
import { DdlCompiler } from '../ddl-compiler.js'
import {
  Dialect,
  type DialectFeatures,
  type JsonAggregation,
  type TypeNames,
  withPrecision,
} from '../dialect.js'
import type { DriverErrorInfo } from '../driver-error.js'
import type { ErrorClass } from '../sqlstate.js'
import type { TransactionControl } from '../transaction-control.js'
import { mysqlDriverTypeDecoder } from './codecs.js'
import { MysqlCompiler } from './compiler.js'
import { mysqlDdl } from './ddl.js'
import { mysqlErrorClass, mysqlRetryable } from './errors.js'
import { MysqlInspection } from './inspection.js'
import { mysqlTransactions } from './transactions.js'

/** MySQL's own errno for a SQLSTATE, so a raised error reads as the database's would (40001: deadlock). */
const errnoOfSqlstate: Readonly<Record<string, number>> = { '40001': 1213 }

/**
 * The MySQL dialect (planetscale adapter). Emits what both MySQL 8 / Vitess and MariaDB accept.
 * DDL on MySQL commits the open transaction implicitly.
 */
export class MysqlDialect extends Dialect {
  readonly name = 'mysql' as const
  readonly identifierRules = {
    quote: '`',
    maxLength: 64,
    lengthUnit: 'characters',
    noTrailingSpace: true,
  } as const
  readonly features: DialectFeatures = {
    returning: false,
    upsert: 'on_duplicate_key',
    fullJoin: false,
    rightJoin: true,
    nullsOrdering: false,
    distinctOn: false,
    ilike: false,
    filterClause: false,
    forUpdate: true,
    forUpdateOf: false,
    forShare: 'LOCK IN SHARE MODE',
    updateFrom: false,
    lateral: false,
    derivedTableOuterReferences: false,
    intersectExcept: true,
    parenthesizedCompoundParts: true,
    concat: 'function',
    trueLiteral: 'true',
    falseLiteral: 'false',
    offsetWithoutLimit: '18446744073709551615',
    defaultValues: ' () VALUES ()',
    fromDual: true,
    bigIntegerAsText: false,
    keyPrefetch: false,
    lastInsertId: true,
    transactionalDdl: false,
    characterLengthFunction: 'char_length',
    caseInsensitiveText: true,
    decimalDivision: true,
  }
  /** Booleans as 1 and 0 (BOOL is TINYINT). */
  readonly valueEncoding: ValueEncoding = {
    bigIntegerAsText: false,
    booleanAsInteger: true,
    utcOffset: false,
  }
  /**
   * MySQL 8 takes no ORDER BY in JSON_ARRAYAGG: elements are sorted after decoding. Dates travel
   * as text, as a plain column reads them.
   */
  override readonly jsonAggregation: JsonAggregation = {
    agg: 'json_arrayagg',
    element: 'json_array',
    ordered: false,
    maxArgs: 1000,
    textKinds: new Set(['bigint', 'numeric', 'json', 'date', 'time', 'datetime']),
  }
  placeholder(): string {
    return '?'
  }
  createCompiler(
    options: { literalBinds?: boolean; bindIndex?: ReadonlyMap<unknown, number> } = {},
  ): SqlCompiler {
    return new MysqlCompiler(this, options as never)
  }
  override readonly ddl = mysqlDdl
  readonly inspection: InspectionQueries = new MysqlInspection()
  createDdlCompiler(): DdlCompiler {
    return new DdlCompiler(this)
  }
  override transactionControl(): TransactionControl {
    return mysqlTransactions
  }
  override errorClass(info: DriverErrorInfo): ErrorClass {
    return mysqlErrorClass(info)
  }
  override isRetryableAnswer(info: DriverErrorInfo): boolean {
    return mysqlRetryable(info)
  }
  override driverTypeDecoder(driverType: number | string | undefined): Decoder {
    return mysqlDriverTypeDecoder(driverType)
  }
  /** A `SIGNAL` of the error, with MySQL's own errno for the SQLSTATE where it has one. */
  override raiseErrorSql(sqlstate: string, message: string): string {
    if (!/^[0-9A-Z]{5}$/.test(sqlstate)) throw new ArgumentError(`Not a SQLSTATE: ${sqlstate}`)
    const errno = errnoOfSqlstate[sqlstate]
    return `SIGNAL SQLSTATE '${sqlstate}' SET MESSAGE_TEXT = ${this.quoteString(message)}${errno === undefined ? '' : `, MYSQL_ERRNO = ${errno}`}`
  }
  override quoteString(value: string): string {
    // Backslash is an escape character in MySQL string literals unless NO_BACKSLASH_ESCAPES is set.
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('\0', '\\0')}'`
  }
  protected readonly typeNames: TypeNames = {
    integer: 'INTEGER',
    smallint: 'SMALLINT',
    bigint: 'BIGINT',
    float: 'DOUBLE',
    numeric: withPrecision('DECIMAL', 'DECIMAL(65, 30)'),
    string: (s: String_) => {
      if (s.length === undefined)
        throw new CompileError('String columns need a length on MySQL: use t.String(n) or t.Text')
      return `VARCHAR(${s.length})`
    },
    text: 'LONGTEXT',
    boolean: 'BOOL',
    date: 'DATE',
    datetime: 'DATETIME(3)',
    time: 'TIME',
    json: 'JSON',
    uuid: 'CHAR(36)',
    binary: 'LONGBLOB',
    enum: (e: Enum) => `ENUM(${e.values.map((v) => this.quoteString(v)).join(', ')})`,
  }
  protected override readonly castTypeNames: TypeNames = {
    integer: 'SIGNED',
    smallint: 'SIGNED',
    bigint: 'SIGNED',
    boolean: 'SIGNED',
    float: 'DOUBLE',
    numeric: withPrecision('DECIMAL', 'DECIMAL(65, 30)'),
    date: 'DATE',
    datetime: 'DATETIME(3)',
    time: 'TIME',
    binary: 'BINARY',
    '*': 'CHAR',
  }
}

/** The MySQL dialect instance. */
export const mysql: MysqlDialect = /* @__PURE__ */ new MysqlDialect()
