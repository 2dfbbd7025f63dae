import { ArgumentError, CompileError } from '../../errors.js'
import type { InspectionQueries } from '../../schema/inspection.js'
import type { SqlCompiler } from '../../sql/compiler.js'
import { text } from '../../sql/constructors.js'
import type { ClauseElement } from '../../sql/elements.js'
import { CustomType, type DateTime, type SqlType, type ValueEncoding } from '../../sql/types.js'
import type { Decoder } from '../codecs.js'
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
import type { ErrorClass } from '../sqlstate.js'
import type { TransactionControl } from '../transaction-control.js'
import { postgresDriverTypeDecoder } from './codecs.js'
import { PostgresCompiler } from './compiler.js'
import { postgresqlDdl } from './ddl.js'
import { postgresErrorClass, postgresRetryable } from './errors.js'
import { PostgresInspection } from './inspection.js'
import { postgresqlTransactions } from './transactions.js'

/** The PostgreSQL dialect (neon-http and neon adapters). */
export class PostgresDialect extends Dialect {
  readonly name = 'postgresql' as const
  readonly identifierRules = {
    quote: '"',
    maxLength: 63,
    lengthUnit: 'bytes',
    noTrailingSpace: false,
  } as const
  readonly features: DialectFeatures = {
    returning: true,
    upsert: 'on_conflict',
    fullJoin: true,
    rightJoin: true,
    nullsOrdering: true,
    distinctOn: true,
    ilike: true,
    filterClause: true,
    forUpdate: true,
    forUpdateOf: true,
    forShare: 'FOR SHARE',
    updateFrom: true,
    lateral: true,
    derivedTableOuterReferences: true,
    intersectExcept: true,
    parenthesizedCompoundParts: true,
    concat: 'pipes',
    trueLiteral: 'true',
    falseLiteral: 'false',
    offsetWithoutLimit: '',
    defaultValues: ' DEFAULT VALUES',
    fromDual: false,
    bigIntegerAsText: false,
    keyPrefetch: true,
    lastInsertId: false,
    transactionalDdl: true,
    characterLengthFunction: 'char_length',
    caseInsensitiveText: false,
    decimalDivision: false,
  }
  /** Drivers send parameters as text: 64-bit integers as decimal text, zone-aware timestamps with `+00`. */
  readonly valueEncoding: ValueEncoding = { bigIntegerAsText: true, booleanAsInteger: false, utcOffset: true }
  override readonly jsonAggregation: JsonAggregation = {
    agg: 'json_agg',
    element: 'json_build_array',
    ordered: true,
    maxArgs: 100,
    textKinds: new Set(['bigint', 'numeric', 'json']),
  }
  placeholder(position: number): string {
    return `$${position}`
  }
  createCompiler(
    options: { literalBinds?: boolean; bindIndex?: ReadonlyMap<unknown, number> } = {},
  ): SqlCompiler {
    return new PostgresCompiler(this, options as never)
  }
  override readonly ddl = postgresqlDdl
  readonly inspection: InspectionQueries = new PostgresInspection()
  createDdlCompiler(): DdlCompiler {
    return new DdlCompiler(this)
  }
  override transactionControl(): TransactionControl {
    return postgresqlTransactions
  }
  protected readonly typeNames: TypeNames = {
    integer: 'INTEGER',
    smallint: 'SMALLINT',
    bigint: 'BIGINT',
    float: 'DOUBLE PRECISION',
    numeric: withPrecision('NUMERIC'),
    string: varchar,
    text: 'TEXT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    datetime: (d: DateTime) => (d.timezone ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP WITHOUT TIME ZONE'),
    time: 'TIME WITHOUT TIME ZONE',
    json: 'JSONB',
    uuid: 'UUID',
    binary: 'BYTEA',
    enum: enumVarchar,
  }
  /**
   * The type a parameter is cast to: the type without length or precision, since
   * `$1::VARCHAR(50)` silently truncates a longer value and `$1::NUMERIC(5, 2)` rounds it.
   */
  bindCastTypeName(type: SqlType): string {
    if (type instanceof CustomType) return this.bindCastTypeName(type.base)
    switch (type.kind) {
      case 'string':
      case 'enum':
        return 'VARCHAR'
      case 'numeric':
        return 'NUMERIC'
      default:
        return this.typeName(type)
    }
  }
  protected override binaryLiteral(bytes: Uint8Array): string {
    return `'\\x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}'::BYTEA`
  }
  override quoteString(value: string): string {
    if (value.includes('\0')) throw new CompileError('PostgreSQL text cannot contain NUL characters')
    return super.quoteString(value)
  }
  override errorClass(info: DriverErrorInfo): ErrorClass {
    return postgresErrorClass(info)
  }
  override isRetryableAnswer(info: DriverErrorInfo): boolean {
    return postgresRetryable(info)
  }
  override driverTypeDecoder(driverType: number | string | undefined): Decoder {
    return postgresDriverTypeDecoder(driverType)
  }
  /**
   * The statement itself in a CTE with RETURNING, counted: a count other than `expectedRows`
   * divides by zero (SQLSTATE 22012), which fails the batch.
   */
  override rowCountGuard(stmt: SqlStatement, expectedRows: number): SqlStatement[] {
    const n = this.placeholder(stmt.params.length + 1)
    return [
      {
        sql: `WITH ea_guard AS (${stmt.sql} RETURNING 1) SELECT 1 / (CASE WHEN count(*) = ${n} THEN 1 ELSE 0 END) FROM ea_guard`,
        params: [...stmt.params, expectedRows],
      },
    ]
  }
  override isRowCountGuardError(err: unknown): boolean {
    return (err as { code?: unknown }).code === '22012'
  }
  /** `nextval` of the column's serial sequence, `count` times. */
  override reserveKeys(table: string, column: string, count: number): ClauseElement {
    return text('SELECT nextval(pg_get_serial_sequence(:t, :c)) FROM generate_series(1, :n)').bindparams({
      t: this.quote(table),
      c: column,
      n: count,
    })
  }
  /** A `DO` block that raises the error. */
  override raiseErrorSql(sqlstate: string, message: string): string {
    if (!/^[0-9A-Z]{5}$/.test(sqlstate)) throw new ArgumentError(`Not a SQLSTATE: ${sqlstate}`)
    return `DO $$ BEGIN RAISE EXCEPTION ${this.quoteString(message)} USING ERRCODE = '${sqlstate}'; END $$`
  }
}

/** The PostgreSQL dialect instance. */
export const postgresql: PostgresDialect = /* @__PURE__ */ new PostgresDialect()
