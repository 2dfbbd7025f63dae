import { ArgumentError, CompileError, DBAPIError, UnsupportedCapabilityError } from '../errors.js'
import type { InspectionQueries } from '../schema/inspection.js'
import type { SchemaDdlCompiler, SchemaDialect } from '../schema/schema-dialect.js'
import type { CompiledStatement, CompiledTemplate, ExecuteParams } from '../sql/compiled.js'
import type { SqlCompiler } from '../sql/compiler.js'
import type { CompilerDialect, CompilerFeatures } from '../sql/compiler-dialect.js'
import type { ClauseElement } from '../sql/elements.js'
import {
  CustomType,
  type Enum,
  type Numeric,
  type SqlType,
  type String_,
  typeForValue,
  type ValueEncoding,
} from '../sql/types.js'
import { columnDecoders, type Decoder, untypedDecoder } from './codecs.js'
import { type DdlFeatures, standardDdl } from './ddl-features.js'
import type { DialectName } from './dialect-name.js'
import type { DriverErrorInfo } from './driver-error.js'
import { type ErrorRules, type TranslateOptions, translateError } from './error-translation.js'
import { type IdentifierRules, quoteIdentifier } from './identifiers.js'
import type { ErrorClass } from './sqlstate.js'
import { StatementCache } from './statement-cache.js'
import { standardTransactionControl, type TransactionControl } from './transaction-control.js'

export type { DialectName } from './dialect-name.js'

/** Type names by type kind: a name, or a function of the type for kinds with settings. */
export type TypeNames = Readonly<Record<string, string | ((type: any) => string)>>

function nameFrom(name: TypeNames[string] | undefined, type: SqlType, dialect: string): string {
  if (name === undefined) throw new CompileError(`No ${dialect} type for ${type.toString()}`)
  return typeof name === 'string' ? name : name(type)
}

/** `NUMERIC(p, s)`-style names: `base` alone without a precision, else `base(p, s)`; `plain` overrides the bare name. */
export function withPrecision(base: string, plain = base): (type: Numeric) => string {
  return (n) => (n.precision === undefined ? plain : `${base}(${n.precision}, ${n.scale ?? 0})`)
}
/** `VARCHAR` or `VARCHAR(n)`. */
export const varchar = (s: String_): string => (s.length === undefined ? 'VARCHAR' : `VARCHAR(${s.length})`)
/** An enum stored as a VARCHAR as long as its longest value. */
export const enumVarchar = (e: Enum): string => `VARCHAR(${Math.max(...e.values.map((v) => v.length))})`

/**
 * What a dialect can do: the compiler's flags ({@link CompilerFeatures}) and those the engine,
 * the ORM and the test suites ask instead of checking the dialect's name.
 */
export interface DialectFeatures extends CompilerFeatures {
  /**
   * Keys the database generates can be reserved before the rows are inserted
   * ({@link Dialect.reserveKeys}), so a one-shot batch can carry rows that refer to new keys.
   */
  readonly keyPrefetch: boolean
  /** The driver reports the generated key of an INSERT (`lastInsertId`). */
  readonly lastInsertId: boolean
  /** DDL is transactional: a rollback undoes a CREATE TABLE (MySQL commits DDL implicitly). */
  readonly transactionalDdl: boolean
  /** The function that counts the characters (not the bytes) of a text: `char_length`, `length`. */
  readonly characterLengthFunction: string
  /** Text comparisons ignore case, as the default collation does (MySQL, MariaDB). */
  readonly caseInsensitiveText: boolean
  /** `/` of two integers gives a decimal, not a truncated integer (MySQL). */
  readonly decimalDivision: boolean
}

/** SQL text and its positional parameters, as a driver is handed them. */
export interface SqlStatement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/** How a dialect builds JSON arrays in SQL, for `jsonload` (each parent row carries its children). */
export interface JsonAggregation {
  /** The aggregate that collects elements into an array (`json_agg`). */
  readonly agg: string
  /** The function that makes one element array (`json_build_array`). */
  readonly element: string
  /** The aggregate takes ORDER BY (else elements are sorted after decoding). */
  readonly ordered: boolean
  /** Function arguments allowed (PostgreSQL: 100). */
  readonly maxArgs: number
  /**
   * Type kinds whose values are cast to text inside an element, so each column's codec reads
   * them as it reads the plain column (JSON numbers would lose digits).
   */
  readonly textKinds: ReadonlySet<string>
}

/**
 * A SQL flavour: how statements compile, how identifiers are quoted, how types are named in
 * DDL and how literals are written; what its database's errors and driver type ids mean. Adapters
 * (the transports) pick one; dialects never do I/O. Everything that differs between databases
 * is asked of the dialect (its hooks and features: docs/ARCHITECTURE.md, "Only the dialect
 * knows the dialect").
 */
export abstract class Dialect implements CompilerDialect, ErrorRules, SchemaDialect {
  abstract readonly name: DialectName
  abstract readonly identifierRules: IdentifierRules
  abstract readonly features: DialectFeatures
  /** How bound values are sent to the driver. */
  abstract readonly valueEncoding: ValueEncoding
  /** How `jsonload` builds JSON arrays; undefined where the database cannot. */
  readonly jsonAggregation: JsonAggregation | undefined = undefined
  /** Bound on the number of statement shapes kept compiled. */
  readonly cache = new StatementCache(500)

  /** The placeholder for the n-th (1-based) parameter: `$1` or `?`. */
  abstract placeholder(position: number): string
  /** A new compiler for one statement. */
  abstract createCompiler(options?: {
    literalBinds?: boolean
    bindIndex?: ReadonlyMap<unknown, number>
  }): SqlCompiler
  /** DDL type names by type kind: a name, or a function of the type for kinds with settings. */
  protected abstract readonly typeNames: TypeNames
  /** `CAST(x AS ...)` names by type kind, where they differ from the DDL names; `*` is the fallback. */
  protected readonly castTypeNames: TypeNames = {}
  /** What the dialect's DDL can express and how it writes what differs; the DDL compiler asks these. */
  readonly ddl: DdlFeatures = standardDdl
  /** The catalog queries of the schema inspector (`inspect(engine)`, `createAll` with `checkFirst`). */
  abstract readonly inspection: InspectionQueries
  /** A DDL compiler for this dialect (`createAll`, `createAllDdl`): a `DdlCompiler` over it. */
  abstract createDdlCompiler(): SchemaDdlCompiler

  /** The column type name used in CREATE TABLE. */
  typeName(type: SqlType): string {
    if (type instanceof CustomType) return this.typeName(type.base)
    return nameFrom(this.typeNames[type.kind], type, this.name)
  }
  /** The type name used in `CAST(x AS ...)`. */
  castTypeName(type: SqlType): string {
    if (type instanceof CustomType) return this.castTypeName(type.base)
    const name = this.castTypeNames[type.kind] ?? this.castTypeNames['*']
    return name === undefined ? this.typeName(type) : nameFrom(name, type, this.name)
  }

  /** Quotes an identifier when needed; throws a `CompileError` for one the database cannot represent. */
  quote(name: string): string {
    return quoteIdentifier(name, this.identifierRules, this.name)
  }

  /** Escapes a string literal (`'it''s'`). */
  quoteString(value: string): string {
    if (value.includes('\0')) throw new CompileError(`A string literal cannot contain NUL on ${this.name}`)
    return `'${value.replaceAll("'", "''")}'`
  }

  /** Writes a value as an inline SQL literal, for DDL (defaults, CHECK) where parameters are not allowed. */
  renderLiteral(value: unknown, type: SqlType | undefined): string {
    if (value === null || value === undefined) return 'NULL'
    const ty = type === undefined || type.kind === 'null' ? typeForValue(value) : type
    const encoded = ty.encode(value as never, this.valueEncoding)
    switch (typeof encoded) {
      case 'number':
        if (!Number.isFinite(encoded)) throw new CompileError(`${encoded} cannot be written as a SQL literal`)
        return String(encoded)
      case 'bigint':
        return String(encoded)
      case 'boolean':
        return encoded ? this.features.trueLiteral : this.features.falseLiteral
      case 'string':
        return this.quoteString(encoded)
      default:
        if (encoded instanceof Uint8Array) return this.binaryLiteral(encoded)
        throw new CompileError(`A ${typeof encoded} cannot be written as a SQL literal on ${this.name}`)
    }
  }

  /** A binary literal: `X'0aff'` (PostgreSQL overrides). */
  protected binaryLiteral(bytes: Uint8Array): string {
    return `X'${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}'`
  }

  /** The statements that open and end transactions (and read cursors) in this dialect. */
  transactionControl(): TransactionControl {
    return standardTransactionControl
  }

  /** The error class of a database error (not a transport failure), from its native code. */
  errorClass(info: DriverErrorInfo): ErrorClass {
    void info
    return DBAPIError
  }
  /**
   * Whether the database's answer says the unit of work may pass if run again from its start
   * (lock contention, a serialization failure). Transport failures are decided by the caller.
   */
  isRetryableAnswer(info: DriverErrorInfo): boolean {
    void info
    return false
  }
  /** The typed error for a failed statement (`DBAPIError` tree); `options.cause` must be redacted. */
  translateError(info: DriverErrorInfo, options: TranslateOptions): DBAPIError {
    return translateError(this, info, options)
  }

  /** The decoder of a result column with no declared type, from the driver's type id. */
  driverTypeDecoder(driverType: number | string | undefined): Decoder {
    void driverType
    return untypedDecoder
  }
  /** One decoder per result column, or null where the raw value is already right. */
  columnDecoders(
    types: readonly (SqlType | undefined)[],
    driverTypes: readonly (number | string | undefined)[] | undefined,
  ): (Decoder | null)[] {
    return columnDecoders(this, types, driverTypes)
  }

  /**
   * The statements a one-shot batch sends for `stmt` so the whole batch fails when it matched
   * another number of rows than `expectedRows` (the optimistic-concurrency check of a batched
   * commit). Dialects without one cannot commit stale-checked writes in a batch.
   */
  rowCountGuard(stmt: SqlStatement, expectedRows: number): SqlStatement[] {
    void stmt
    void expectedRows
    throw new UnsupportedCapabilityError(`${this.name} has no row-count guard for a batched commit`)
  }
  /** True for the error a {@link rowCountGuard} raises. */
  isRowCountGuardError(err: unknown): boolean {
    void err
    return false
  }

  /**
   * A query returning `count` new keys of `table`'s generated `column` (`features.keyPrefetch`),
   * one per row, before the rows are inserted.
   */
  reserveKeys(table: string, column: string, count: number): ClauseElement {
    void table
    void column
    void count
    throw new UnsupportedCapabilityError(`${this.name} cannot reserve generated keys before an insert`)
  }

  /**
   * SQL that fails with a database error of the given SQLSTATE and message (PostgreSQL's
   * `RAISE`, MySQL's `SIGNAL`), for tests of error handling; undefined where there is none (SQLite).
   */
  raiseErrorSql(sqlstate: string, message: string): string | undefined {
    void sqlstate
    void message
    return undefined
  }

  /** Compiles a statement to a reusable template, through the cache. */
  compileTemplate(stmt: ClauseElement): CompiledTemplate {
    return this.cache.get(stmt, this)
  }

  /**
   * Compiles and binds a statement: SQL text and positional parameters.
   *
   * ```ts
   * postgresql.compile(select(users.c.id).where(users.c.name.eq('A')))
   * // { sql: 'SELECT users.id FROM users WHERE users.name = $1', params: ['A'] }
   * ```
   */
  compile(stmt: ClauseElement, params?: ExecuteParams): CompiledStatement {
    if (!(stmt && typeof stmt === 'object' && 'kind' in stmt))
      throw new ArgumentError('compile() takes a statement')
    const { template, binds } = this.cache.lookup(stmt, this)
    return template.bind(params, binds)
  }
}
