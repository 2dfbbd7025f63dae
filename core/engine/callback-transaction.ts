/**
 * Interactive transactions on adapters whose driver only scopes a transaction to a callback
 * (`transaction(fn)`: committed when `fn` resolves, rolled back when it rejects). The engine
 * begins, runs and ends transactions itself, so it holds the callback open: the callback waits
 * on a deferred that the engine's commit resolves and its rollback rejects.
 * @module
 */
import { InterfaceError } from '../errors.js'
import { abortable } from './abortable.js'
import type {
  Adapter,
  AdapterTransaction,
  ExecuteOptions,
  RawResult,
  ScopedTransaction,
  Statement,
  TransactionOptions,
} from './adapter.js'

/** What the callback is rejected with on rollback: the driver rethrows it after rolling back. */
class RollbackRequested extends Error {
  override name = 'RollbackRequested'
}

/** True when the adapter can open an interactive transaction: `begin`, or a callback-scoped `transaction`. */
export function canBegin(adapter: Adapter): boolean {
  return adapter.begin !== undefined || adapter.transaction !== undefined
}

/**
 * Opens an interactive transaction: the adapter's `begin` when it has one, else its
 * `transaction(fn)` held open until the returned transaction commits or rolls back.
 *
 * ```ts
 * const tx = await beginTransaction(adapter, { readOnly: true })
 * await tx.execute({ sql: 'SELECT 1', params: [] })
 * await tx.commit()
 * ```
 */
export function beginTransaction(
  adapter: Adapter,
  options?: TransactionOptions,
): Promise<AdapterTransaction> {
  if (adapter.begin !== undefined) return adapter.begin(options)
  if (adapter.transaction === undefined)
    return Promise.reject(new InterfaceError(`${adapter.name} has neither begin() nor transaction()`))
  return bridge(adapter.transaction.bind(adapter), options)
}

type TransactionFn = NonNullable<Adapter['transaction']>

async function bridge(
  transaction: TransactionFn,
  options: TransactionOptions | undefined,
): Promise<AdapterTransaction> {
  let end!: { resolve(): void; reject(err: unknown): void }
  const ended = new Promise<void>((resolve, reject) => {
    end = { resolve, reject }
  })
  let opened!: (tx: ScopedTransaction) => void
  const inside = new Promise<ScopedTransaction>((resolve) => {
    opened = resolve
  })
  const outcome = transaction(async (tx) => {
    opened(tx)
    await ended
  }, options)
  // seen here or by commit/rollback: never an unhandled rejection meanwhile
  outcome.catch(() => undefined)
  // the driver may fail before calling back (BEGIN refused) or return without calling back
  const scope = await Promise.race([
    inside,
    outcome.then(() => {
      throw new InterfaceError("The adapter's transaction() returned without calling its callback")
    }),
  ])
  return new BridgedTransaction(scope, end, outcome)
}

/** An interactive transaction over a held-open callback. */
class BridgedTransaction implements AdapterTransaction {
  #done = false
  readonly stream?: AdapterTransaction['stream']

  constructor(
    private readonly scope: ScopedTransaction,
    private readonly end: { resolve(): void; reject(err: unknown): void },
    private readonly outcome: Promise<unknown>,
  ) {
    const stream = scope.stream
    if (stream !== undefined)
      this.stream = (stmt, chunkSize, opts) => {
        this.check()
        return stream.call(scope, stmt, chunkSize, opts)
      }
  }

  private check(): void {
    if (this.#done) throw new InterfaceError('This transaction is already committed or rolled back')
  }

  execute(stmt: Statement, options?: ExecuteOptions): Promise<RawResult> {
    this.check()
    return this.scope.execute(stmt, options)
  }

  /** Lets the callback return: the driver commits; its error (a failed COMMIT) is the commit's. */
  async commit(options?: ExecuteOptions): Promise<void> {
    this.check()
    this.#done = true
    this.end.resolve()
    await abortable(this.outcome, options?.signal)
  }

  /** Rejects the callback: the driver rolls back and rethrows, which is the expected outcome. */
  async rollback(options?: ExecuteOptions): Promise<void> {
    if (this.#done) return
    this.#done = true
    const requested = new RollbackRequested('rolled back by the engine')
    this.end.reject(requested)
    await abortable(
      this.outcome.then(
        () => undefined,
        (err: unknown) => {
          if (err !== requested) throw err
        },
      ),
      options?.signal,
    )
  }
}
