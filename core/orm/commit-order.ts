/**
 * The order of a flush's rows (SQLAlchemy's unit-of-work sort, reduced): saves parents first,
 * deletes children first, rows of one table grouped where the order allows; a cycle of saves is
 * broken on a nullable foreign key, set by an UPDATE afterwards.
 * @module
 */
import { FlushError } from '../errors.js'
import type { Table } from '../schema/table.js'
import { rawList } from './collections.js'
import type { Relationship } from './relationship.js'
import { type InstanceState, stateOf } from './state.js'
import type { PostUpdate, RowOp } from './unit-of-work.js'

/** The objects of a relationship attribute as currently loaded. */
export function currentMembers(state: InstanceState, rel: Relationship<any>): object[] {
  const v = state.dict[rel.key]
  if (rel.uselist) return v === undefined ? [] : [...rawList(v as object[])]
  return v === null || v === undefined ? [] : [v as object]
}

/** Tables in foreign key order (referenced first); cycles keep declaration order. */
function tableRank(tables: readonly Table[]): Map<Table, number> {
  const rank = new Map<Table, number>()
  const visiting = new Set<Table>()
  let n = 0
  const visit = (t: Table) => {
    if (rank.has(t) || visiting.has(t)) return
    visiting.add(t)
    for (const dep of t.dependencies) if (tables.includes(dep)) visit(dep)
    visiting.delete(t)
    rank.set(t, n++)
  }
  for (const t of tables) visit(t)
  return rank
}

/** Kahn's algorithm over rows, preferring the lowest-ranked table so its rows group together. */
export function orderSaves(ops: RowOp[]): { order: RowOp[]; postUpdates: PostUpdate[] } {
  const rank = tableRank([...new Set(ops.map((o) => o.mapper.table))])
  const remaining = new Set(ops)
  const done = new Set<RowOp>()
  const order: RowOp[] = []
  const postUpdates: PostUpdate[] = []
  const ready = (op: RowOp) => {
    for (const d of op.deps) if (!done.has(d) && remaining.has(d)) return false
    return true
  }
  while (remaining.size > 0) {
    const candidates = [...remaining].filter(ready)
    if (candidates.length === 0) {
      // a cycle: insert one row with a nullable foreign key as NULL and set it afterwards
      const nullableDep = (op: RowOp, col: string, dep: RowOp) =>
        remaining.has(dep) && op.mapper.table.columnByKey(col).nullable
      const breakable = [...remaining].find((op) =>
        [...op.syncDeps].some(([col, dep]) => nullableDep(op, col, dep)),
      )
      if (breakable === undefined)
        throw new FlushError(
          `Circular dependency between rows of ${[...new Set([...remaining].map((o) => o.mapper.name))].join(', ')} with no nullable foreign key to break it`,
        )
      for (const [col, dep] of [...breakable.syncDeps]) {
        if (!nullableDep(breakable, col, dep)) continue
        postUpdates.push({ op: breakable, column: col, source: breakable.syncs.get(col)! })
        breakable.syncs.set(col, { value: null })
        breakable.syncDeps.delete(col)
        if (![...breakable.syncDeps.values()].includes(dep)) breakable.deps.delete(dep)
      }
      continue
    }
    const best = Math.min(...candidates.map((c) => rank.get(c.mapper.table)!))
    for (const op of candidates) {
      if (rank.get(op.mapper.table) !== best) continue
      order.push(op)
      done.add(op)
      remaining.delete(op)
    }
  }
  return { order, postUpdates }
}

/** Deletes: rows referencing other deleted rows first, tables in reverse foreign key order. */
export function orderDeletes(states: InstanceState[]): InstanceState[] {
  const rank = tableRank([...new Set(states.map((s) => s.mapper.table))])
  const set = new Set(states)
  const parentsOf = new Map<InstanceState, InstanceState[]>()
  for (const s of states) {
    const parents: InstanceState[] = []
    for (const rel of s.mapper.relationshipList) {
      if (!(rel.key in s.dict)) continue
      if (rel.direction === 'many-to-one') {
        const p = stateOf(s.dict[rel.key])
        if (p !== undefined && set.has(p) && p !== s) parents.push(p)
      }
    }
    parentsOf.set(s, parents)
  }
  for (const s of states)
    for (const rel of s.mapper.relationshipList)
      if (rel.direction === 'one-to-many' && rel.key in s.dict)
        for (const c of currentMembers(s, rel)) {
          const cs = stateOf(c)!
          if (set.has(cs) && cs !== s && !parentsOf.get(cs)!.includes(s)) parentsOf.get(cs)!.push(s)
        }
  // a parent waits until its children are deleted
  const waiting = new Map<InstanceState, number>()
  for (const s of states) waiting.set(s, 0)
  for (const s of states) for (const p of parentsOf.get(s)!) waiting.set(p, waiting.get(p)! + 1)
  const remaining = new Set(states)
  const out: InstanceState[] = []
  while (remaining.size > 0) {
    let candidates = [...remaining].filter((s) => waiting.get(s) === 0)
    if (candidates.length === 0) candidates = [...remaining] // a cycle: the database decides
    const best = Math.max(...candidates.map((c) => rank.get(c.mapper.table)!))
    for (const s of candidates) {
      if (rank.get(s.mapper.table) !== best) continue
      out.push(s)
      remaining.delete(s)
      for (const p of parentsOf.get(s)!) waiting.set(p, waiting.get(p)! - 1)
    }
  }
  return out
}

export function groupByTable<T>(items: readonly T[], tableOf: (item: T) => Table): T[][] {
  const groups: T[][] = []
  for (const item of items) {
    const last = groups.at(-1)
    if (last !== undefined && tableOf(last[0]!) === tableOf(item)) last.push(item)
    else groups.push([item])
  }
  return groups
}
