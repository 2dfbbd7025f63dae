/**
 * `session.delete(obj)`: marks the object deleted and follows its relationships' `delete`
 * cascades, loading the related objects that are not loaded yet (the only reason it is async).
 * @module
 */

import { loadRelationship } from './orm-execute.js'
import type { QueryHost } from './query.js'
import { rawList } from './raw-list.js'
import type { Relationship } from './relationship.js'
import type { SessionObjects } from './session-objects.js'
import { type InstanceState, stateOf } from './state.js'

/** Marks `state` deleted, then each object its `delete` cascades reach (pending ones are expunged). */
export async function cascadeDelete(
  host: QueryHost,
  objects: SessionObjects,
  state: InstanceState,
  seen: Set<InstanceState> = new Set(),
): Promise<void> {
  if (seen.has(state)) return
  seen.add(state)
  if (!state.markedDeleted) {
    state.markedDeleted = true
    objects.deleted.add(state)
    for (const f of objects.frames) f.deleted.add(state)
  }
  for (const rel of state.mapper.relationshipList) {
    if (!rel.cascade.has('delete')) {
      // children whose NOT NULL key cannot be blanked by one UPDATE: load them, so the flush
      // nulls (and refuses) each one, or finds none
      const mustLoad =
        rel.direction === 'one-to-many' &&
        rel.options.passiveDeletes !== true &&
        !(rel.key in state.dict) &&
        rel.pairs.some(([, fk]) => !fk.nullable)
      if (mustLoad) await loadRelationship(host, [state], rel, false)
      continue
    }
    if (!(rel.key in state.dict)) {
      if (rel.options.passiveDeletes === true && rel.direction === 'one-to-many') continue
      await loadRelationship(host, [state], rel, false)
    }
    for (const o of members(state, rel)) {
      const s = stateOf(o)!
      if (s.key !== undefined) await cascadeDelete(host, objects, s, seen)
      else objects.forget(s)
    }
  }
}

function members(state: InstanceState, rel: Relationship<any>): object[] {
  const v = state.dict[rel.key]
  if (v === undefined || v === null) return []
  return Array.isArray(v) ? [...rawList(v)] : [v as object]
}
