import { InvalidRequestError } from '../errors.js'
import type { OperationOptions } from './operation.js'

/** What a transaction needs from its connection. */
export interface TransactionOwner {
  /** Ends the root transaction or releases/rolls back to a savepoint. */
  endTransaction(tx: AsyncTransaction, commit: boolean, options?: OperationOptions): Promise<void>
}

/**
 * A transaction (`conn.begin()`) or a savepoint (`conn.beginNested()`). Committing or rolling
 * back ends it; disposing of it without a commit rolls it back.
 *
 * ```ts
 * await using tx = await conn.begin()
 * await conn.execute(insert(users).values({ name: 'Ann' }))
 * await tx.commit()
 * ```
 */
export class AsyncTransaction {
  #active = true
  constructor(
    private readonly owner: TransactionOwner,
    /** The savepoint name, for a nested transaction. */
    readonly savepoint: string | undefined,
  ) {}
  /** True until committed, rolled back or closed. */
  get isActive(): boolean {
    return this.#active
  }
  /** True for a savepoint. */
  get nested(): boolean {
    return this.savepoint !== undefined
  }
  /** Commits (or releases the savepoint). */
  async commit(options?: OperationOptions): Promise<void> {
    this.check('commit')
    this.#active = false
    await this.owner.endTransaction(this, true, options)
  }
  /** Rolls back (to the savepoint, for a nested transaction). */
  async rollback(options?: OperationOptions): Promise<void> {
    if (!this.#active) return
    this.#active = false
    await this.owner.endTransaction(this, false, options)
  }
  /** Rolls back when still active. */
  close(): Promise<void> {
    return this.rollback()
  }
  /** Called by the connection when an outer transaction ended this one. */
  deactivate(): void {
    this.#active = false
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
  private check(what: string): void {
    if (!this.#active) throw new InvalidRequestError(`Cannot ${what}: this transaction is no longer active`)
  }
}
