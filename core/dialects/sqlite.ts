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
