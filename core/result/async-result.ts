/**
 * Streamed results: rows arrive in chunks from a cursor or pages; at most one chunk is held.
 * @module
 */
import { ArgumentError, InvalidRequestError, MultipleResultsFound, NoResultFound } from '../errors.js'
import { uniqueKey } from './result.js'
import { type Row, rowShape, rowValues, toMapping } from './row.js'

type Values = unknown[]

/** A source of decoded row chunks, and what to do when the reader stops early. */
export interface ChunkSource {
  next(): Promise<Values[] | undefined>
  close(): Promise<void>
}

abstract class AsyncBase<T> implements AsyncIterable<T> {
  private buffer: Values[] = []
  private pos = 0
  private done = false
  private seen: Set<unknown> | undefined
  constructor(
    protected readonly source: ChunkSource,
    unique: boolean,
  ) {
    if (unique) this.seen = new Set()
  }
  /** Whether `unique()` applies; results derived from this one (scalars, mappings) keep it. */
  protected get isUnique(): boolean {
    return this.seen !== undefined
  }
  private taken = false
  /**
   * Hands the remaining stream (as filtered by this result) to a derived result; this one may
   * not be read after.
   */
  protected handOver(): ChunkSource {
    if (this.taken) throw new InvalidRequestError('This result was already handed to another result')
    this.taken = true
    // chunks pass through as the source cut them (a stream's chunkSize / yieldPer holds)
    return {
      next: async () => {
        for (;;) {
          let chunk: Values[]
          if (this.pos < this.buffer.length) {
            chunk = this.buffer.slice(this.pos)
            this.buffer = []
            this.pos = 0
          } else {
            if (this.done) return undefined
            const next = await this.source.next()
            if (next === undefined) {
              this.done = true
              return undefined
            }
            chunk = next
          }
          const seen = this.seen
          const out = seen === undefined ? chunk : chunk.filter((v) => this.firstSeen(v))
          if (out.length > 0) return out
        }
      },
      close: () => this.close(),
    }
  }
  protected abstract make(values: Values): T
  protected keyOf(values: Values): unknown {
    return JSON.stringify(values.map(uniqueKey))
  }
  /** True the first time a row's unique key is seen. */
  private firstSeen(v: Values): boolean {
    const k = this.keyOf(v)
    if (this.seen!.has(k)) return false
    this.seen!.add(k)
    return true
  }
  private async nextValues(): Promise<Values | undefined> {
    for (;;) {
      while (this.pos < this.buffer.length) {
        const v = this.buffer[this.pos++]!
        if (this.seen === undefined) return v
        const k = this.keyOf(v)
        if (!this.seen.has(k)) {
          this.seen.add(k)
          return v
        }
      }
      if (this.done) return undefined
      const chunk = await this.source.next()
      if (chunk === undefined) {
        this.done = true
        this.buffer = []
        return undefined
      }
      this.buffer = chunk
      this.pos = 0
    }
  }
  /** The next row, or null at the end. */
  async fetchOne(): Promise<T | null> {
    const v = await this.nextValues()
    return v === undefined ? null : this.make(v)
  }
  /** Up to `size` rows. */
  async fetchMany(size = 1): Promise<T[]> {
    const out: T[] = []
    while (out.length < size) {
      const v = await this.nextValues()
      if (v === undefined) break
      out.push(this.make(v))
    }
    return out
  }
  /** Every remaining row (reads the whole stream into memory). */
  async all(): Promise<T[]> {
    const out: T[] = []
    for (let v = await this.nextValues(); v !== undefined; v = await this.nextValues()) out.push(this.make(v))
    return out
  }
  /** Same as {@link all}. */
  fetchAll(): Promise<T[]> {
    return this.all()
  }
  /** The first row or null; the stream is closed. */
  async first(): Promise<T | null> {
    const v = await this.nextValues()
    await this.close()
    return v === undefined ? null : this.make(v)
  }
  /** Exactly one row. */
  async one(): Promise<T> {
    const v = await this.nextValues()
    const more = v !== undefined && (await this.nextValues()) !== undefined
    await this.close()
    if (v === undefined) throw new NoResultFound('No row was found when one was required')
    if (more) throw new MultipleResultsFound('Multiple rows were found when exactly one was required')
    return this.make(v)
  }
  /** One row or null. */
  async oneOrNone(): Promise<T | null> {
    const v = await this.nextValues()
    const more = v !== undefined && (await this.nextValues()) !== undefined
    await this.close()
    if (more) throw new MultipleResultsFound('Multiple rows were found when one or none was required')
    return v === undefined ? null : this.make(v)
  }
  /** Rows in lists of `size`. */
  async *partitions(size: number): AsyncGenerator<T[]> {
    if (!Number.isInteger(size) || size < 1) throw new ArgumentError('partitions() takes a positive size')
    for (let part = await this.fetchMany(size); part.length > 0; part = await this.fetchMany(size)) yield part
  }
  /** Stops reading and releases the cursor or connection. */
  async close(): Promise<void> {
    if (this.done) return
    this.done = true
    this.buffer = []
    await this.source.close()
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (let v = await this.nextValues(); v !== undefined; v = await this.nextValues()) yield this.make(v)
    } finally {
      await this.close()
    }
  }
  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}

/**
 * A streamed result (`conn.stream(stmt)`): the same methods as `Result`, awaited, plus `for await`.
 *
 * ```ts
 * const result = await conn.stream(select(users).orderBy(users.c.id))
 * for await (const row of result) console.log(row.name)
 * ```
 */
export class AsyncResult<R = Record<string, unknown>> extends AsyncBase<Row<R>> {
  private readonly shape
  constructor(
    readonly names: readonly string[],
    source: ChunkSource,
    unique = false,
  ) {
    super(source, unique)
    this.shape = rowShape(names)
  }
  protected make(values: Values): Row<R> {
    return new this.shape(values) as unknown as Row<R>
  }
  /** The column names. */
  keys(): string[] {
    return [...this.names]
  }
  /** The first column of the first row, or null. */
  async scalar(): Promise<unknown> {
    const row = await this.first()
    return row === null ? null : rowValues(row)[0]
  }
  /** The first column of exactly one row. */
  async scalarOne(): Promise<unknown> {
    return rowValues(await this.one())[0]
  }
  /** The first column of one row, or null. */
  async scalarOneOrNone(): Promise<unknown> {
    const row = await this.oneOrNone()
    return row === null ? null : rowValues(row)[0]
  }
  /** The values of one column, streamed. */
  scalars<V = R extends { 0: infer F } ? F : unknown>(column: number | string = 0): AsyncScalarResult<V> {
    const i = typeof column === 'number' ? column : this.names.indexOf(column)
    if (i < 0 || i >= this.names.length)
      throw new InvalidRequestError(`No column ${JSON.stringify(column)} in this result`)
    return new AsyncScalarResult<V>(this.handOver(), i, this.isUnique)
  }
  /** Rows as plain objects, streamed. */
  mappings(): AsyncMappingResult {
    return new AsyncMappingResult(this.names, this.handOver(), this.isUnique)
  }
  /** Unique rows, streamed (keeps the keys seen so far). */
  unique(): AsyncResult<R> {
    return new AsyncResult<R>(this.names, this.handOver(), true)
  }
  /** A stream of only the given columns (indexes or names), in that order. */
  columns(...columns: (number | string)[]): AsyncResult<Record<string, unknown>> {
    const idx = columns.map((c) => {
      const i = typeof c === 'number' ? c : this.names.indexOf(c)
      if (i < 0 || i >= this.names.length || !Number.isInteger(i))
        throw new InvalidRequestError(`No column ${JSON.stringify(c)} in this result`)
      return i
    })
    const source = this.handOver()
    return new AsyncResult(
      idx.map((i) => this.names[i]!),
      {
        next: async () => (await source.next())?.map((v) => idx.map((i) => v[i])),
        close: () => source.close(),
      },
      this.isUnique,
    )
  }
}

/** The values of one column of a stream. */
export class AsyncScalarResult<V = unknown> extends AsyncBase<V> {
  constructor(
    source: ChunkSource,
    private readonly index: number,
    unique = false,
  ) {
    super(source, unique)
  }
  protected make(values: Values): V {
    return values[this.index] as V
  }
  protected override keyOf(values: Values): unknown {
    return uniqueKey(values[this.index])
  }
  /** Unique values, streamed (keeps the values seen so far). */
  unique(): AsyncScalarResult<V> {
    return new AsyncScalarResult<V>(this.handOver(), this.index, true)
  }
}

/** Rows of a stream as plain objects. */
export class AsyncMappingResult extends AsyncBase<Record<string, unknown>> {
  constructor(
    private readonly names: readonly string[],
    source: ChunkSource,
    unique = false,
  ) {
    super(source, unique)
  }
  protected make(values: Values): Record<string, unknown> {
    return toMapping(this.names, values)
  }
  /** Unique mappings, streamed. */
  unique(): AsyncMappingResult {
    return new AsyncMappingResult(this.names, this.handOver(), true)
  }
}
