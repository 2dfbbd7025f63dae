/**
 * The plan of one flush while it is built (SQLAlchemy's UOWTransaction, reduced): the row
 * operation of each object, the association rows, the orphans and dereferences, and the moves
 * the dependency processors share: make an UPDATE for an object, sync a foreign key from its
 * parent (which orders the child after a parent inserted now). planFlush (unit-of-work.ts) makes
 * one per flush; see docs/ARCHITECTURE.md, "A commit, through the unit of work".
 * @module
 */
import { FlushError } from '../../errors.js'
import type { Column } from '../../schema/column.js'
import { currentMembers } from '../commit-order.js'
import type { Relationship } from '../relationship.js'
import type { Dereference, RowOp, SecondaryRow, ValueSource } from '../row-ops.js'
import type { InstanceState } from '../state.js'

/** The plan under construction, shared by the planner and the dependency processors. */
export class FlushContext {
  /** The INSERT or UPDATE of each object, in the order they were made. */
  readonly ops: Map<InstanceState, RowOp> = new Map()
  /** Every object the flush touches (their history is reset afterwards). */
  readonly touched: Set<InstanceState> = new Set()
  /** Association rows to insert, one per pair of objects. */
  readonly secondaryInserts: Map<string, SecondaryRow> = new Map()
  /** Association rows to delete: one per pair removed, or every row of a deleted object. */
  readonly secondaryDeletes: Map<string, SecondaryRow> = new Map()
  /** Children removed from a delete-orphan collection: deleted with the flush. */
  readonly orphans: Set<InstanceState> = new Set()
  /** Deleted parents' children that are not loaded, set to NULL by key. */
  readonly dereferences: Dereference[] = []
  /**
   * Children that would lose a NOT NULL parent: the error is raised once the orphans are known,
   * since a child removed with delete-orphan is deleted instead.
   */
  readonly cannotLose: Map<InstanceState, FlushError> = new Map()

  constructor(
    /** The objects the session deletes (orphans are not among them). */
    readonly deleted: ReadonlySet<InstanceState>,
  ) {}

  /** The object's UPDATE, made empty when it has none; undefined for an object that is not saved. */
  ensureUpdate(state: InstanceState): RowOp | undefined {
    if (this.deleted.has(state) || (state.key === undefined && !this.ops.has(state)))
      return this.ops.get(state)
    let op = this.ops.get(state)
    if (op === undefined) {
      op = newOp('update', state, new Map(), state.identity)
      this.ops.set(state, op)
      this.touched.add(state)
    }
    return op
  }

  /** The value of `state`'s column `key` as it will be after the flush, or where it will come from. */
  sourceOf(state: InstanceState, key: string): ValueSource {
    const op = this.ops.get(state)
    if (op !== undefined) {
      if (op.syncs.has(key)) return op.syncs.get(key)!
      if (op.values.has(key)) return { value: op.values.get(key) }
      if (op.kind === 'insert') return { from: op, column: key }
    }
    const i = state.mapper.pkKeys.indexOf(key)
    if (i >= 0 && state.identity !== undefined) return { value: state.identity[i] }
    return { value: state.dict[key] ?? null }
  }

  /**
   * Sets the child's foreign key columns of `rel` from `parent` (or to NULL); a parent inserted
   * in this flush orders the child after it. `childIsLocal`: the key columns are `rel`'s local
   * side (many-to-one), else its remote side (one-to-many).
   */
  syncForeignKey(
    child: InstanceState,
    rel: Relationship<any>,
    parent: InstanceState | null,
    childIsLocal: boolean,
  ): void {
    const op = this.ensureUpdate(child)
    if (op === undefined) return
    for (const [a, b] of rel.pairs) {
      const childCol = childIsLocal ? a : b
      const parentCol = childIsLocal ? b : a
      if (parent === null) {
        if (op.kind === 'update' && childCol.primaryKey) continue
        if (!childCol.nullable) {
          if (!this.cannotLose.has(child))
            this.cannotLose.set(
              child,
              new FlushError(
                `${child.mapper.name}.${childCol.key} is NOT NULL, so this ${child.mapper.name} cannot lose its ` +
                  `${rel.parent === child.mapper ? rel.target.name : rel.parent.name}: delete it too (cascade: 'all, delete-orphan' on ${rel}) or give it another`,
              ),
            )
          continue
        }
        op.syncs.set(childCol.key, { value: null })
      } else {
        const src = this.sourceOf(parent, parentCol.key)
        op.syncs.set(childCol.key, src)
        const parentOp = this.ops.get(parent)
        if (parentOp !== undefined && parentOp.kind === 'insert' && parentOp !== op) {
          op.deps.add(parentOp)
          op.syncDeps.set(childCol.key, parentOp)
        } else op.syncDeps.delete(childCol.key)
        if ('from' in src && src.from !== op) op.deps.add(src.from)
      }
    }
  }

  /**
   * The members a collection (or one-to-one) of a saved object gained and lost since it was
   * loaded or last flushed (everything is gained for a new object); a change touches the object.
   */
  collectionChanges(
    state: InstanceState,
    rel: Relationship<any>,
    isNew: boolean,
  ): { added: object[]; removed: object[] } {
    const current = currentMembers(state, rel)
    const before = isNew ? [] : (state.collectionSnapshots.get(rel.key) ?? current)
    const added = current.filter((o) => !before.includes(o))
    const removed = before.filter((o) => !current.includes(o))
    if (added.length > 0 || removed.length > 0) this.touched.add(state)
    return { added, removed }
  }
}

/** A row operation with nothing synced and no dependency yet. */
export function newOp(
  kind: RowOp['kind'],
  state: InstanceState,
  values: Map<string, unknown>,
  whereKey: readonly unknown[] | undefined,
): RowOp {
  return {
    kind,
    state,
    mapper: state.mapper,
    values,
    syncs: new Map(),
    generated: new Map(),
    deps: new Set(),
    syncDeps: new Map(),
    whereKey,
  }
}

/** The value of a key column of `state` as its row holds it now (the identity, for a primary key). */
export function identityAt(state: InstanceState, col: Column<any, any>): unknown {
  const i = state.mapper.pkKeys.indexOf(col.key)
  return i >= 0 && state.identity !== undefined ? state.identity[i] : state.dict[col.key]
}
