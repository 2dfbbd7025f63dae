/**
 * The accessor of a relationship attribute on a mapped class's prototype: reading answers from
 * the instance's state (or from memory for an unloaded attribute), assigning goes through the
 * change events of collections.ts.
 * @module
 */
import { ArgumentError } from '../errors.js'
import { setRelationship } from './collections.js'
import type { Mapper } from './mapper.js'
import type { Relationship } from './relationship.js'
import { type InstanceState, STATE } from './state.js'
import { unloadedRelationship } from './unloaded.js'

/** Defines the accessor of a relationship attribute on the mapped class's prototype. */
export function defineRelationshipAccessor(mapper: Mapper, rel: Relationship<any>): void {
  const key = rel.key
  const own = Object.getOwnPropertyDescriptor(mapper.cls.prototype, key)
  if (own !== undefined)
    throw new ArgumentError(
      `${mapper.name}.${key}: the class defines "${key}" itself, which hides the relationship`,
    )
  Object.defineProperty(mapper.cls.prototype, key, {
    configurable: true,
    enumerable: false,
    get(this: { [STATE]: InstanceState }) {
      const state = this[STATE]
      if (key in state.dict) return state.dict[key]
      return unloadedRelationship(state, rel)
    },
    set(this: { [STATE]: InstanceState }, value: unknown) {
      setRelationship(this[STATE], rel, value)
    },
  })
}
