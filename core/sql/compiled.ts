import { ArgumentError } from '../errors.js'
import { ColumnDefault } from './dml.js'
import type { BindParam, ColumnElement } from './elements.js'
import { type SqlType, typeForValue, type ValueEncoding } from './types.js'
import { checkWrite } from './value-policy.js'

/** SQL text and its positional parameters, ready for a driver. */
export interface CompiledStatement {
  readonly sql: string
  readonly params: unknown[]
}

/** One parameter position of a compiled template. */
export interface Slot {
  readonly bind: BindParam
  /** Index of the bind in the statement's traversal order (used by the shape cache). */
  readonly index: number
  /** A PostgreSQL cast appended after the placeholder, e.g. `::INTEGER`; empty otherwise. */
  readonly cast: string
}

/** Execution-time values for named parameters (`bindparam('x')`, `text(':x')`). */
export type ExecuteParams = Readonly<Record<string, unknown>>

/**
 * A compiled statement before its values are bound: SQL pieces around parameter slots.
 * Binding evaluates client defaults, expands IN lists and encodes each value for the dialect.
 */
export class CompiledTemplate {
  /** The SQL when no slot expands, computed once. */
  private readonly staticSql: string | undefined
  constructor(
    /** How the dialect's driver takes values. */
    readonly encoding: ValueEncoding,
    readonly parts: readonly string[],
    readonly slots: readonly Slot[],
    readonly placeholder: (position: number) => string,
    /** The result columns (SELECT list or RETURNING), in order; empty when no rows come back. */
    readonly resultColumns: readonly ColumnElement[],
    readonly resultNames: readonly string[],
  ) {
    if (!slots.some((s) => s.bind.expanding)) {
      let sql = parts[0]!
      for (let i = 0; i < slots.length; i++) sql += placeholder(i + 1) + slots[i]!.cast + parts[i + 1]!
      this.staticSql = sql
    }
    Object.freeze(this)
  }

  /** Binds values; `binds` overrides the template's own bind nodes (same shape, other values). */
  bind(params?: ExecuteParams, binds?: readonly BindParam[]): CompiledStatement {
    const out: unknown[] = []
    if (this.staticSql !== undefined) {
      for (const slot of this.slots)
        out.push(this.encode(slot, binds ? binds[slot.index]! : slot.bind, params))
      return { sql: this.staticSql, params: out }
    }
    let sql = this.parts[0]!
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!
      const bind = binds ? binds[slot.index]! : slot.bind
      if (bind.expanding) {
        const items = bind.value as readonly unknown[]
        for (let j = 0; j < items.length; j++) {
          out.push(encodeValue(items[j], bind.type, this.encoding))
          sql += (j === 0 ? '' : ', ') + this.placeholder(out.length) + slot.cast
        }
      } else {
        out.push(this.encode(slot, bind, params))
        sql += this.placeholder(out.length) + slot.cast
      }
      sql += this.parts[i + 1]!
    }
    return { sql, params: out }
  }

  private encode(slot: Slot, bind: BindParam, params: ExecuteParams | undefined): unknown {
    let value = bind.value
    if (bind.key !== null && params !== undefined && bind.key in params) {
      value = params[bind.key]
      if (value !== null && value !== undefined) {
        if (bind.target === undefined) bind.type.validate(value)
        else checkWrite(bind.target, value)
      }
    } else if (value instanceof ColumnDefault) value = value.evaluate()
    if (value === undefined) {
      const name = bind.key === null ? `parameter ${slot.index + 1}` : `:${bind.key}`
      throw new ArgumentError(`No value was given for ${name}`)
    }
    return encodeValue(value, bind.type, this.encoding)
  }
}

/** Encodes one value by its SQL type for a driver taking values as `encoding` (booleans as 0/1 where needed, dates as text...). */
export function encodeValue(value: unknown, type: SqlType, encoding: ValueEncoding): unknown {
  if (value === null) return null
  return (type.kind === 'null' ? typeForValue(value) : type).encode(value, encoding)
}
