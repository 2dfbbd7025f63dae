import { CompileError } from '../../errors.js'
import type { InspectionQueries } from '../../schema/inspection.js'
import type { SqlCompiler } from '../../sql/compiler.js'
import { CustomType, type DateTime, type SqlType } from '../../sql/types.js'
import { DdlCompiler } from '../ddl-compiler.js'
import {
  Dialect,
  type DialectFeatures,
  enumVarchar,
  type TypeNames,
  varchar,
  withPrecision,
} from '../dialect.js'
import { PostgresCompiler } from './compiler.js'
import { postgresqlDdl } from './ddl.js'
import { PostgresInspection } from './inspection.js'

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
  }
  placeholder(position: number): string {
    return `$${position}`
  }
  createCompiler(
    options: { literalBinds?: boolean; bindIndex?: ReadonlyMap<never, number> } = {},
  ): SqlCompiler {
    return new PostgresCompiler(this, options as never)
  }
  override readonly ddl = postgresqlDdl
  readonly inspection: InspectionQueries = new PostgresInspection()
  createDdlCompiler(): DdlCompiler {
    return new DdlCompiler(this)
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
}

/** The PostgreSQL dialect instance. */
export const postgresql: PostgresDialect = /* @__PURE__ */ new PostgresDialect()
