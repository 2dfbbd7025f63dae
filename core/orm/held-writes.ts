/**
 * Writes given to `session.execute()` on adapters that cannot hold a transaction open (neon-http,
 * d1): they wait for `commit()`, which sends them in its one atomic batch after the flush's
 * statements. Never on their own, so a failed commit writes nothing of them either.
 * @module
 */
import type { Table } from '../schema/table.js'
import type { Step } from './flush.js'
import type { InstanceState } from './state.js'

/** What a held write may change in rows the commit's flush also writes. */
interface Touch {
  readonly table: Table
  /** Attributes an UPDATE sets; `'all'` for a DELETE. */
  readonly keys: readonly string[] | 'all'
}

/** The writes a session holds until its commit. */
export class HeldWrites {
  readonly #steps: Step[] = []
  readonly #touches: Touch[] = []

  /** Statements held, guards not counted. */
  get size(): number {
    return this.#steps.length
  }
  /** The held statements, in the order given. */
  get steps(): readonly Step[] {
    return this.#steps
  }

  /** Holds the statements of one write; `touch` says what it may change (undefined for inserts). */
  hold(steps: readonly Step[], touch?: Touch): void {
    this.#steps.push(...steps)
    if (touch !== undefined) this.#touches.push(touch)
  }

  /**
   * After the commit: an object the flush wrote ran before the held writes, which may have
   * changed its row again; the attributes they set are expired so they load what was written.
   */
  afterCommit(flushed: Iterable<InstanceState>): void {
    if (this.#touches.length > 0)
      for (const state of flushed) {
        if (state.deletedFlushed || state.key === undefined) continue
        for (const t of this.#touches)
          if (t.table === state.mapper.table) state.expire(t.keys === 'all' ? undefined : t.keys)
      }
    this.clear()
  }

  /** Forgets every held write (rollback, close, or after the commit sent them). */
  clear(): void {
    this.#steps.length = 0
    this.#touches.length = 0
  }
}
