/**
 * The transaction object of `session.begin()` / `session.beginNested()`: commit or roll back
 * explicitly; `await using` rolls back unless it was committed.
 * @module
 */

import type { AsyncTransaction } from '../engine/transaction.js'
import { InvalidRequestError } from '../errors.js'
import type { AsyncSession } from './session.js'
import type { RollbackFrame } from './session-objects.js'

/** A savepoint and the in-memory changes made since it. */
export interface NestedParts {
  readonly savepoint: AsyncTransaction
  readonly frame: RollbackFrame
}

/** A session transaction or savepoint. */
export class SessionTransaction {
  #active = true

  constructor(
    readonly session: AsyncSession,
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
