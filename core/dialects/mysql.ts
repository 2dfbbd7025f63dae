import { CompileError } from '../errors.js'
import { SqlCompiler } from '../sql/compiler.js'
import type { Concat, ExcludedColumn } from '../sql/elements.js'
import { CustomType, type Enum, type Numeric, type SqlType, type String_ } from '../sql/types.js'
import { Dialect, type DialectFeatures } from './dialect.js'

/** MySQL/MariaDB's compiler: `concat()`, `VALUES(col)` in upserts, emulated NULLS ordering. */
export class MysqlCompiler extends SqlCompiler {
  protected override visitConcat(node: Concat): void {
    this.append('concat(')
    this.list(node.parts)
    this.append(')')
  }
  protected override visitExcluded(node: ExcludedColumn): void {
    this.append(`VALUES(${this.quote(node.column.name)})`)
  }
}

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
    forShare: 'LOCK IN SHARE MODE',
    updateFrom: false,
    lateral: false,
    intersectExcept: true,
    parenthesizedCompoundParts: true,
    concat: 'function',
    trueLiteral: 'true',
    falseLiteral: 'false',
    offsetWithoutLimit: '18446744073709551615',
    defaultValues: ' () VALUES ()',
    fromDual: true,
  }
  placeholder(): string {
    return '?'
  }
  createCompiler(
    options: { literalBinds?: boolean; bindIndex?: ReadonlyMap<never, number> } = {},
  ): SqlCompiler {
    return new MysqlCompiler(this, options as never)
  }
  override quoteString(value: string): string {
    // Backslash is an escape character in MySQL string literals unless NO_BACKSLASH_ESCAPES is set.
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('\0', '\\0')}'`
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
        return 'DOUBLE'
      case 'numeric': {
        const n = type as Numeric
        return n.precision === undefined ? 'DECIMAL(65, 30)' : `DECIMAL(${n.precision}, ${n.scale ?? 0})`
      }
      case 'string': {
        const len = (type as String_).length
        if (len === undefined)
          throw new CompileError('String columns need a length on MySQL: use t.String(n) or t.Text')
        return `VARCHAR(${len})`
      }
      case 'text':
        return 'LONGTEXT'
      case 'boolean':
        return 'BOOL'
      case 'date':
        return 'DATE'
      case 'datetime':
        return 'DATETIME(3)'
      case 'time':
        return 'TIME'
      case 'json':
        return 'JSON'
      case 'uuid':
        return 'CHAR(36)'
      case 'binary':
        return 'LONGBLOB'
      case 'enum':
        return `ENUM(${(type as Enum).values.map((v) => this.quoteString(v)).join(', ')})`
      default:
        throw new CompileError(`No MySQL type for ${type.toString()}`)
    }
  }
  castTypeName(type: SqlType): string {
    if (type instanceof CustomType) return this.castTypeName(type.base)
    switch (type.kind) {
      case 'integer':
      case 'smallint':
      case 'bigint':
      case 'boolean':
        return 'SIGNED'
      case 'float':
        return 'DOUBLE'
      case 'numeric': {
        const n = type as Numeric
        return n.precision === undefined ? 'DECIMAL(65, 30)' : `DECIMAL(${n.precision}, ${n.scale ?? 0})`
      }
      case 'date':
        return 'DATE'
      case 'datetime':
        return 'DATETIME(3)'
      case 'time':
        return 'TIME'
      case 'binary':
        return 'BINARY'
      default:
        return 'CHAR'
    }
  }
}

/** The MySQL dialect instance. */
export const mysql: MysqlDialect = new MysqlDialect()
