import { CompileError } from '../errors.js'
import { SqlCompiler } from '../sql/compiler.js'
import type { Concat, ExcludedColumn } from '../sql/elements.js'
import type { FunctionCall } from '../sql/functions.js'
import type { Enum, String_ } from '../sql/types.js'
import { Dialect, type DialectFeatures, type TypeNames, withPrecision } from './dialect.js'

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
  protected override functionName(name: string): string {
    return portableFunctions[name] ?? super.functionName(name)
  }
  /** `group_concat(x ORDER BY y SEPARATOR ',')`: the separator is a keyword clause, last. */
  protected override aggregateSuffix(node: FunctionCall): void {
    this.aggregateOrder(node)
    if (node.separator !== undefined) this.append(` SEPARATOR ${this.dialect.quoteString(node.separator)}`)
  }
  /** Only GROUP_CONCAT and JSON_ARRAYAGG (MariaDB 10.5+) take an ORDER BY inside. */
  protected override aggregateOrder(node: FunctionCall): void {
    if (node.aggregateOrder.length > 0 && !orderedAggregates.has(this.functionName(node.name).toLowerCase()))
      throw new CompileError(
        `ORDER BY inside ${node.name}() is not supported on mysql: only group_concat (func.aggregateStrings) and json_arrayagg (func.jsonArrayAgg, MariaDB 10.5+) take one`,
      )
    super.aggregateOrder(node)
  }
}

/** MySQL's names of the portable functions of `func`. */
const portableFunctions: Readonly<Record<string, string>> = {
  aggregate_strings: 'group_concat',
  json_array_agg: 'json_arrayagg',
}

/** Aggregates that accept `ORDER BY` inside their parentheses on MySQL/MariaDB. */
const orderedAggregates = new Set(['group_concat', 'json_arrayagg'])

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
