/**
 * The order of a flush's rows (SQLAlchemy's unit-of-work sort, reduced): saves parents first,
 * deletes children first, rows of one table grouped where the order allows. Rows that refer to
 * each other (a cycle) are separated on a nullable foreign key, as SQLAlchemy's post_update does:
 * inserted as NULL and set by an UPDATE afterwards; set to NULL by an UPDATE before the DELETEs.
 * @module
 */
import { FlushError } from '../errors.js'
import type { ForeignKeyConstraint } from '../schema/constraints.js'
import type { Table } from '../schema/table.js'
import { stronglyConnectedComponents } from '../util/strongly-connected-components.js'
import { topologicalSort } from '../util/topological-sort.js'
import { type IdentityKey, mapperForTable } from './mapper.js'
import { rawList } from './raw-list.js'
import type { Relationship } from './relationship.js'
import type { PostUpdate, RowOp } from './row-ops.js'
import { type InstanceState, NOT_LOADED, stateOf } from './state.js'

/** The objects of a relationship attribute as currently loaded. */
export function currentMembers(state: InstanceState, rel: Relationship<any>): object[] {
  const v = state.dict[rel.key]
  if (rel.uselist) return v === undefined ? [] : [...rawList(v as object[])]
  return v === null || v === undefined ? [] : [v as object]
}

/** Tables in foreign key order (referenced first); a cycle keeps the order the tables come in. */
function tableRank(tables: readonly Table[]): Map<Table, number> {
  const { order } = topologicalSort(tables, (t) => t.dependencies)
  return new Map(order.map((t, i) => [t, i]))
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

/** Columns of `table` that can be set to NULL to drop a reference (nullable, not part of the key). */
export function nullableKey(table: Table, columns: readonly string[]): boolean {
  return columns.every((k) => {
    const c = table.columnByKey(k)
    return c.nullable && !c.primaryKey
  })
}

/**
 * True when `from` reaches `to` through foreign keys (only through `within`, when given): a
 * foreign key of `to` referring to `from` then closes a cycle between tables.
 */
export function reaches(from: Table, to: Table, within?: ReadonlySet<Table>): boolean {
  const seen = new Set<Table>([from])
  const queue = [from]
  for (let i = 0; i < queue.length; i++)
    for (const dep of queue[i]!.dependencies) {
      if (dep === to) return true
      if (seen.has(dep) || (within !== undefined && !within.has(dep))) continue
      seen.add(dep)
      queue.push(dep)
    }
  return false
}

/** A column's value as the database holds it (before unflushed changes), or NOT_LOADED. */
function storedValue(state: InstanceState, key: string): unknown {
  if (state.committed.has(key)) return state.committed.get(key)
  return key in state.dict ? state.dict[key] : NOT_LOADED
}

/** The rows a flush deletes, found by the key a foreign key holds. */
export class DeletedRows {
  readonly set: ReadonlySet<InstanceState>
  readonly tables: ReadonlySet<Table>
  readonly #byKey = new Map<IdentityKey, InstanceState>()

  constructor(states: readonly InstanceState[]) {
    this.set = new Set(states)
    this.tables = new Set(states.map((s) => s.mapper.table))
    for (const s of states) if (s.key !== undefined) this.#byKey.set(s.key, s)
  }

  /** The deleted row that `values` of `fk`'s columns refer to (a reference to a primary key), if any. */
  referred(fk: ForeignKeyConstraint, values: readonly unknown[]): InstanceState | undefined {
    const referred = fk.referred
    const table = referred[0]!.table as Table
    if (!this.tables.has(table)) return undefined
    const pk = table.primaryKey.columns
    if (pk.length !== referred.length) return undefined
    const ordered = pk.map((k) => values[referred.findIndex((c) => c.key === k)])
    const key = mapperForTable(table)?.identityKey(ordered)
    return key === undefined ? undefined : this.#byKey.get(key)
  }
}

/** A reference of a deleted row to another deleted row, through columns of the referring row. */
interface Ref {
  readonly to: InstanceState
  readonly columns: readonly string[]
  live: boolean
}

/** A row to be deleted whose foreign key is set to NULL first (SQLAlchemy's post_update before DELETE). */
export interface Unlink {
  readonly state: InstanceState
  readonly columns: readonly string[]
}

/**
 * The references between deleted rows: their foreign key values (as stored) and their loaded
 * relationships. A nullable foreign key of a cycle between tables whose value is not loaded is
 * cleared beforehand (`unlinks`): the row it points to may be deleted too.
 */
function referencesAmong(
  states: readonly InstanceState[],
  rows: DeletedRows,
  unlinks: Unlink[],
): Map<InstanceState, Ref[]> {
  const refs = new Map<InstanceState, Ref[]>(states.map((s) => [s, []]))
  const cleared = new Map<InstanceState, Set<string>>()
  const add = (from: InstanceState, to: InstanceState, columns: readonly string[]) => {
    const sig = columns.join()
    if (from === to || cleared.get(from)?.has(sig)) return
    const list = refs.get(from)!
    if (!list.some((r) => r.to === to && r.columns.join() === sig)) list.push({ to, columns, live: true })
  }
  for (const s of states) {
    const table = s.mapper.table
    for (const fk of table.foreignKeys) {
      const values = fk.columns.map((k) => storedValue(s, k))
      if (!values.includes(NOT_LOADED)) continue
      const target = fk.referred[0]!.table as Table
      if (target === table || !rows.tables.has(target) || !nullableKey(table, fk.columns)) continue
      if (!reaches(target, table, rows.tables)) continue
      unlinks.push({ state: s, columns: fk.columns })
      let set = cleared.get(s)
      if (set === undefined) cleared.set(s, (set = new Set()))
      set.add(fk.columns.join())
    }
  }
  for (const s of states) {
    for (const fk of s.mapper.table.foreignKeys) {
      const values = fk.columns.map((k) => storedValue(s, k))
      if (values.includes(NOT_LOADED)) continue
      const to = rows.referred(fk, values)
      if (to !== undefined) add(s, to, fk.columns)
    }
    for (const rel of s.mapper.relationshipList) {
      if (!(rel.key in s.dict)) continue
      if (rel.direction === 'many-to-one') {
        const p = stateOf(s.dict[rel.key])
        const local = rel.pairs.map((pair) => pair[0].key)
        if (p !== undefined && rows.set.has(p)) add(s, p, local)
      } else if (rel.direction === 'one-to-many') {
        const remote = rel.pairs.map((pair) => pair[1].key)
        for (const c of currentMembers(s, rel)) {
          const cs = stateOf(c)!
          if (rows.set.has(cs)) add(cs, s, remote)
        }
      }
    }
  }
  return refs
}

/**
 * Deletes: rows referencing other deleted rows first, tables in reverse foreign key order. Rows
 * that refer to each other (a cycle) are separated first: in each cycle the references of one
 * table through a nullable foreign key are set to NULL by an UPDATE before the DELETEs
 * (`unlinks`, SQLAlchemy's post_update). A cycle with no nullable key is left to the database.
 */
export function orderDeletes(states: InstanceState[]): { order: InstanceState[]; unlinks: Unlink[] } {
  const rank = tableRank([...new Set(states.map((s) => s.mapper.table))])
  const rows = new DeletedRows(states)
  const unlinks: Unlink[] = []
  const refs = referencesAmong(states, rows, unlinks)
  // a row waits until the rows referring to it are deleted
  const waiting = new Map<InstanceState, number>()
  for (const s of states) waiting.set(s, 0)
  for (const list of refs.values()) for (const r of list) waiting.set(r.to, waiting.get(r.to)! + 1)
  const release = (r: Ref) => {
    r.live = false
    waiting.set(r.to, waiting.get(r.to)! - 1)
  }
  const remaining = new Set(states)
  const out: InstanceState[] = []
  /** Clears the nullable side of each cycle among the remaining rows; false when none has one. */
  const breakCycles = (): boolean => {
    const live = new Map<InstanceState, Ref[]>()
    const next = new Map<InstanceState, InstanceState[]>()
    for (const s of remaining) {
      const list = refs.get(s)!.filter((r) => r.live && remaining.has(r.to))
      const targets = list.map((r) => r.to)
      live.set(s, list)
      next.set(s, targets)
    }
    let broke = false
    for (const cycle of stronglyConnectedComponents(next)) {
      if (cycle.length < 2) continue
      const members = new Set(cycle)
      const breakable = cycle.flatMap((s) =>
        live
          .get(s)!
          .filter((r) => members.has(r.to) && nullableKey(s.mapper.table, r.columns))
          .map((r) => [s, r] as const),
      )
      if (breakable.length === 0) continue
      const side = Math.min(...breakable.map(([s]) => rank.get(s.mapper.table)!))
      for (const [s, r] of breakable) {
        if (rank.get(s.mapper.table) !== side) continue
        release(r)
        unlinks.push({ state: s, columns: r.columns })
        broke = true
      }
    }
    return broke
  }
  while (remaining.size > 0) {
    let candidates = [...remaining].filter((s) => waiting.get(s) === 0)
    if (candidates.length === 0) {
      if (breakCycles()) continue
      candidates = [...remaining] // a cycle without a nullable key: the database decides
    }
    const best = Math.max(...candidates.map((c) => rank.get(c.mapper.table)!))
    for (const s of candidates) {
      if (rank.get(s.mapper.table) !== best) continue
      out.push(s)
      remaining.delete(s)
      for (const r of refs.get(s)!) if (r.live) release(r)
    }
  }
  // in the order the rows were given (cycles are found in no particular order)
  const at = new Map(states.map((s, i) => [s, i]))
  unlinks.sort((a, b) => at.get(a.state)! - at.get(b.state)!)
  return { order: out, unlinks }
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
