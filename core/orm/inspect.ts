/**
 * `inspect(obj)`: an object's ORM state (lifecycle, identity, changed attributes).
 * @module
 */
import { ArgumentError } from '../errors.js'
import type { Mapper } from './mapper.js'
import { type InstanceState, type ObjectStatus, stateOf } from './state.js'

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
  }
}
