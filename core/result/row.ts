/**
 * Rows: tuple access by index, named access by column name, `_mapping`. Not an Array.
 *
 * Each result shape (its list of names) gets one Row subclass whose prototype carries the
 * index and name getters, so building a row is one allocation and no closure: the per-row
 * cost is `new ShapeRow(values)`.
 * @module
 */

/** The methods every row has, whatever its columns. */
export interface RowMethods {
  /** The values as a plain array, in select-list order. */
  _tuple(): unknown[]
  /** The values by name (a fresh object); reaches names such as `length` that clash with row members. */
  readonly _mapping: Record<string, unknown>
  /** The column names, in order. */
  readonly _fields: readonly string[]
  /** The number of columns. */
  readonly _length: number
  toJSON(): Record<string, unknown>
}

/** A row whose columns are typed by `R` (from `typeof stmt.__row`). */
export type Row<R = Record<string, unknown>> = R & RowMethods

/**
 * The values keyed by name. A column named `__proto__` is an own property like any other
 * (plain assignment would set the object's prototype instead).
 */
export function toMapping(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    if (name === '__proto__')
      Object.defineProperty(out, name, {
        value: values[i],
        enumerable: true,
        writable: true,
        configurable: true,
      })
    else out[name] = values[i]
  }
  return out
}

/** The base class of every row shape. */
export class BaseRow implements RowMethods {
  /** The decoded values. */
  readonly _values: unknown[]
  constructor(values: unknown[]) {
    this._values = values
  }
  get _fields(): readonly string[] {
    return (this.constructor as RowShape)._fields
  }
  get _length(): number {
    return this._values.length
  }
  _tuple(): unknown[] {
    return this._values.slice()
  }
  get _mapping(): Record<string, unknown> {
    return toMapping(this._fields, this._values)
  }
  toJSON(): Record<string, unknown> {
    return this._mapping
  }
  *[Symbol.iterator](): IterableIterator<unknown> {
    yield* this._values
  }
}

/**
 * The values of a row in select-list order: the row's own array, not a copy, so read it and do
 * not change it. For the ORM and the result classes, which read rows by position.
 * @internal
 */
export function rowValues(row: RowMethods): unknown[] {
  return (row as BaseRow)._values
}

/** A Row subclass for one list of column names. */
export interface RowShape {
  new (values: unknown[]): BaseRow
  readonly _fields: readonly string[]
}

const reserved = new Set<string>([
  '_values',
  '_fields',
  '_length',
  '_tuple',
  '_mapping',
  'toJSON',
  'constructor',
  'then',
])
const shapes = new Map<string, RowShape>()
const byArray = new WeakMap<readonly string[], RowShape>()
const maxShapes = 1000

/** The row class for `names` (cached by the joined names). Names that clash with row members stay reachable through `_mapping`. */
export function rowShape(names: readonly string[]): RowShape {
  // A compiled statement hands the same names array every time: no string key to build.
  const known = byArray.get(names)
  if (known !== undefined) return known
  const key = names.join('\u0000')
  let shape = shapes.get(key)
  if (shape !== undefined) {
    byArray.set(names, shape)
    return shape
  }
  const fields = Object.freeze([...names])
  class ShapeRow extends BaseRow {
    static readonly _fields = fields
  }
  const proto = ShapeRow.prototype
  names.forEach((name, i) => {
    Object.defineProperty(proto, i, { get: indexGetter(i), enumerable: false })
    if (!reserved.has(name) && !/^\d+$/.test(name) && !(name in BaseRow.prototype))
      Object.defineProperty(proto, name, { get: indexGetter(i), enumerable: true })
  })
  shape = ShapeRow as RowShape
  if (shapes.size >= maxShapes) shapes.delete(shapes.keys().next().value!)
  shapes.set(key, shape)
  byArray.set(names, shape)
  return shape
}

const getters: ((this: BaseRow) => unknown)[] = []
/** One getter function per column position, shared by every shape. */
function indexGetter(i: number): (this: BaseRow) => unknown {
  let g = getters[i]
  if (g === undefined) {
    g = function (this: BaseRow) {
      return this._values[i]
    }
    getters[i] = g
  }
  return g
}
