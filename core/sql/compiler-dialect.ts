/**
 * What the SQL compiler needs of a dialect: its feature flags and a few renderings. Declared
 * here so `core/sql` depends on no dialect; `Dialect` (core/dialects) implements it.
 * @module
 */
import type { SqlType, ValueEncoding } from './types.js'

/** What a dialect's SQL can express; the compiler asks these instead of checking names. */
export interface CompilerFeatures {
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
  /** `FOR UPDATE OF t`: lock only the rows of the named tables. */
  readonly forUpdateOf: boolean
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

/** The dialect as the compiler sees it. */
export interface CompilerDialect {
  /** For error messages only: the compiler decides by {@link features}. */
  readonly name: string
  readonly features: CompilerFeatures
  /** How bound values are sent to the driver. */
  readonly valueEncoding: ValueEncoding
  /** The placeholder for the n-th (1-based) parameter: `$1` or `?`. */
  placeholder(position: number): string
  /** Quotes an identifier when needed. */
  quote(name: string): string
  /** Escapes a string literal. */
  quoteString(value: string): string
  /** Writes a value as an inline SQL literal. */
  renderLiteral(value: unknown, type: SqlType | undefined): string
  /** The type name used in `CAST(x AS ...)`. */
  castTypeName(type: SqlType): string
}
