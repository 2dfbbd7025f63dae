/**
 * Many-to-one (SQLAlchemy's ManyToOneDP): the foreign key is in the object's own row, so a
 * changed reference syncs the object's key from its parent, after a parent inserted now.
 * @module
 */
import type { Relationship } from '../relationship.js'
import { type InstanceState, stateOf } from '../state.js'
import type { FlushContext } from './flush-context.js'
import type { DependencyProcessor } from './processor.js'

/** The processor of many-to-one relationships. */
export const manyToOne: DependencyProcessor = {
  save(ctx: FlushContext, state: InstanceState, rel: Relationship<any>, isNew: boolean): void {
    const changed = isNew || state.committed.has(rel.key)
    if (!changed) return
    const target = stateOf(state.dict[rel.key])
    // a parent deleted in this flush: the delete side nulls or deletes this row
    if (target !== undefined && ctx.deleted.has(target)) return
    if (target === undefined && isNew) return
    ctx.syncForeignKey(state, rel, target ?? null, true)
  },
  // the row and its foreign key go together: nothing else to write
  delete(): void {},
  referred(state: InstanceState, rel: Relationship<any>): InstanceState | undefined {
    return rel.key in state.dict ? stateOf(state.dict[rel.key]) : undefined
  },
}
