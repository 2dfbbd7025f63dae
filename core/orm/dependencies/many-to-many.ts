/**
 * Many-to-many (SQLAlchemy's ManyToManyDP): neither row holds a key of the other; each pair is a
 * row of the association table, inserted when a member is added (after both rows exist) and
 * deleted when it is removed; a deleted object's association rows are deleted by its key.
 * @module
 */
import type { Relationship } from '../relationship.js'
import type { SecondaryRow, ValueSource } from '../row-ops.js'
import { type InstanceState, stateOf } from '../state.js'
import { type FlushContext, identityAt } from './flush-context.js'
import type { DependencyProcessor } from './processor.js'

/** The processor of many-to-many relationships (through a `secondary` table). */
export const manyToMany: DependencyProcessor = {
  save(ctx: FlushContext, state: InstanceState, rel: Relationship<any>, isNew: boolean): void {
    const { added, removed } = ctx.collectionChanges(state, rel, isNew)
    for (const child of added) addSecondary(ctx, ctx.secondaryInserts, rel, state, stateOf(child)!)
    for (const child of removed) addSecondary(ctx, ctx.secondaryDeletes, rel, state, stateOf(child)!)
  },
  delete(ctx: FlushContext, state: InstanceState, rel: Relationship<any>): void {
    const secondary = rel.secondary!
    const row: SecondaryRow = {
      table: secondary,
      exact: false,
      values: new Map(rel.pairs.map(([local, sec]) => [sec.key, { value: identityAt(state, local) }])),
    }
    ctx.secondaryDeletes.set(
      `*${secondary.name}:${rel.pairs.map(([l]) => String(identityAt(state, l))).join(',')}`,
      row,
    )
  },
  // the keys are in the association rows, not in this one
  referred(): undefined {
    return undefined
  },
}

/**
 * The association rows to delete that exist: a row whose key comes from a row inserted in this
 * flush was never written.
 */
export function existingAssociationRows(rows: ReadonlyMap<string, SecondaryRow>): SecondaryRow[] {
  return [...rows.values()].filter(
    (row) => row.values.size > 0 && ![...row.values.values()].some((v) => 'from' in v),
  )
}

// One id per object, so a pair's association row is noted once whichever side added it.
let pairIds = new WeakMap<InstanceState, number>()
let nextPairId = 0
function idOf(s: InstanceState): number {
  let id = pairIds.get(s)
  if (id === undefined) {
    id = ++nextPairId
    pairIds.set(s, id)
  }
  return id
}
/** @internal For tests: forget the association row ids. */
export function resetPairIds(): void {
  pairIds = new WeakMap()
}

function addSecondary(
  ctx: FlushContext,
  into: Map<string, SecondaryRow>,
  rel: Relationship<any>,
  parent: InstanceState,
  child: InstanceState,
): void {
  const secondary = rel.secondary!
  const values = new Map<string, ValueSource>()
  const owners: string[] = []
  for (const [local, sec] of rel.pairs) {
    values.set(sec.key, ctx.sourceOf(parent, local.key))
    owners.push(`${sec.key}=${idOf(parent)}`)
  }
  for (const [remote, sec] of rel.secondaryPairs) {
    values.set(sec.key, ctx.sourceOf(child, remote.key))
    owners.push(`${sec.key}=${idOf(child)}`)
  }
  into.set(`${secondary.name}:${owners.sort().join(',')}`, { table: secondary, values, exact: true })
}
