/**
 * Writes given to `session.execute()` on adapters that cannot hold a transaction open (neon-http,
 * d1): they wait for `commit()`, which sends them in its one atomic batch after the flush's
 * statements. Never on their own, so a failed commit writes nothing of them either.
 * @module
 */
import type { Table } from '../schema/table.js'
import type { Step } from './flush-steps.js'
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
  /** Versioned objects a held write synchronized: their version before it, as the database has it. */
  readonly #versions = new Map<InstanceState, { readonly value: unknown; readonly loaded: boolean }>()

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

  /** Remembers the versions of objects a held write is about to synchronize. */
  noteSynced(states: Iterable<InstanceState>): void {
    for (const state of states) {
      const version = state.mapper.versionColumn
      if (version === undefined || this.#versions.has(state)) continue
      this.#versions.set(state, { value: state.dict[version.key], loaded: version.key in state.dict })
    }
  }

  /**
   * Before the commit's flush: an object it writes is written before the held writes run, so its
   * version check needs the version the database has now, not the one the held writes will give.
   */
  beforeFlush(): void {
    for (const [state, before] of this.#versions) {
      if (!state.modified && !state.markedDeleted) continue
      const key = state.mapper.versionColumn!.key
      if (before.loaded) state.dict[key] = before.value
      else delete state.dict[key]
    }
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
    this.#versions.clear()
  }
}
