/**
 * What reading an attribute that is not loaded does. The async ORM never does implicit I/O: it
 * answers from memory where it can (a new object's empty collection, a `lazy: 'noload'`
 * relationship, a many-to-one whose target is already in the identity map, a null foreign key)
 * and otherwise raises a clear error naming the explicit ways to load.
 * @module
 */
import { DetachedInstanceError, NotLoadedError } from '../errors.js'
import { instrumentedList } from './collections.js'
import type { IdentityKey } from './mapper.js'
import type { Relationship } from './relationship.js'
import type { InstanceState } from './state.js'

/** Looks an identity up in the object's session (set by the session module). */
export interface IdentityLookup {
  lookupIdentity(key: IdentityKey): object | undefined
}

/** The value of an unloaded column: undefined for a new object, else an error. */
export function unloadedColumn(state: InstanceState, key: string): unknown {
  if (state.key === undefined) return undefined
  throw notLoaded(state, key, `await session.refresh(obj, ['${key}'])`)
}

/** The value of an unloaded relationship, from memory where possible. */
export function unloadedRelationship(state: InstanceState, rel: Relationship<any>): unknown {
  if (state.key === undefined) {
    if (!rel.uselist) return null
    const list = instrumentedList(state, rel, [])
    state.dict[rel.key] = list
    return list
  }
  if (rel.options.lazy === 'noload' && !state.raiseOnLoad?.has(rel.key)) {
    // never loaded: reads as empty, as loading it with noload would have made it
    const empty = rel.uselist ? instrumentedList(state, rel, []) : null
    state.dict[rel.key] = empty
    state.snapshotCollection(rel)
    return empty
  }
  if (rel.direction === 'many-to-one' && !state.raiseOnLoad?.has(rel.key)) {
    const fk = rel.pairs.map(([local]) => state.dict[local.key])
    if (fk.every((v) => v === null)) return null
    const byTargetKey = rel.target.pkKeys.map((k) => rel.pairs.find(([, r]) => r.key === k)?.[0].key)
    if (fk.every((v) => v !== undefined) && state.session !== undefined && !byTargetKey.includes(undefined)) {
      const key = rel.target.identityKey(byTargetKey.map((k) => state.dict[k!]))
      const found =
        key === undefined ? undefined : (state.session as unknown as IdentityLookup).lookupIdentity(key)
      if (found !== undefined) {
        state.dict[rel.key] = found
        return found
      }
    }
  }
  throw notLoaded(
    state,
    rel.key,
    `select(${state.mapper.name}).options(selectinload(${state.mapper.name}.${rel.key}))`,
  )
}

function notLoaded(state: InstanceState, key: string, loadHint: string): Error {
  const where = `${state.mapper.name}.${key}`
  if (state.session === undefined)
    return new DetachedInstanceError(
      `${where} is not loaded and the object is detached from its session; load it before closing the session, or merge the object into a session`,
    )
  return new NotLoadedError(
    `${where} is not loaded, and loading it would need I/O, which the async ORM never does implicitly. ` +
      `Load it explicitly: ${loadHint}, or await obj.awaitableAttrs.${key}`,
  )
}
