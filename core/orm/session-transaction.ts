/**
 * The transaction object of `session.begin()` / `session.beginNested()`: commit or roll back
 * explicitly; `await using` rolls back unless it was committed.
 * @module
 */

import type { AsyncTransaction } from '../engine/transaction.js'
import { InvalidRequestError } from '../errors.js'
import type { RollbackFrame } from './session-objects.js'

/**
 * What a session transaction asks of its session (AsyncSession implements it; declared here so
 * the session imports this module and not the other way round).
 */
export interface TransactionOwner {
  /** @internal Ends the explicit transaction: commit (`true`) or roll back. */
  endExplicit(commit: boolean): Promise<void>
  /** @internal Ends a savepoint: release (`true`) or roll back to it. */
  endNested(frame: RollbackFrame, commit: boolean, savepoint: AsyncTransaction): Promise<void>
}

/** A savepoint and the in-memory changes made since it. */
export interface NestedParts {
  readonly savepoint: AsyncTransaction
  readonly frame: RollbackFrame
}

/** A session transaction or savepoint; `session` is the AsyncSession that began it. */
export class SessionTransaction<S extends TransactionOwner = TransactionOwner> {
  #active = true

  constructor(
    readonly session: S,
    private readonly nested: NestedParts | undefined,
  ) {}

  /** True until committed or rolled back. */
  get isActive(): boolean {
    return this.#active
  }
  /** True for a savepoint. */
  get isNested(): boolean {
    return this.nested !== undefined
  }

  /** Commits (a savepoint: releases it). */
  async commit(): Promise<void> {
    this.checkActive()
    this.#active = false
    if (this.nested) await this.session.endNested(this.nested.frame, true, this.nested.savepoint)
    else await this.session.endExplicit(true)
  }

  /** Rolls back (a savepoint: to where it began, in the database and in memory). */
  async rollback(): Promise<void> {
    if (!this.#active) return
    this.#active = false
    if (this.nested) await this.session.endNested(this.nested.frame, false, this.nested.savepoint)
    else await this.session.endExplicit(false)
  }

  private checkActive(): void {
    if (!this.#active)
      throw new InvalidRequestError('This session transaction is already committed or rolled back')
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.rollback()
  }
}

/** Runs `fn` in `tx`: commits when it returns (unless `fn` ended `tx` itself), rolls back when it throws. */
export async function runInTransaction<T>(tx: SessionTransaction, fn: () => Promise<T>): Promise<T> {
  try {
    const out = await fn()
    if (tx.isActive) await tx.commit()
    return out
  } catch (err) {
    if (tx.isActive) await tx.rollback()
    throw err
  }
}
