import { CompileError } from '../errors.js'
import { SqlCompiler } from '../sql/compiler.js'
import { CustomType, type Enum, type Numeric, type SqlType, type String_ } from '../sql/types.js'
import { Dialect, type DialectFeatures } from './dialect.js'

/** SQLite's compiler: the portable base with `?` placeholders. */
export class SqliteCompiler extends SqlCompiler {
  protected override visitFunction(node: import('../sql/functions.js').FunctionCall): void {
    if (node.name === 'now') return this.append('current_timestamp')
    super.visitFunction(node)
  }
}

/**
 * SQLite keywords missing from the shared reserved list. Most are "fallback" keywords SQLite
 * accepts as names in some places but not all (`SELECT NULL AS nothing` is a syntax error), so
 * they are always quoted.
 */
const sqliteKeywords = new Set(
  `abort action after always attach autoincrement begin commit conflict deferred detach exclude exclusive fail
first following immediate indexed instead last materialized no nothing nulls others plan pragma preceding query
raise reindex rollback row savepoint temp temporary ties unbounded vacuum view`.split(/\s+/),
)

/** The SQLite dialect (libsql and d1 adapters). */
export class SqliteDialect extends Dialect {
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
    forShare: '',
    updateFrom: true,
    lateral: false,
    intersectExcept: true,
    parenthesizedCompoundParts: false,
    concat: 'pipes',
    trueLiteral: '1',
    falseLiteral: '0',
    offsetWithoutLimit: '-1',
    defaultValues: ' DEFAULT VALUES',
    fromDual: false,
  }
  placeholder(): string {
    return '?'
  }
  override quote(name: string): string {
    return sqliteKeywords.has(name) ? `"${name}"` : super.quote(name)
  }
  createCompiler(
    options: { literalBinds?: boolean; bindIndex?: ReadonlyMap<never, number> } = {},
  ): SqlCompiler {
    return new SqliteCompiler(this, options as never)
  }
  typeName(type: SqlType): string {
    if (type instanceof CustomType) return this.typeName(type.base)
    switch (type.kind) {
      case 'integer':
        return 'INTEGER'
      case 'smallint':
        return 'SMALLINT'
      case 'bigint':
        return 'BIGINT'
      case 'float':
        return 'REAL'
      case 'numeric': {
        const n = type as Numeric
        return n.precision === undefined ? 'NUMERIC' : `NUMERIC(${n.precision}, ${n.scale ?? 0})`
      }
      case 'string':
        return (type as String_).length === undefined ? 'VARCHAR' : `VARCHAR(${(type as String_).length})`
      case 'text':
        return 'TEXT'
      case 'boolean':
        return 'BOOLEAN'
      case 'date':
        return 'DATE'
      case 'datetime':
        return 'DATETIME'
      case 'time':
        return 'TIME'
      case 'json':
        return 'JSON'
      case 'uuid':
        return 'CHAR(36)'
      case 'binary':
        return 'BLOB'
      case 'enum':
        return `VARCHAR(${Math.max(...(type as Enum).values.map((v) => v.length))})`
      default:
        throw new CompileError(`No SQLite type for ${type.toString()}`)
    }
  }
  castTypeName(type: SqlType): string {
    if (type instanceof CustomType) return this.castTypeName(type.base)
    switch (type.kind) {
      case 'integer':
      case 'smallint':
      case 'bigint':
      case 'boolean':
        return 'INTEGER'
      case 'float':
        return 'REAL'
      case 'numeric':
        return 'NUMERIC'
      case 'binary':
        return 'BLOB'
      default:
        return 'TEXT'
    }
  }
}

/** The SQLite dialect instance. */
export const sqlite: SqliteDialect = new SqliteDialect()
