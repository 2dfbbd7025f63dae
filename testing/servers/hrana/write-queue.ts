/**
 * Writers wait in turn, as in sqld: its connection manager queues every connection that wants
 * the write lock (FIFO) and hands the lock to the next one when the holder's write transaction
 * ends; a holder that keeps it longer than `TXN_TIMEOUT` (5 s) loses it to the next waiter, and
 * its transaction is rolled back (libsql-server `connection/connection_manager.rs`). Here a
 * pipeline that writes waits before it runs (its stream's idle timer paused, as a stream with a
 * request in flight never expires) until no other stream holds the lock; the stream then holds
 * it until its transaction ends. Without this, SQLite answers `SQLITE_BUSY` at once.
 * @module
 */

/** sqld's `TXN_TIMEOUT`: how long a write transaction may hold the lock while others wait (ms). */
export const txnTimeoutMs = 5_000

const reads =
  /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(SELECT|VALUES|EXPLAIN|WITH|BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b/i
const writeWords = /\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|IMMEDIATE|EXCLUSIVE)\b/i

/** True when a statement may take the write lock (unknown SQL counts as a write). */
export function mayWrite(sql: string | undefined): boolean {
  if (sql === undefined) return true
  const first = reads.exec(sql)?.[1]?.toUpperCase()
  if (first === undefined) return true
  if (first === 'SELECT' || first === 'VALUES') return false
  if (first === 'PRAGMA') return !/^\s*PRAGMA\s+query_only\b/i.test(sql)
  return writeWords.test(sql)
}

interface Stmt {
  readonly sql?: string | null
  readonly sql_id?: number | null
}
interface Req {
  readonly type?: string
  readonly stmt?: Stmt
  readonly batch?: { readonly steps?: readonly { readonly stmt?: Stmt }[] }
  readonly sql?: string | null
  readonly sql_id?: number | null
}

/** True when a pipeline's requests may write; `stored` is the stream's stored SQL. */
export function pipelineWrites(
  requests: readonly unknown[],
  stored: ReadonlyMap<number, string> | undefined,
): boolean {
  const known = new Map(stored)
  const sqlOf = (s: Stmt | Req | undefined) =>
    typeof s?.sql === 'string' ? s.sql : typeof s?.sql_id === 'number' ? known.get(s.sql_id) : undefined
  for (const raw of requests) {
    const req = raw as Req
    if (req?.type === 'store_sql' && typeof req.sql === 'string' && typeof req.sql_id === 'number')
      known.set(req.sql_id, req.sql)
    else if (req?.type === 'execute' && mayWrite(sqlOf(req.stmt))) return true
    else if (req?.type === 'batch' && (req.batch?.steps ?? []).some((step) => mayWrite(sqlOf(step.stmt))))
      return true
    else if (req?.type === 'sequence' && mayWrite(sqlOf(req))) return true
  }
  return false
}

/** The write lock of the server's database, handed out in turn. `K` identifies a holder (a stream). */
export class WriteQueue<K extends object> {
  #holder: K | undefined
  #since = 0
  readonly #waiting: (() => void)[] = []

  /** `steal(holder)` ends a holder that kept the lock past `txnTimeoutMs` (its transaction rolls back). */
  constructor(private readonly steal: (holder: K) => void) {}

  /** True when `key` holds the lock. */
  holds(key: K): boolean {
    return this.#holder === key
  }

  /** Waits until `key` may write: the lock is free (it takes it) or already its own. */
  async take(key: K): Promise<void> {
    while (this.#holder !== undefined && this.#holder !== key) {
      const left = this.#since + txnTimeoutMs - Date.now()
      if (left <= 0) {
        const holder = this.#holder
        this.#holder = undefined
        this.steal(holder)
        break
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          const i = this.#waiting.indexOf(wake)
          if (i >= 0) this.#waiting.splice(i, 1)
          resolve()
        }, left)
        const wake = () => {
          clearTimeout(timer)
          resolve()
        }
        this.#waiting.push(wake)
      })
    }
    if (this.#holder !== key) {
      this.#holder = key
      this.#since = Date.now()
    }
  }

  /** Hands the lock from `from` to `to` (a new stream that kept its transaction open). */
  transfer(from: K, to: K): void {
    if (this.#holder === from) this.#holder = to
  }

  /** `key`'s transaction ended (or its stream did): the next writer goes. */
  release(key: K): void {
    if (this.#holder !== key) return
    this.#holder = undefined
    this.#waiting.shift()?.()
  }
}
