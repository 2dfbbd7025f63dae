/**
 * One-to-many (SQLAlchemy's OneToManyDP): the foreign key is in the children's rows. Children
 * added get the parent's key (after the parent, when it is inserted now); children removed are
 * set to NULL or, with delete-orphan, deleted; a deleted parent's children are set to NULL,
 * loaded ones through their UPDATE, unloaded ones by key (unless the database or a delete
 * cascade takes care of them).
 * @module
 */
import { currentMembers } from '../commit-order.js'
import type { Relationship } from '../relationship.js'
import { type InstanceState, stateOf } from '../state.js'
import { type FlushContext, identityAt } from './flush-context.js'
import type { DependencyProcessor } from './processor.js'

/** The processor of one-to-many relationships (and one-to-one with the key on the other side). */
export const oneToMany: DependencyProcessor = {
  save(ctx: FlushContext, state: InstanceState, rel: Relationship<any>, isNew: boolean): void {
    const { added, removed } = ctx.collectionChanges(state, rel, isNew)
    for (const child of added) {
      const cs = stateOf(child)!
      if (!ctx.deleted.has(cs)) ctx.syncForeignKey(cs, rel, state, false)
    }
    for (const child of removed) {
      const cs = stateOf(child)!
      if (ctx.deleted.has(cs)) continue
      const back = rel.backRelationship
      // moved to another parent: that parent's side writes the key
      if (
        back !== undefined &&
        cs.dict[back.key] !== undefined &&
        cs.dict[back.key] !== null &&
        cs.dict[back.key] !== state.obj
      )
        continue
      if (rel.cascade.has('delete-orphan')) ctx.orphans.add(cs)
      else ctx.syncForeignKey(cs, rel, null, false)
    }
  },
  delete(
    ctx: FlushContext,
    state: InstanceState,
    rel: Relationship<any>,
    deleting: ReadonlySet<InstanceState>,
  ): void {
    if (rel.key in state.dict) {
      for (const child of currentMembers(state, rel)) {
        const cs = stateOf(child)!
        if (deleting.has(cs)) continue
        if (rel.options.passiveDeletes === true) continue
        ctx.syncForeignKey(cs, rel, null, false)
      }
    } else if (rel.options.passiveDeletes !== true && !rel.cascade.has('delete')) {
      ctx.dereferences.push({
        table: rel.target.table,
        columns: rel.pairs.map(([, fk]) => fk.key),
        key: rel.pairs.map(([pk]) => identityAt(state, pk)),
      })
    }
  },
  // the key is in the children's rows, not in this one
  referred(): undefined {
    return undefined
  },
}
