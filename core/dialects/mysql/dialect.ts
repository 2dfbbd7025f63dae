import { CompileError } from '../../errors.js'
import type { InspectionQueries } from '../../schema/inspection.js'
import type { SqlCompiler } from '../../sql/compiler.js'
import type { Enum, String_ } from '../../sql/types.js'
import { DdlCompiler } from '../ddl-compiler.js'
import { Dialect, type DialectFeatures, type TypeNames, withPrecision } from '../dialect.js'
import { MysqlCompiler } from './compiler.js'
import { mysqlDdl } from './ddl.js'
import { MysqlInspection } from './inspection.js'

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
  }
  placeholder(): string {
    return '?'
  }
  createCompiler(
    options: { literalBinds?: boolean; bindIndex?: ReadonlyMap<never, number> } = {},
  ): SqlCompiler {
    return new MysqlCompiler(this, options as never)
  }
  override readonly ddl = mysqlDdl
  readonly inspection: InspectionQueries = new MysqlInspection()
  createDdlCompiler(): DdlCompiler {
    return new DdlCompiler(this)
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
