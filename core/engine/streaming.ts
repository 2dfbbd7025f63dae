/**
 * `stream()`: rows in bounded chunks. A server cursor where the adapter has one (neon, inside a
 * transaction); otherwise pages of LIMIT/OFFSET over an ORDER BY on a unique key (not a
 * snapshot: rows changed between pages may be seen twice or missed, as with any paging). A
 * select of one table with no ORDER BY is paged in primary key order.
 * @module
 */

import type { Dialect } from '../dialects/dialect.js'
import { ArgumentError, StatementTimeoutError, UnsupportedCapabilityError } from '../errors.js'
import { AsyncResult, type ChunkSource } from '../result/async-result.js'
import type { Result } from '../result/result.js'
import type { Column } from '../schema/column.js'
import { ColumnRef, type FromClause, OrderByElement } from '../sql/elements.js'
import { ColumnsSource } from '../sql/from-clauses.js'
import { Select } from '../sql/select.js'
import { containsAggregate, tablesReferenced } from '../sql/traversal.js'
import type { Adapter, AdapterTransaction, RawResult } from './adapter.js'
import { beginTransaction, canBegin } from './callback-transaction.js'
import { type EchoSettings, type Executable, prepare, toResult, wrapError } from './execution.js'
import type { Operation } from './operation.js'

/** Options of `stream()`. */
export interface StreamOptions {
  /** Rows per chunk (cursor FETCH size or page size); default 100. */
  readonly chunkSize?: number
  /** Milliseconds opening the stream may take, and then each chunk fetch; `null`: no limit. */
  readonly timeout?: number | null | undefined
  /** Aborts opening the stream. */
  readonly signal?: AbortSignal | undefined
}

type Values = unknown[]

/** True when the ORDER BY includes a whole primary key or a unique column of a selected table. */
function ordersByUniqueKey(stmt: Select): boolean {
  const ordered = new Set<unknown>()
  for (const o of stmt.orderByClauses) {
    const e = o instanceof OrderByElement ? o.element : o
    if (e instanceof ColumnRef) ordered.add(e)
  }
  for (const col of ordered) {
    const c = col as Column
    if (c.options?.unique) return true
    const pk = (c.table as { primaryKeyColumns?: readonly unknown[] } | undefined)?.primaryKeyColumns
    if (pk && pk.length > 0 && pk.every((p) => ordered.has(p))) return true
  }
  return false
}

/**
 * The order a paged stream gives a select with no ORDER BY: every primary key column of its one
 * FROM item (a table or an alias of one). Undefined when no key identifies its rows: several FROM
 * items (a join), GROUP BY, DISTINCT, an aggregate, a subquery in FROM, a table without a key.
 */
function implicitKeyOrder(stmt: Select): readonly ColumnRef[] | undefined {
  if (stmt.orderByClauses.length > 0 || stmt.groupByClauses.length > 0 || stmt.havingClause !== undefined)
    return undefined
  if (stmt.distinctOn !== false || containsAggregate(stmt.selectedColumns)) return undefined
  const exprs =
    stmt.whereClause === undefined ? stmt.selectedColumns : [...stmt.selectedColumns, stmt.whereClause]
  const froms = new Set<FromClause>(stmt.explicitFroms.flatMap((f) => f.fromTables()))
  for (const table of tablesReferenced(exprs)) froms.add(table)
  const [from] = froms
  if (froms.size !== 1 || !(from instanceof ColumnsSource)) return undefined
  const pk = (from.base as { primaryKeyColumns?: readonly ColumnRef[] }).primaryKeyColumns
  if (pk === undefined || pk.length === 0) return undefined
  if (from === from.base) return pk
  const cols = pk.map((key) => from.columns.find((c) => c.name === key.name))
  return cols.every((c) => c !== undefined) ? (cols as ColumnRef[]) : undefined
}

/**
 * What a stream needs of its connection (AsyncConnection is one): declared here so the
 * connection imports streaming and not the other way round.
 */
export interface StreamConnection {
  readonly adapter: Adapter
  readonly dialect: Dialect
  readonly echoSettings: EchoSettings
  execute(stmt: Select): Promise<Result<any>>
}

/** Runs one chunk fetch as an operation of the connection (its gate and timeout). */
export type StreamStep = <T>(fn: (signal: AbortSignal | undefined) => Promise<T>) => Promise<T>

/**
 * Opens a stream on `conn`; `tx` is the connection's open interactive transaction, if any.
 * Cursor chunks are fetched through `step`; pages go through `conn.execute`, an operation itself.
 */
export async function openStream<R>(
  conn: StreamConnection,
  stmt: Executable,
  options: StreamOptions,
  tx: AdapterTransaction | undefined,
  step: StreamStep,
  op: Operation,
): Promise<AsyncResult<R>> {
  const chunkSize = options.chunkSize ?? 100
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new ArgumentError('chunkSize must be a positive integer')
  const adapter = conn.adapter
  const mode = adapter.capabilities.streaming
  let source: ChunkSource & { names(): readonly string[] }
  if (mode === 'cursor') source = await cursorSource(conn, stmt, chunkSize, tx, step, op)
  else if (mode === 'paged') source = await pagedSource(conn, stmt, chunkSize)
  else
    throw new UnsupportedCapabilityError(
      `${adapter.name} cannot stream; use execute() and read the buffered result`,
    )
  return new AsyncResult<R>(source.names(), source)
}

async function cursorSource(
  conn: StreamConnection,
  stmt: Executable,
  chunkSize: number,
  tx: AdapterTransaction | undefined,
  step: StreamStep,
  op: Operation,
) {
  const { adapter, dialect } = conn
  const signal = op.signalFor(adapter)
  const { template, statements } = prepare(dialect, stmt)
  const bound = statements[0]!
  let own: AdapterTransaction | undefined
  let iterable: AsyncIterable<RawResult>
  if (tx?.stream) iterable = tx.stream(bound, chunkSize)
  else if (adapter.stream) iterable = adapter.stream(bound, chunkSize)
  else if (canBegin(adapter)) {
    own = await op.race(beginTransaction(adapter, { readOnly: true, signal }))
    if (!own.stream) throw new UnsupportedCapabilityError(`${adapter.name} has no cursor in its transactions`)
    iterable = own.stream(bound, chunkSize)
  } else throw new UnsupportedCapabilityError(`${adapter.name} declares cursors but offers none`)
  const it = iterable[Symbol.asyncIterator]()
  const wrap = (err: unknown) => wrapError(adapter, dialect, err, bound, conn.echoSettings.hideParameters)
  // the first chunk is fetched within stream()'s own operation; later ones each as one
  let first = true
  const fetch = (): Promise<IteratorResult<RawResult>> => {
    if (first) {
      first = false
      return op.race(it.next())
    }
    return step((s) => it.next().then((r) => (s?.aborted ? Promise.reject(s.reason) : r)))
  }
  const pull = async (): Promise<Values[] | undefined> => {
    try {
      const r = await fetch()
      if (r.done) {
        exhausted = true
        await finish(true)
        return undefined
      }
      const result = toResult(dialect, template, r.value)
      names ??= result.names
      return (result as unknown as { data: Values[] }).data
    } catch (err) {
      // a fetch cut short by its timeout may still be running: do not wait for the cursor
      const closing = finish(false).catch(() => undefined)
      if (!(err instanceof StatementTimeoutError)) await closing
      throw wrap(err)
    }
  }
  let finished = false
  let exhausted = false
  const finish = async (ok: boolean) => {
    if (finished) return
    finished = true
    // A reader that stops early (break, close) must end the iterator: that closes the cursor
    // and hands its connection back. An exhausted iterator has done so already.
    try {
      if (!exhausted) await it.return?.()
    } finally {
      if (own) await (ok ? own.commit() : own.rollback())
    }
  }
  let names: readonly string[] | undefined =
    template.resultColumns.length > 0 ? template.resultNames : undefined
  let pending: Values[] | undefined = await pull()
  return {
    names: () => names ?? [],
    async next() {
      if (pending !== undefined) {
        const p = pending
        pending = undefined
        return p
      }
      return finished ? undefined : pull()
    },
    close: () => finish(true),
  }
}

async function pagedSource(conn: StreamConnection, given: Executable, chunkSize: number) {
  if (!(given instanceof Select))
    throw new ArgumentError(
      `${conn.adapter.name} streams in pages, which needs a select() (text() cannot be paged); use execute() for this statement`,
    )
  const keyOrder = implicitKeyOrder(given)
  const stmt = keyOrder === undefined ? given : given.orderBy(...keyOrder)
  if (keyOrder === undefined && !ordersByUniqueKey(stmt))
    throw new ArgumentError(
      `${conn.adapter.name} streams in pages: order the select by a unique key (e.g. the primary key) so no row is skipped or repeated` +
        (stmt.orderByClauses.length === 0
          ? ' (a select with no ORDER BY is ordered by its primary key only when it reads one table, without GROUP BY, DISTINCT or aggregates)'
          : ''),
    )
  const baseOffset = readInt(stmt.offsetClause) ?? 0
  const limit = readInt(stmt.limitClause)
  let read = 0
  let done = false
  const names = stmt.selectedNames
  return {
    names: () => names,
    async next(): Promise<Values[] | undefined> {
      if (done) return undefined
      const size = limit === undefined ? chunkSize : Math.min(chunkSize, limit - read)
      if (size <= 0) {
        done = true
        return undefined
      }
      const page = stmt.limit(size).offset(baseOffset + read)
      const result = await conn.execute(page)
      const data = (result as unknown as { data: Values[] }).data
      read += data.length
      if (data.length < size) done = true
      return data.length === 0 ? undefined : data
    },
    async close() {
      done = true
    },
  }
}

function readInt(clause: unknown): number | undefined {
  const v = (clause as { value?: unknown } | undefined)?.value
  return typeof v === 'number' ? v : undefined
}
