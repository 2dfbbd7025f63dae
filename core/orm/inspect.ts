/**
 * `inspect(obj)`: an object's ORM state (lifecycle, identity, changed attributes).
 * @module
 */
import { ArgumentError } from '../errors.js'
import type { Mapper } from './mapper.js'
import { rawList } from './raw-list.js'
import { type InstanceState, NOT_LOADED, type ObjectStatus, sameValue, stateOf } from './state.js'

/** What `inspect(obj)` tells about a mapped object. */
export interface InstanceInspection {
  readonly mapper: Mapper
  readonly status: ObjectStatus
  readonly transient: boolean
  readonly pending: boolean
  readonly persistent: boolean
  readonly deleted: boolean
  readonly detached: boolean
  /** The primary key of the row, once it exists. */
  readonly identity: readonly unknown[] | undefined
  /** Attributes loaded now. */
  readonly loaded: readonly string[]
  /** Attributes not loaded (expired or never loaded). */
  readonly unloaded: readonly string[]
  /** Column attributes whose value differs from the last load or flush. */
  readonly modifiedAttributes: readonly string[]
  /** True when any attribute was assigned since the last flush. */
  readonly modified: boolean
  /**
   * An attribute's history since the last load or flush (SQLAlchemy's `History`): values added,
   * unchanged and deleted (for a collection: its members).
   */
  history(key: string): AttributeHistory
}

/** What changed in one attribute. */
export interface AttributeHistory {
  readonly added: readonly unknown[]
  readonly unchanged: readonly unknown[]
  readonly deleted: readonly unknown[]
}

/**
 * The ORM state of a mapped object.
 *
 * ```ts
 * inspect(user).persistent        // true once flushed or loaded
 * inspect(user).modifiedAttributes // ['name']
 * ```
 */
export function inspect(obj: object): InstanceInspection {
  const state = stateOf(obj)
  if (state === undefined) throw new ArgumentError('inspect() takes an object of a mapped class')
  return inspection(state)
}

function inspection(state: InstanceState): InstanceInspection {
  const status = state.status
  const keys = state.mapper.attributeKeys()
  return {
    mapper: state.mapper,
    status,
    transient: status === 'transient',
    pending: status === 'pending',
    persistent: status === 'persistent',
    deleted: status === 'deleted',
    detached: status === 'detached',
    identity: state.identity,
    loaded: keys.filter((k) => k in state.dict),
    unloaded: keys.filter((k) => !(k in state.dict)),
    modifiedAttributes: state.changedKeys(),
    modified: state.modified,
    history: (key) => historyOf(state, key),
  }
}

function historyOf(state: InstanceState, key: string): AttributeHistory {
  const mapper = state.mapper
  if (!mapper.hasAttribute(key))
    throw new ArgumentError(
      `${mapper.name} has no attribute "${key}" (attributes: ${mapper.attributeKeys().join(', ')})`,
    )
  const none: AttributeHistory = { added: [], unchanged: [], deleted: [] }
  if (!(key in state.dict)) return none
  const current = state.dict[key]
  const rel = mapper.relationships.get(key)
  if (rel !== undefined && rel.direction !== 'many-to-one') {
    const now = Array.isArray(current) ? [...rawList(current)] : current === null ? [] : [current as object]
    const before = state.key === undefined ? [] : (state.collectionSnapshots.get(key) ?? now)
    return {
      added: now.filter((o) => !before.includes(o)),
      unchanged: now.filter((o) => before.includes(o)),
      deleted: before.filter((o) => !now.includes(o)),
    }
  }
  const hasBefore = state.committed.has(key)
  const before = state.committed.get(key)
  if (state.key === undefined)
    return { added: current === undefined ? [] : [current], unchanged: [], deleted: [] }
  if (
    !hasBefore ||
    (rel === undefined && sameValue(before, current)) ||
    (rel !== undefined && before === current)
  )
    return { added: [], unchanged: current === undefined ? [] : [current], deleted: [] }
  const gone = before === NOT_LOADED || before === null || before === undefined ? [] : [before]
  return { added: current === null && rel !== undefined ? [] : [current], unchanged: [], deleted: gone }
}
