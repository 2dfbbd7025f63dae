/**
 * What one relationship direction contributes to a flush (SQLAlchemy's DependencyProcessor of
 * orm/dependency.py, reduced): which rows depend on which, the foreign keys synced from a
 * parent, association rows, and what a delete does to the rows the relationship links.
 * processors.ts picks one per direction; see docs/ARCHITECTURE.md, "A commit".
 * @module
 */
import type { Relationship } from '../relationship.js'
import type { InstanceState } from '../state.js'
import type { FlushContext } from './flush-context.js'

/** One relationship direction's part in a flush plan. */
export interface DependencyProcessor {
  /**
   * A saved object's loaded relationship `rel`: sync the foreign keys its change sets (ordering
   * children after parents inserted now), note orphans, add or remove association rows.
   */
  save(ctx: FlushContext, state: InstanceState, rel: Relationship<any>, isNew: boolean): void
  /**
   * A deleted object's relationship `rel`: what happens to the rows it links (children set to
   * NULL, loaded or by key; association rows deleted). `deleting`: every row the flush deletes.
   */
  delete(
    ctx: FlushContext,
    state: InstanceState,
    rel: Relationship<any>,
    deleting: ReadonlySet<InstanceState>,
  ): void
  /** The loaded object `state`'s own row refers to through `rel`'s foreign key, if any. */
  referred(state: InstanceState, rel: Relationship<any>): InstanceState | undefined
}
