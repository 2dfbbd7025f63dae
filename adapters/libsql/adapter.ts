/**
 * The libSQL adapter over any `@libsql/client` Client (local file, HTTP or WebSocket): one
 * request per statement, `batch('write')` as one atomic request, `transaction()` (a baton
 * stream over HTTP) for interactive transactions. Web-standard only.
 * @module
 */
import type { Client, InStatement, InValue, ResultSet, Transaction } from '@libsql/client'
import { sqlite } from '../../core/dialects/sqlite.js'
import { abortable } from '../../core/engine/abortable.js'
import type {
  Adapter,
  AdapterCapabilities,
  AdapterTransaction,
  DriverErrorInfo,
  ExecuteOptions,
  RawResult,
  Statement,
  TransactionOptions,
} from '../../core/engine/adapter.js'
import { libsqlErrorInfo } from './errors.js'

/** What every libSQL adapter can do. */
export const libsqlCapabilities: AdapterCapabilities = Object.freeze({
  dialect: 'sqlite',
  interactiveTransactions: true,
  atomicBatch: true,
  batchRoundTrips: 'one',
  savepoints: true,
  returning: true,
  maxParams: 32766,
  streaming: 'paged',
})

const minSafe = BigInt(Number.MIN_SAFE_INTEGER)
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * Parameters as the client binds them. Integral JS numbers go as integers: the client would
 * send them as REAL over HTTP (`typeof(?)` = 'real', `CAST(? AS TEXT)` = '5.0').
 */
function toArgs(params: readonly unknown[]): InValue[] {
  const out = new Array<InValue>(params.length)
  for (let i = 0; i < params.length; i++) {
    const v = params[i]
    out[i] = (
      typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v === undefined ? null : v
    ) as InValue
  }
  return out
}

function toStatement(stmt: Statement): InStatement {
  return { sql: stmt.sql, args: toArgs(stmt.params) }
}

/** The client's declared column types, `''` (none declared) as undefined; the same array when none is `''`. */
function columnTypesOf(types: readonly string[]): readonly (string | undefined)[] {
  if (!types.includes('')) return types
  return types.map((t) => (t === '' ? undefined : t))
}

/** A client result in array mode; blobs as Uint8Array, integers as the client gives them (bigint). */
export function toRawResult(rs: ResultSet): RawResult {
  const width = rs.columns.length
  const source = rs.rows
  const rows = new Array<unknown[]>(source.length)
  for (let i = 0; i < source.length; i++) {
    const row = source[i] as unknown as ArrayLike<unknown>
    const out = new Array<unknown>(width)
    for (let j = 0; j < width; j++) {
      const v = row[j]
      out[j] = typeof v === 'object' && v instanceof ArrayBuffer ? new Uint8Array(v) : v
    }
    rows[i] = out
  }
  const id = rs.lastInsertRowid
  return {
    columns: rs.columns,
    columnTypes: columnTypesOf(rs.columnTypes),
    rows,
    // the local client reports neither count nor rowid for statements that return rows
    rowsAffected: width > 0 && id === undefined ? -1 : rs.rowsAffected,
    lastInsertId: id === undefined ? undefined : id >= minSafe && id <= maxSafe ? Number(id) : id,
  }
}

class LibsqlTransaction implements AdapterTransaction {
  constructor(
    private readonly tx: Transaction,
    /** `PRAGMA query_only` is on for this transaction's connection and must be reset before it ends. */
    private readonly queryOnly = false,
  ) {}
  async execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
    options?.signal?.throwIfAborted()
    return toRawResult(await abortable(this.tx.execute(toStatement(stmt)), options?.signal))
  }
  async commit(options?: ExecuteOptions): Promise<void> {
    await this.resetQueryOnly()
    return abortable(this.tx.commit(), options?.signal)
  }
  async rollback(options?: ExecuteOptions): Promise<void> {
    if (this.tx.closed) return
    try {
      await abortable(
        this.resetQueryOnly().then(() => this.tx.rollback()),
        options?.signal,
      )
    } catch (err) {
      // a ROLLBACK that cannot be sent or answered: close the stream, so the server ends the
      // transaction now instead of at its stream timeout
      if (!this.tx.closed) this.tx.close()
      throw err
    }
  }
  /** The connection goes back to a pool (a Hrana server's) after the transaction: leave it writable. */
  private async resetQueryOnly(): Promise<void> {
    if (this.queryOnly && !this.tx.closed)
      await this.tx.execute('PRAGMA query_only = 0').catch(() => undefined)
  }
}

/**
 * Opens a transaction. Others are `BEGIN DEFERRED`, as SQLite's own default: the engine opens a
 * transaction on a connection's first statement, often a read, and `BEGIN IMMEDIATE` would take
 * the write lock then, so two connections that only read would refuse each other ("database is
 * locked"). A read transaction is `BEGIN TRANSACTION READONLY`, which the embedded libSQL engine
 * accepts without enforcing, so writes are also refused with `PRAGMA query_only` (a server that
 * rejects the pragma keeps its own enforcement).
 */
async function openTransaction(client: Client, readOnly: boolean): Promise<LibsqlTransaction> {
  const tx = await client.transaction(readOnly ? 'read' : 'deferred')
  if (!readOnly) return new LibsqlTransaction(tx)
  const enforced = await tx.execute('PRAGMA query_only = 1').then(
    () => true,
    () => false,
  )
  return new LibsqlTransaction(tx, enforced)
}

/** How an adapter gets its client: given, or made on first use (a lazy import). */
export interface ClientSource {
  readonly client?: Client | undefined
  readonly load?: (() => Promise<Client>) | undefined
  /** True when the adapter made the client, so `close()` closes it. */
  readonly owned: boolean
  /** A database in this process (`file:`, `:memory:`): no call waits on a network. */
  readonly embedded?: boolean | undefined
}

/** The libSQL adapter over a client (given or loaded on first use). */
export function libsqlAdapter(source: ClientSource, secrets: readonly string[]): Adapter {
  let client = source.client
  let loading: Promise<Client> | undefined
  let closed = false
  const get = (): Client | Promise<Client> => {
    if (client !== undefined) return client
    if (closed) return Promise.reject(new Error('The libsql adapter is closed'))
    loading ??= (source.load as () => Promise<Client>)().then((c) => {
      client = c
      return c
    })
    return loading
  }
  return {
    name: 'libsql',
    // neither the embedded engine nor the HTTP client takes a signal: the engine stops waiting itself
    usesAbortSignal: false,
    embedded: source.embedded === true,
    capabilities: libsqlCapabilities,
    dialect: sqlite,
    secrets,
    async execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
      options?.signal?.throwIfAborted()
      const c = client ?? (await get())
      return toRawResult(await abortable(c.execute(toStatement(stmt)), options?.signal))
    },
    async batch(stmts: readonly Statement[], options?: TransactionOptions): Promise<RawResult[]> {
      options?.signal?.throwIfAborted()
      if (stmts.length === 0) return []
      const c = client ?? (await get())
      const results = await abortable(
        c.batch(stmts.map(toStatement), options?.readOnly ? 'read' : 'write'),
        options?.signal,
      )
      return results.map(toRawResult)
    },
    async begin(options?: TransactionOptions): Promise<AdapterTransaction> {
      options?.signal?.throwIfAborted()
      const c = client ?? (await get())
      // SQLite transactions are serializable; `isolation` has nothing to choose between
      return openTransaction(c, options?.readOnly === true)
    },
    errorInfo(err: unknown): DriverErrorInfo {
      return libsqlErrorInfo(err, secrets)
    },
    async close(): Promise<void> {
      closed = true
      const c = client ?? (loading === undefined ? undefined : await loading.catch(() => undefined))
      if (source.owned && c !== undefined && !c.closed) c.close()
    },
  }
}
