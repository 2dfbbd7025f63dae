import { ArgumentError, CompileError } from '../errors.js'
import type { InspectionQueries } from '../schema/inspection.js'
import type { SchemaDdlCompiler } from '../schema/schema-dialect.js'
import type { CompiledStatement, CompiledTemplate, ExecuteParams } from '../sql/compiled.js'
import type { SqlCompiler } from '../sql/compiler.js'
import type { ClauseElement } from '../sql/elements.js'
import {
  CustomType,
  type DialectName,
  type Enum,
  type Numeric,
  type SqlType,
  type String_,
  typeForValue,
} from '../sql/types.js'
import { type DdlFeatures, standardDdl } from './ddl-features.js'
import { type IdentifierRules, quoteIdentifier } from './identifiers.js'
import { StatementCache } from './statement-cache.js'

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

/** What a dialect's SQL can express; the compiler asks these instead of checking names. */
export interface DialectFeatures {
  readonly returning: boolean
  readonly upsert: 'on_conflict' | 'on_duplicate_key'
  readonly fullJoin: boolean
  readonly rightJoin: boolean
  /** Native `NULLS FIRST/LAST`; emulated otherwise. */
  readonly nullsOrdering: boolean
  readonly distinctOn: boolean
  readonly ilike: boolean
  /** Aggregate `FILTER (WHERE ...)`; emulated with CASE otherwise. */
  readonly filterClause: boolean
  readonly forUpdate: boolean
  readonly forShare: string
  readonly updateFrom: boolean
  readonly lateral: boolean
  /**
   * A subquery in FROM may refer to the tables of enclosing queries (correlate): PostgreSQL,
   * SQLite, MySQL 8.0.14+; not MariaDB.
   */
  readonly derivedTableOuterReferences: boolean
  readonly intersectExcept: boolean
  /** Whether `(SELECT ... LIMIT n) UNION (...)` parses; otherwise parts are wrapped in subqueries. */
  readonly parenthesizedCompoundParts: boolean
  readonly concat: 'pipes' | 'function'
  readonly trueLiteral: string
  readonly falseLiteral: string
  /** What `LIMIT` says when only OFFSET is given (`''`: OFFSET alone is valid). */
  readonly offsetWithoutLimit: string
  /** The tail of an INSERT with no columns. */
  readonly defaultValues: string
  /** `SELECT 1 FROM DUAL WHERE ...` is needed for a WHERE without FROM. */
  readonly fromDual: boolean
  /**
   * Top-level BigInteger result columns are read as `CAST(x AS TEXT)`: for transports that parse
   * integers as doubles (D1), so values above 2^53 survive.
   */
  readonly bigIntegerAsText: boolean
}

/**
 * A SQL flavour: how statements compile, how identifiers are quoted, how types are named in
 * DDL and how literals are written. Adapters (the transports) pick one; dialects never do I/O.
 */
export abstract class Dialect {
  abstract readonly name: DialectName
  abstract readonly identifierRules: IdentifierRules
  abstract readonly features: DialectFeatures
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
    const encoded = ty.encode(value as never, this.name)
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
