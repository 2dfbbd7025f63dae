/**
 * The adapter contract: what a transport (neon-http, neon, libsql, planetscale, d1) gives the
 * engine. An adapter plays the role of an async DBAPI: it runs SQL it is handed, never builds
 * SQL, switches off its driver's value parsing and returns the cheapest raw output; the
 * dialect decodes values by declared type and translates errors. Adding an adapter: the
 * checklist in docs/ARCHITECTURE.md.
 * @module
 */
import type { DriverErrorInfo } from '../dialects/driver-error.js'
import type { IsolationLevel } from '../dialects/transaction-control.js'

export type { IsolationLevel } from '../dialects/transaction-control.js'

/**
 * SQL text and positional parameters, already encoded for the dialect, with what the engine
 * knows of the statement's shape from the compiled statement, so adapters that must choose a
 * driver call by shape (D1's `raw()` or `run()`, libSQL's write lock) need not read the SQL.
 * Both flags are undefined where the engine cannot tell (`text()`, DDL, its own BEGIN or
 * SAVEPOINT): adapters then keep reading the SQL.
 */
export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
  /** Rows come back: a query, or an INSERT/UPDATE/DELETE with RETURNING. */
  readonly returnsRows?: boolean | undefined
  /** What the statement writes: `false` for a query, which only reads; else its DML verb. */
  readonly writes?: false | 'insert' | 'update' | 'delete' | undefined
}

/**
 * What a remote can do; the engine maps transactions and batches onto it. What follows from the
 * SQL alone (the dialect's name, RETURNING) is the dialect's: `adapter.dialect`.
 */
export interface AdapterCapabilities {
  /** BEGIN ... COMMIT across several requests (neon WebSocket, libsql, planetscale). */
  readonly interactiveTransactions: boolean
  /** All-or-nothing execution of a list of statements. */
  readonly atomicBatch: boolean
  /** One request for a whole batch, or one per statement (BEGIN + each + COMMIT). */
  readonly batchRoundTrips: 'one' | 'per-statement'
  readonly savepoints: boolean
  /** Most bound parameters one statement may carry (d1: 100). */
  readonly maxParams: number
  /** How `stream()` reads: a server cursor, pages of a keyset query, or not at all. */
  readonly streaming: 'cursor' | 'paged' | 'none'
  /**
   * What `rowsAffected` of an UPDATE counts: every row its WHERE matched (SQLAlchemy's "sane
   * rowcount"; the default), or only rows whose values changed (MySQL without CLIENT_FOUND_ROWS,
   * as PlanetScale/Vitess report it). Stale-row checks must not trust a `'changed'` count of 0.
   */
  readonly updateRowCount?: 'matched' | 'changed'
}

/**
 * One statement's raw result. Rows are arrays (duplicate column names survive) holding the
 * driver's cheapest values: PostgreSQL text, MySQL text, SQLite's native values.
 */
export interface RawResult {
  readonly columns: readonly string[]
  /** Per column, the driver's type id when it reports one (PostgreSQL OID, MySQL type name); for untyped statements. */
  readonly columnTypes?: readonly (number | string | undefined)[]
  /** One fresh array per row; the engine takes ownership and decodes values in place. */
  readonly rows: readonly (readonly unknown[])[]
  /** Rows changed by INSERT/UPDATE/DELETE; -1 when the driver does not say. */
  readonly rowsAffected: number
  /** The generated key of the last INSERT where the database reports one (SQLite rowid, MySQL insert id). */
  readonly lastInsertId?: number | bigint | undefined
}

/** Options of one execution. */
export interface ExecuteOptions {
  /** Aborts the request where the transport allows it. */
  readonly signal?: AbortSignal | undefined
}

/** Options of a transaction or a batch. */
export interface TransactionOptions extends ExecuteOptions {
  /**
   * The isolation level. Adapters read it with `isolationLevel()` (core/dialects), which also
   * accepts an untyped caller's other spellings (`'REPEATABLE_READ'`) and refuses unknown names.
   */
  readonly isolation?: IsolationLevel | undefined
  readonly readOnly?: boolean | undefined
}

/** An interactive transaction on one connection or session. */
export interface AdapterTransaction {
  execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult>
  /**
   * Reads a query in chunks through a server-side cursor (adapters with `streaming: 'cursor'`).
   * Each yielded result holds at most `chunkSize` rows.
   */
  stream?(stmt: Statement, chunkSize: number, options?: ExecuteOptions): AsyncIterable<RawResult>
  /** Commits; `signal` aborts the wait (the outcome is then unknown to the caller). */
  commit(options?: ExecuteOptions): Promise<void>
  /** Rolls back; after a transport failure or an abort, discards the connection instead. */
  rollback(options?: ExecuteOptions): Promise<void>
}

/** The transaction a callback-scoped {@link Adapter.transaction} hands its callback: it ends with the callback. */
export type ScopedTransaction = Pick<AdapterTransaction, 'execute' | 'stream'>

/** A transport: the engine's view of one database. */
export interface Adapter {
  /** Short name for logs and errors: `neon-http`, `libsql`, ... */
  readonly name: string
  readonly capabilities: AdapterCapabilities
  /** One statement, outside any transaction (autocommit). */
  execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult>
  /** Statements as one atomic unit: a failing statement leaves nothing behind. */
  batch(stmts: readonly Statement[], options?: TransactionOptions): Promise<RawResult[]>
  /** Opens an interactive transaction; absent on batch-only adapters. */
  begin?(options?: TransactionOptions): Promise<AdapterTransaction>
  /**
   * Runs `fn` in a transaction the driver scopes to a callback: committed when `fn` resolves,
   * rolled back when it rejects (the driver's own `transaction(fn)`). For drivers without a
   * `begin`; the engine uses `begin` when both exist and otherwise holds this callback open
   * until it commits or rolls back.
   */
  transaction?<T>(fn: (tx: ScopedTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>
  /**
   * Reads a query in chunks through a server-side cursor outside a transaction, where the
   * adapter has one of its own (otherwise the engine opens a transaction and uses its `stream`).
   */
  stream?(stmt: Statement, chunkSize: number, options?: ExecuteOptions): AsyncIterable<RawResult>
  /**
   * The error's native code and message, read from the driver's error shape (SQLSTATE,
   * SQLite code, MySQL errno, D1/Hrana/Vitess message). The dialect maps them to the error tree.
   */
  errorInfo(err: unknown): DriverErrorInfo
  /**
   * Closes sockets and pools. Connections still checked out close when released, or at once
   * with `force` (the engine's `dispose()` forces after its grace period).
   */
  close(options?: { readonly force?: boolean }): Promise<void>
  /** Strings that must never appear in a kept error (passwords, tokens); redacted from driver errors. */
  readonly secrets?: readonly string[]
  /**
   * False when the adapter's calls cannot be cancelled (an embedded engine, a driver without
   * `signal`): the engine then stops waiting by itself and makes no `AbortSignal` per call.
   * Default true: `options.signal` reaches fetch or the socket.
   */
  readonly usesAbortSignal?: boolean
  /**
   * True for a database in this process (embedded SQLite): its calls never wait on a network
   * and block the thread while they run, so no timer could fire during one. The engine arms no
   * default operation timer for it (a `timeout` or `signal` given to a call still applies).
   */
  readonly embedded?: boolean
  /** The SQL dialect the adapter speaks (the engine loads no other). */
  readonly dialect: import('../dialects/dialect.js').Dialect
}

export type { DriverErrorInfo } from '../dialects/driver-error.js'

/** A function that makes an adapter from a URL, for `createAsyncEngine(url, { adapters })`. */
export interface AdapterFactory {
  /** URL schemes this factory accepts, e.g. `['postgres:', 'postgresql:']`. */
  readonly schemes: readonly string[]
  (url: string): Adapter
}
