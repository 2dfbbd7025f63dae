import { CompileError } from '../errors.js'
import type { Column } from '../schema/column.js'
import type { NamingConvention } from '../schema/metadata.js'
import type { Table } from '../schema/table.js'
import type { Dialect } from './dialect.js'
import { identifierSize, utf8 } from './identifiers.js'

/** The kinds of names a {@link NamingConvention} gives. */
export type ConventionKey = 'ix' | 'uq' | 'ck' | 'fk' | 'pk'

/** SQLAlchemy's default convention: indexes are named `ix_<table>_<column>`; constraints stay unnamed. */
export const defaultIndexConvention = 'ix_%(column_0_label)s'

/** What a naming convention template is filled from. */
export interface NamingContext {
  readonly table: Table
  /** The constrained (or indexed) columns, in order. */
  readonly columns: readonly Column<any, any>[]
  /** The referenced columns of a foreign key. */
  readonly referred?: readonly Column<any, any>[]
  /**
   * The `%(constraint_name)s` to use when the constraint has no explicit name (an Enum's CHECK
   * uses the enum's name, else the column name). Without it such a template is an error.
   */
  readonly fallbackConstraintName?: string
}

const token = /%\(([A-Za-z0-9_]+)\)s/g

/**
 * The name of a constraint or index: the explicit name, or the metadata's naming convention
 * (an explicit name fills `%(constraint_name)s` when the template has it, as in SQLAlchemy).
 * Convention-made names longer than the dialect allows are shortened with a hash suffix;
 * explicit names are used as given (and rejected by `dialect.quote` when too long).
 * Returns `undefined` for an unnamed constraint (the database picks its name).
 */
export function conventionName(
  key: ConventionKey,
  explicit: string | undefined,
  convention: NamingConvention,
  ctx: NamingContext,
  dialect: Dialect,
): string | undefined {
  const template = convention[key] ?? (key === 'ix' ? defaultIndexConvention : undefined)
  if (template === undefined) return explicit
  const usesName = template.includes('%(constraint_name)s')
  if (explicit !== undefined && !usesName) return explicit
  const constraintName = explicit ?? ctx.fallbackConstraintName
  if (usesName && constraintName === undefined)
    throw new CompileError(
      `Table ${ctx.table.name}: the naming convention ${JSON.stringify(template)} for "${key}" uses ` +
        '%(constraint_name)s, so this constraint needs an explicit name',
    )
  return fitName(renderTemplate(template, key, { ...ctx, constraintName }), dialect)
}

function renderTemplate(
  template: string,
  key: ConventionKey,
  ctx: NamingContext & { constraintName: string | undefined },
): string {
  return template.replace(token, (whole, name: string) => {
    if (name === 'table_name') return ctx.table.name
    if (name === 'constraint_name' && ctx.constraintName !== undefined) return ctx.constraintName
    if (name === 'referred_table_name' && ctx.referred?.[0] !== undefined)
      return (ctx.referred[0].table as Table).name
    const m = /^(referred_)?column_(0N|0_N|\d+)_(name|key|label)$/.exec(name)
    if (m) {
      const cols = m[1] ? ctx.referred : ctx.columns
      if (cols !== undefined && cols.length > 0) {
        const part = (c: Column<any, any>) =>
          m[3] === 'name' ? c.name : m[3] === 'key' ? c.key : `${(c.table as Table).name}_${c.name}`
        if (m[2] === '0N') return cols.map(part).join('')
        if (m[2] === '0_N') return cols.map(part).join('_')
        const c = cols[Number(m[2])]
        if (c !== undefined) return part(c)
      }
    }
    throw new CompileError(
      `Table ${ctx.table.name}: the naming convention for "${key}" uses ${whole}, which has no value here`,
    )
  })
}

/** FNV-1a, 32 bits: a small stable hash (the suffix of shortened names). */
function hash4(name: string): string {
  let h = 0x811c9dc5
  for (const b of utf8(name)) {
    h ^= b
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0').slice(-4)
}

/**
 * Shortens a generated name to the dialect's limit as SQLAlchemy does: the first `max - 8`
 * characters, `_`, and four hex digits of a hash of the whole name.
 */
export function fitName(name: string, dialect: Dialect): string {
  const max = dialect.identifierRules.maxLength
  if (identifierSize(name, dialect.identifierRules) <= max) return name
  const chars = [...name]
  let keep = Math.min(chars.length, max - 8)
  while (keep > 0 && identifierSize(chars.slice(0, keep).join(''), dialect.identifierRules) > max - 8) keep--
  return `${chars.slice(0, keep).join('')}_${hash4(name)}`
}
