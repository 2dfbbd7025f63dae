/**
 * Buffered results: `Result`, `ScalarResult`, `MappingResult`, with SQLAlchemy's methods.
 * A result is read once, like a cursor: `fetchOne` advances, `all` takes what is left,
 * `first`/`scalar` take one row and close.
 * @module
 */
import { ArgumentError, InvalidRequestError, MultipleResultsFound, NoResultFound } from '../errors.js'
import { type Row, type RowShape, rowShape, rowValues, toMapping } from './row.js'

type Values = unknown[]

const identities = new WeakMap<object, string>()
let identityCount = 0

/** Objects of a class (ORM objects) are the same only when they are one object. */
function identityOf(value: object): string | undefined {
  const proto = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null || Array.isArray(value)) return undefined
  if (value instanceof Date || ArrayBuffer.isView(value)) return undefined
  let id = identities.get(value)
  if (id === undefined) identities.set(value, (id = `\u0000@${++identityCount}`))
  return id
}

/**
 * A key for `unique()`: equal values give equal keys (dates by time, bytes by content, JSON
 * documents by content, objects of a class such as ORM objects by identity).
 */
export function uniqueKey(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? `${value}n` : value
  const id = identityOf(value)
  if (id !== undefined) return id
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v,
  )
}

function tupleKey(values: Values): unknown {
  return values.length === 1 ? uniqueKey(values[0]) : JSON.stringify(values.map(uniqueKey))
}

/** Shared machinery: a position over decoded rows, an optional uniqueness filter, a row maker. */
abstract class BufferedResult<T> implements Iterable<T> {
  protected pos = 0
  protected closed = false
  private seen: Set<unknown> | undefined
  constructor(
    protected readonly data: Values[],
    unique: boolean,
  ) {
    if (unique) this.seen = new Set()
  }
  /** Whether `unique()` applies; results derived from this one (scalars, mappings, columns) keep it. */
  protected get isUnique(): boolean {
    return this.seen !== undefined
  }
  protected abstract make(values: Values): T
  /** The key `unique()` compares; the whole row unless a subclass narrows it. */
  protected keyOf(values: Values): unknown {
    return tupleKey(values)
  }

  private next(): Values | undefined {
    if (this.closed) return undefined
    while (this.pos < this.data.length) {
      const v = this.data[this.pos++]!
      if (this.seen === undefined) return v
      const k = this.keyOf(v)
      if (!this.seen.has(k)) {
        this.seen.add(k)
        return v
      }
    }
    return undefined
  }
  /** The next row, or null at the end. */
  fetchOne(): T | null {
    const v = this.next()
    return v === undefined ? null : this.make(v)
  }
  /** Up to `size` rows. */
  fetchMany(size = 1): T[] {
    const out: T[] = []
    while (out.length < size) {
      const v = this.next()
      if (v === undefined) break
      out.push(this.make(v))
    }
    return out
  }
  /** Every remaining row. */
  all(): T[] {
    const out: T[] = []
    for (let v = this.next(); v !== undefined; v = this.next()) out.push(this.make(v))
    return out
  }
  /** Same as {@link all}. */
  fetchAll(): T[] {
    return this.all()
  }
  /** The first row or null; the rest is discarded. */
  first(): T | null {
    const v = this.next()
    this.close()
    return v === undefined ? null : this.make(v)
  }
  /** Exactly one row: `NoResultFound` when none, `MultipleResultsFound` when more. */
  one(): T {
    const v = this.next()
    if (v === undefined) throw new NoResultFound('No row was found when one was required')
    if (this.next() !== undefined)
      throw new MultipleResultsFound('Multiple rows were found when exactly one was required')
    this.close()
    return this.make(v)
  }
  /** One row or null: `MultipleResultsFound` when more. */
  oneOrNone(): T | null {
    const v = this.next()
    if (v !== undefined && this.next() !== undefined)
      throw new MultipleResultsFound('Multiple rows were found when one or none was required')
    this.close()
    return v === undefined ? null : this.make(v)
  }
  /** Rows in lists of `size` (the last may be shorter). */
  *partitions(size: number): Generator<T[]> {
    if (!Number.isInteger(size) || size < 1) throw new ArgumentError('partitions() takes a positive size')
    for (let part = this.fetchMany(size); part.length > 0; part = this.fetchMany(size)) yield part
  }
  /** Discards the remaining rows. */
  close(): void {
    this.closed = true
  }
  [Symbol.iterator](): Iterator<T> {
    return {
      next: (): IteratorResult<T> => {
        const v = this.next()
        return v === undefined ? { done: true, value: undefined } : { done: false, value: this.make(v) }
      },
    }
  }
}

/** Metadata of a statement's execution. */
export interface ResultMeta {
  /** Rows changed by INSERT/UPDATE/DELETE; -1 when unknown. */
  readonly rowsAffected: number
  /** The generated key of the last INSERT, where the database reports one. */
  readonly lastInsertId: number | bigint | undefined
}

/**
 * The rows of a statement. Rows are typed by `R` (what the statement selects).
 *
 * ```ts
 * const result = await conn.execute(select(users.c.id, users.c.name))
 * for (const row of result) console.log(row.id, row[1])
 * ```
 */
export class Result<R = Record<string, unknown>> extends BufferedResult<Row<R>> implements ResultMeta {
  private readonly shape: RowShape
  constructor(
    /** The column names (de-duplicated: `id`, `id_1`). */
    readonly names: readonly string[],
    data: Values[],
    readonly rowsAffected = -1,
    readonly lastInsertId: number | bigint | undefined = undefined,
    unique = false,
  ) {
    super(data, unique)
    this.shape = rowShape(names)
  }
  protected make(values: Values): Row<R> {
    return new this.shape(values) as unknown as Row<R>
  }
  /** The column names. */
  keys(): string[] {
    return [...this.names]
  }
  /** The first column of the first row, or null; the rest is discarded. */
  scalar(): unknown {
    const row = this.first()
    return row === null ? null : rowValues(row)[0]
  }
  /** The first column of exactly one row. */
  scalarOne(): unknown {
    return rowValues(this.one())[0]
  }
  /** The first column of one row, or null when there is none. */
  scalarOneOrNone(): unknown {
    const row = this.oneOrNone()
    return row === null ? null : rowValues(row)[0]
  }
  /** The values of one column (by index or name) of the remaining rows. */
  scalars<V = R extends { 0: infer F } ? F : unknown>(column: number | string = 0): ScalarResult<V> {
    const index = this.indexOf(column)
    return new ScalarResult<V>(this.rest(), index, this.isUnique)
  }
  /** The remaining rows as plain objects keyed by column name. */
  mappings(): MappingResult {
    return new MappingResult(this.names, this.rest(), this.isUnique)
  }
  /** A result whose rows are unique (by all their values). */
  unique(): Result<R> {
    return new Result<R>(this.names, this.rest(), this.rowsAffected, this.lastInsertId, true)
  }
  /** A result with only the given columns (indexes or names), in that order. */
  columns(...columns: (number | string)[]): Result<Record<string, unknown>> {
    const idx = columns.map((c) => this.indexOf(c))
    return new Result(
      idx.map((i) => this.names[i]!),
      this.rest().map((v) => idx.map((i) => v[i])),
      this.rowsAffected,
      this.lastInsertId,
      this.isUnique,
    )
  }
  /** @internal The remaining rows as value arrays, without row objects (the result is consumed). */
  takeRows(): Values[] {
    return this.rest()
  }
  private rest(): Values[] {
    const out = this.closed ? [] : this.data.slice(this.pos)
    this.close()
    return out
  }
  private indexOf(column: number | string): number {
    const i = typeof column === 'number' ? column : this.names.indexOf(column)
    if (i < 0 || i >= this.names.length || !Number.isInteger(i))
      throw new InvalidRequestError(
        `No column ${JSON.stringify(column)} in this result (columns: ${this.names.join(', ')})`,
      )
    return i
  }
}

/** The values of one column: `result.scalars()`. */
export class ScalarResult<V = unknown> extends BufferedResult<V> {
  constructor(
    data: Values[],
    private readonly index: number,
    unique = false,
  ) {
    super(data, unique)
  }
  protected make(values: Values): V {
    return values[this.index] as V
  }
  protected override keyOf(values: Values): unknown {
    return uniqueKey(values[this.index])
  }
  /** Unique values. */
  unique(): ScalarResult<V> {
    return new ScalarResult<V>(this.data.slice(this.pos), this.index, true)
  }
}

/** Rows as plain objects: `result.mappings()`. */
export class MappingResult extends BufferedResult<Record<string, unknown>> {
  constructor(
    private readonly names: readonly string[],
    data: Values[],
    unique = false,
  ) {
    super(data, unique)
  }
  protected make(values: Values): Record<string, unknown> {
    return toMapping(this.names, values)
  }
  /** Unique mappings. */
  unique(): MappingResult {
    return new MappingResult(this.names, this.data.slice(this.pos), true)
  }
}
