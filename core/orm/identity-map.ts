/**
 * The identity map: one object per row key, held weakly as SQLAlchemy does, so a session that
 * streams or loads many rows keeps only what the program still uses. Objects with unflushed
 * changes are held strongly elsewhere by the session (its new, dirty and deleted sets).
 * @module
 */
import type { InstanceState } from './state.js'

/** A map from identity key to object state, with weak values. */
export class IdentityMap {
  readonly #refs = new Map<string, WeakRef<InstanceState>>()
  readonly #registry: FinalizationRegistry<string> | undefined =
    typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry((key) => {
          const ref = this.#refs.get(key)
          if (ref !== undefined && ref.deref() === undefined) this.#refs.delete(key)
        })
      : undefined

  get(key: string): InstanceState | undefined {
    const ref = this.#refs.get(key)
    if (ref === undefined) return undefined
    const state = ref.deref()
    if (state === undefined) this.#refs.delete(key)
    return state
  }

  set(key: string, state: InstanceState): void {
    this.#refs.set(key, new WeakRef(state))
    this.#registry?.register(state, key, state)
  }

  delete(key: string): void {
    const state = this.#refs.get(key)?.deref()
    if (state !== undefined) this.#registry?.unregister(state)
    this.#refs.delete(key)
  }

  clear(): void {
    for (const state of this.values()) this.#registry?.unregister(state)
    this.#refs.clear()
  }

  /** The states still alive. */
  *values(): IterableIterator<InstanceState> {
    for (const [key, ref] of this.#refs) {
      const state = ref.deref()
      if (state === undefined) this.#refs.delete(key)
      else yield state
    }
  }

  *[Symbol.iterator](): IterableIterator<[string, InstanceState]> {
    for (const [key, ref] of this.#refs) {
      const state = ref.deref()
      if (state !== undefined) yield [key, state]
    }
  }
}
