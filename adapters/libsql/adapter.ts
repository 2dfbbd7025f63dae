/**
 * The libSQL adapter over any `@libsql/client` Client (local file, HTTP or WebSocket): one
 * request per statement, `batch('write')` as one atomic request, `transaction()` (a baton
 * stream over HTTP) for interactive transactions. Web-standard only.
 * @module
 */
import type { Client, InStatement, InValue, ResultSet, Transaction } from '@libsql/client'
import { sqlite } from '../../core/dialects/sqlite/index.js'
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
import { readOnlyRefusal } from './read-only.js'
import {
  bySignal,
  type Cancellation,
  ConnectionSlots,
  defaultBusyTimeout,
  noConnectionError,
  readsOnly,
  staleSnapshotError,
  TurnQueue,
  WaitCancelled,
  WriteTurn,
} from './waits.js'

/** `PRAGMA query_only` on and off: the dialect's statements (libSQL does not enforce a read-only BEGIN). */
function readOnlyGuard(): { readonly enable: string; readonly disable: string } {
  return sqlite.transactionControl().readOnlyGuard as { enable: string; disable: string }
}

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

/** The client's code of an error, on the error itself (LibsqlError, LibsqlBatchError). */
function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
}

/** Another connection holds the write lock: the statement did nothing and may run again. */
function isBusy(err: unknown): boolean {
  return codeOf(err) === 'SQLITE_BUSY'
}

/** What the transactions of one adapter share: the client, its connection slots, the wait queues. */
interface Waits {
  /** The client's connections transactions may hold (local databases); none for remote ones. */
  readonly slots: ConnectionSlots | undefined
  readonly slotQueue: TurnQueue
  /** The write lock as this process hands it out (local databases). */
  readonly turn: WriteTurn | undefined
  /** Statements refused with SQLITE_BUSY by a server wait here for a transaction to end (remote databases). */
  readonly lockQueue: TurnQueue
  readonly busyTimeout: number
}

/** The error when a statement waited `busyTimeout` for the write lock: the driver's, saying so. */
function waitedTooLong(err: unknown, waitedMs: number): unknown {
  const e = err as { message?: unknown }
  if (typeof e?.message === 'string' && typeof err === 'object' && err !== null) {
    try {
      e.message = `${e.message} (waited ${waitedMs} ms for the write lock)`
    } catch {
      // a frozen error keeps its message
    }
  }
  return err
}

/**
 * One interactive transaction. On a local database it holds one of the client's connections
 * from its first statement to its end, waiting for one when all are held; a statement refused
 * with `SQLITE_BUSY` before the transaction has read anything waits for the write lock and runs
 * again. Ending the transaction (the engine rolls back one cut short) ends its waits.
 */
class LibsqlTransaction implements AdapterTransaction {
  #tx: Transaction | undefined
  #opening: Promise<Transaction> | undefined
  #ended = false
  #endListeners: ((reason: unknown) => void)[] | undefined
  /** `PRAGMA query_only` is on for this transaction's connection and must be reset before it ends. */
  #queryOnly = false
  /**
   * Set by the first statement that succeeded: the transaction reads from a snapshot since then,
   * taken when this process had committed this many writes (`WriteTurn.commits`).
   */
  #snapshotAt: number | undefined
  #holdsSlot = false

  constructor(
    private readonly client: Client,
    private readonly waits: Waits,
    private readonly readOnly: boolean,
  ) {}

  /** Waits of this transaction end with it. */
  private readonly cancellation: Cancellation = ((self: LibsqlTransaction): Cancellation => ({
    get cancelled(): boolean {
      return self.#ended
    },
    onCancel(fn) {
      const list = (self.#endListeners ??= [])
      list.push(fn)
      return () => {
        const i = list.indexOf(fn)
        if (i >= 0) list.splice(i, 1)
      }
    },
  }))(this)

  /** Opens now when a connection is free (errors then surface as BEGIN's); otherwise on first use. */
  async start(): Promise<void> {
    const slots = this.waits.slots
    if (slots !== undefined) {
      if (this.waits.slotQueue.size > 0 || !slots.tryTake()) return
      this.#holdsSlot = true
    }
    try {
      this.#opening = this.openDriver()
      await this.#opening
    } catch (err) {
      this.#opening = undefined
      if (slots === undefined || codeOf(err) !== 'TRANSACTION_ACTIVE') {
        this.release(false)
        throw err
      }
      // the client has fewer connections than assumed: wait for one on first use
      this.releaseSlot()
    }
  }

  /**
   * Opens the client's transaction. Others are `BEGIN DEFERRED`, as SQLite's own default: the
   * engine opens a transaction on a connection's first statement, often a read, and `BEGIN
   * IMMEDIATE` would take the write lock then, so two connections that only read would exclude
   * each other. A read transaction is `BEGIN TRANSACTION READONLY`, which libSQL accepts without
   * enforcing, so on a local file writes are also refused with `PRAGMA query_only`, and over a
   * server by `execute` before sending (read-only.ts).
   */
  private async openDriver(): Promise<Transaction> {
    const tx = await this.client.transaction(this.readOnly ? 'read' : 'deferred')
    if (this.#ended) {
      tx.close()
      throw new WaitCancelled('The transaction ended while it was opening')
    }
    this.#tx = tx
    // a local file only: a server refuses the pragma, and with it the BEGIN sent in the same batch
    // (read-only.ts); there `execute` refuses writes itself
    if (this.readOnly && this.waits.turn !== undefined)
      this.#queryOnly = await tx.execute(readOnlyGuard().enable).then(
        () => true,
        () => false,
      )
    return tx
  }

  /** Waits for a connection slot (in turn), then opens. */
  private async openWhenFree(): Promise<Transaction> {
    const slots = this.waits.slots as ConnectionSlots
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      if (this.#ended) throw new WaitCancelled('The transaction ended before it opened')
      if (!this.#holdsSlot && (attempt > 0 || this.waits.slotQueue.size === 0) && slots.tryTake())
        this.#holdsSlot = true
      if (this.#holdsSlot) {
        try {
          return await this.openDriver()
        } catch (err) {
          if (codeOf(err) !== 'TRANSACTION_ACTIVE') throw err
          this.releaseSlot()
          slots.learnSize(slots.held + 1)
        }
      }
      const waited = Date.now() - started
      if (waited >= this.waits.busyTimeout) throw noConnectionError(slots.limit, waited)
      await this.waits.slotQueue.wait(this.cancellation, attempt, attempt > 0)
    }
  }

  private open(): Promise<Transaction> {
    this.#opening ??= this.openWhenFree()
    return this.#opening
  }

  async execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
    const signal = options?.signal
    signal?.throwIfAborted()
    const tx = this.#tx ?? (await abortable(this.open(), signal))
    if (this.readOnly && !this.#queryOnly && !readsOnly(stmt)) throw readOnlyRefusal()
    const turn = this.waits.turn
    if (turn !== undefined && !this.readOnly && !turn.heldBy(this) && !readsOnly(stmt))
      await abortable(this.takeTurn(turn), signal)
    const sent = toStatement(stmt)
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      try {
        const rs = await abortable(tx.execute(sent), signal)
        this.#snapshotAt ??= turn?.commits ?? 0
        return toRawResult(rs)
      } catch (err) {
        // a server that answers SQLITE_BUSY: a transaction that has read nothing yet waits for
        // another to end and runs the statement again (after a read, the writer's commit would
        // leave this snapshot stale: SQLITE_BUSY_SNAPSHOT)
        if (turn !== undefined || this.#snapshotAt !== undefined || this.#ended || !isBusy(err) || tx.closed)
          throw err
        const waited = Date.now() - started
        if (waited >= this.waits.busyTimeout) throw waitedTooLong(err, waited)
        await this.waits.lockQueue.wait(this.cancellation, attempt, attempt > 0)
      }
    }
  }

  /** Waits for the write turn; refuses at once when this transaction's snapshot is stale. */
  private takeTurn(turn: WriteTurn): Promise<void> {
    return turn.take(this, this.cancellation, this.waits.busyTimeout, () => {
      if (this.#snapshotAt !== undefined && turn.commits !== this.#snapshotAt) throw staleSnapshotError()
    })
  }

  async commit(options?: ExecuteOptions): Promise<void> {
    const tx = this.#tx
    this.cancelWaits()
    let committed = false
    try {
      if (tx === undefined) return
      await this.resetQueryOnly(tx)
      await abortable(tx.commit(), options?.signal)
      committed = true
    } finally {
      this.release(committed)
    }
  }

  async rollback(options?: ExecuteOptions): Promise<void> {
    const tx = this.#tx
    this.cancelWaits()
    try {
      if (tx === undefined || tx.closed) return
      const open = tx
      await abortable(
        this.resetQueryOnly(open).then(() => open.rollback()),
        options?.signal,
      )
    } catch (err) {
      // a ROLLBACK that cannot be sent or answered: close the stream, so the server ends the
      // transaction now instead of at its stream timeout
      if (tx !== undefined && !tx.closed) tx.close()
      throw err
    } finally {
      this.release(false)
    }
  }

  /** The connection goes back to a pool (a Hrana server's) after the transaction: leave it writable. */
  private async resetQueryOnly(tx: Transaction): Promise<void> {
    if (this.#queryOnly && !tx.closed) await tx.execute(readOnlyGuard().disable).catch(() => undefined)
  }

  private releaseSlot(): void {
    if (!this.#holdsSlot) return
    this.#holdsSlot = false
    this.waits.slots?.give()
    this.waits.slotQueue.wake()
  }

  /** The transaction is ending: its waits end. */
  private cancelWaits(): void {
    if (this.#ended) return
    this.#ended = true
    const listeners = this.#endListeners
    this.#endListeners = undefined
    const reason = new WaitCancelled('The transaction ended')
    for (const fn of listeners ?? []) fn(reason)
  }

  /** The transaction is over (`committed`: it may have written): its slot and write turn are free. */
  private release(committed: boolean): void {
    this.cancelWaits()
    this.releaseSlot()
    this.waits.turn?.release(this, committed)
    this.waits.lockQueue.wake()
  }
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

/**
 * Runs a call outside a transaction. On a local database a write takes the write turn for the
 * call, waiting for a transaction of this process that holds it, when the wait can be ended: by
 * the call's signal, or when the engine set no time limit (it passes no options then). A write
 * with a time limit but no signal is refused at once instead: nothing could stop it from running
 * after its caller gave up.
 */
async function outsideTransaction<T>(
  run: () => Promise<T>,
  writes: boolean,
  waits: Waits,
  options: ExecuteOptions | undefined,
): Promise<T> {
  const signal = options?.signal
  const turn = waits.turn
  if (turn === undefined || !writes) return abortable(run(), signal)
  // other writes outside transactions may run alongside: each is one synchronous driver call
  await turn.enterShared(bySignal(signal), waits.busyTimeout, options === undefined || signal !== undefined)
  let wrote = false
  try {
    const result = await abortable(run(), signal)
    wrote = true
    return result
  } finally {
    turn.leaveShared(wrote)
  }
}

/** The libSQL adapter over a client (given or loaded on first use). */
export function libsqlAdapter(
  source: ClientSource,
  secrets: readonly string[],
  capabilities: AdapterCapabilities,
): Adapter {
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
  const embedded = source.embedded === true
  const waits: Waits = {
    // the local client's pool: `concurrency` connections, 20 unless set (learnt if fewer)
    slots: embedded ? new ConnectionSlots(20) : undefined,
    slotQueue: new TurnQueue(),
    turn: embedded ? new WriteTurn() : undefined,
    lockQueue: new TurnQueue(),
    busyTimeout: defaultBusyTimeout,
  }
  return {
    name: 'libsql',
    // neither the embedded engine nor the HTTP client takes a signal: the engine stops waiting itself
    usesAbortSignal: false,
    embedded,
    capabilities,
    dialect: sqlite,
    secrets,
    async execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
      options?.signal?.throwIfAborted()
      const c = client ?? (await get())
      const sent = toStatement(stmt)
      return toRawResult(await outsideTransaction(() => c.execute(sent), !readsOnly(stmt), waits, options))
    },
    async batch(stmts: readonly Statement[], options?: TransactionOptions): Promise<RawResult[]> {
      options?.signal?.throwIfAborted()
      if (stmts.length === 0) return []
      const c = client ?? (await get())
      const sent = stmts.map(toStatement)
      const mode = options?.readOnly ? 'read' : 'write'
      // libSQL does not enforce a read batch's BEGIN TRANSACTION READONLY (read-only.ts)
      if (mode === 'read' && stmts.some((s) => !readsOnly(s))) throw readOnlyRefusal()
      // a refused batch rolled back as a whole: running it again is safe
      const results = await outsideTransaction(() => c.batch(sent, mode), mode === 'write', waits, options)
      return results.map(toRawResult)
    },
    async begin(options?: TransactionOptions): Promise<AdapterTransaction> {
      options?.signal?.throwIfAborted()
      const c = client ?? (await get())
      // SQLite transactions are serializable; `isolation` has nothing to choose between
      const tx = new LibsqlTransaction(c, waits, options?.readOnly === true)
      await tx.start()
      return tx
    },
    errorInfo(err: unknown): DriverErrorInfo {
      return libsqlErrorInfo(err, secrets)
    },
    async close(): Promise<void> {
      closed = true
      const gone = new Error('The libsql adapter is closed')
      waits.slotQueue.rejectAll(gone)
      waits.lockQueue.rejectAll(gone)
      waits.turn?.rejectAll(gone)
      const c = client ?? (loading === undefined ? undefined : await loading.catch(() => undefined))
      if (source.owned && c !== undefined && !c.closed) c.close()
    },
  }
}
