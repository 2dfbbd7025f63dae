/**
 * The identity map: one object per row key. Held strongly (a WeakRef per loaded row cost more
 * than the rest of hydration together); a stream releases the clean objects of each chunk once
 * it moves on (see `AsyncSession.stream`), which keeps streaming memory bounded.
 * @module
 */
import type { IdentityKey } from './mapper.js'
import type { InstanceState } from './state.js'

/** A map from identity key to object state. */
export class IdentityMap {
  readonly #states = new Map<IdentityKey, InstanceState>()

  get(key: IdentityKey): InstanceState | undefined {
    return this.#states.get(key)
  }
  set(key: IdentityKey, state: InstanceState): void {
    this.#states.set(key, state)
  }
  delete(key: IdentityKey): void {
    this.#states.delete(key)
  }
  clear(): void {
    this.#states.clear()
  }
  get size(): number {
    return this.#states.size
  }
  values(): IterableIterator<InstanceState> {
    return this.#states.values()
  }
  [Symbol.iterator](): IterableIterator<[IdentityKey, InstanceState]> {
    return this.#states.entries()
  }
}
