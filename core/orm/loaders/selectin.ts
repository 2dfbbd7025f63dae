/**
 * `selectinload`: a relationship of many parents loads with one more SELECT per chunk of keys
 * (`IN` lists sized to the adapter's parameter limit), after the parents' rows. Joined and JSON
 * loads fall back to it for parents their rows did not fill (objects found in the identity map).
 * @module
 */
import type { Column } from '../../schema/column.js'
import { and, or } from '../../sql/constructors.js'
import type { ColumnElement } from '../../sql/elements.js'
import { type Select, select } from '../../sql/select.js'
import { instrumentedList } from '../collections.js'
import type { LoadTree } from '../load-tree.js'
import type { IdentityKey } from '../mapper.js'
import type { Relationship } from '../relationship.js'
import { type InstanceState, stateOf } from '../state.js'
import type { AfterRows, LoadStrategy } from './load-strategy.js'

function keyText(values: readonly unknown[]): string {
  return values
    .map((v) => (typeof v === 'bigint' || typeof v === 'number' ? `n${v}` : `s${String(v)}`))
    .join('\u0000')
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `cols IN (keys)`, or an OR of ANDs for composite keys. */
function keysIn(
  cols: readonly Column<any, any>[],
  keys: readonly (readonly unknown[])[],
): ColumnElement<boolean> {
  if (cols.length === 1) return cols[0]!.in(keys.map((k) => k[0]) as never[])
  return or(...keys.map((k) => and(...cols.map((c, i) => c.eq(k[i] as never)))))!
}

function valueAt(state: InstanceState, col: Column<any, any>): unknown {
  const i = state.mapper.pkKeys.indexOf(col.key)
  if (i >= 0 && state.identity !== undefined) return state.identity[i]
  return state.dict[col.key]
}

/**
 * Loads `rel` for `parents` (those that have it unloaded, or all with `populateExisting`) and
 * returns the related objects' states. `tree` holds the options of the related class; `path` is
 * the way this load came (for the related class's own defaults).
 */
export async function loadRelated(
  run: AfterRows,
  parents: readonly InstanceState[],
  rel: Relationship<any>,
  populateExisting: boolean,
  tree: LoadTree,
  path: readonly Relationship<any>[],
): Promise<InstanceState[]> {
  const host = run.host
  const todo = [...new Set(parents)].filter((p) => populateExisting || !(rel.key in p.dict))
  if (todo.length === 0) return []
  const target = rel.target
  const related: InstanceState[] = []
  if (rel.direction === 'many-to-one') {
    const fkCols = target.pkKeys.map((k) => rel.pairs.find(([, r]) => r.key === k)?.[0])
    const keyOf = (p: InstanceState) => fkCols.map((c) => (c === undefined ? undefined : p.dict[c.key]))
    const missing = new Map<IdentityKey, unknown[]>()
    for (const p of todo) {
      const k = keyOf(p)
      const idKey = target.identityKey(k)
      if (idKey !== undefined && (populateExisting || host.lookupState(idKey) === undefined))
        missing.set(idKey, k)
    }
    const queried = new Set<InstanceState>()
    const per = Math.max(1, Math.floor(host.maxParams / target.pkKeys.length))
    for (const chunk of chunks([...missing.values()], per)) {
      const stmt = select(target.cls as never).where(keysIn(target.pkColumns, chunk))
      for (const row of await run.select(stmt, rel, tree, path, populateExisting))
        if (row[0] !== null) queried.add(stateOf(row[0])!)
    }
    for (const p of todo) {
      const idKey = target.identityKey(keyOf(p))
      const st = idKey === undefined ? undefined : host.lookupState(idKey)
      p.dict[rel.key] = st?.obj ?? null
      p.committed.delete(rel.key)
      if (st !== undefined) related.push(st)
    }
    // objects already in the identity map were not queried: the options below still apply
    const found = [...new Set(related)].filter((s) => !queried.has(s))
    if (found.length > 0) await run.after(found, target, tree, path, populateExisting)
    return related
  }
  const localCols = rel.pairs.map(([local]) => local)
  const parentKeys = new Map<string, unknown[]>()
  for (const p of todo) {
    const k = localCols.map((c) => valueAt(p, c))
    if (!k.includes(null) && !k.includes(undefined)) parentKeys.set(keyText(k), k)
  }
  const groups = new Map<string, object[]>()
  const per = Math.max(1, Math.floor(host.maxParams / localCols.length))
  for (const chunk of chunks([...parentKeys.values()], per)) {
    let stmt: Select
    let keyWidth: number
    if (rel.direction === 'one-to-many') {
      const fkCols = rel.pairs.map(([, fk]) => fk)
      stmt = select(target.cls as never, ...fkCols).where(keysIn(fkCols, chunk))
      keyWidth = fkCols.length
    } else {
      const secondary = rel.secondary!
      const secLocal = rel.pairs.map(([, sec]) => sec)
      const on = and(...rel.secondaryPairs.map(([tcol, sec]) => tcol.eq(sec as never)))!
      stmt = select(target.cls as never, ...secLocal)
        .join(secondary, on)
        .where(keysIn(secLocal, chunk))
      keyWidth = secLocal.length
    }
    stmt = stmt.orderBy(...rel.orderBy, ...target.pkColumns)
    for (const v of await run.select(stmt, rel, tree, path, populateExisting)) {
      const obj = v[0] as object
      const k = keyText(v.slice(1, 1 + keyWidth))
      const list = groups.get(k)
      if (list) list.push(obj)
      else groups.set(k, [obj])
    }
  }
  for (const p of todo) {
    const k = localCols.map((c) => valueAt(p, c))
    const members = groups.get(keyText(k)) ?? []
    p.dict[rel.key] = rel.uselist ? instrumentedList(p, rel, [...members]) : (members[0] ?? null)
    p.committed.delete(rel.key)
    p.snapshotCollection(rel)
    for (const m of members) related.push(stateOf(m)!)
  }
  return related
}

/** The after-rows stage of a joined or JSON load: a select-in load of the parents the rows did not fill. */
export async function loadUnfilled(
  run: AfterRows,
  states: readonly InstanceState[],
  rel: Relationship<any>,
  tree: LoadTree,
  path: readonly Relationship<any>[],
): Promise<void> {
  const todo = states.filter((s) => !(rel.key in s.dict))
  if (todo.length > 0) await loadRelated(run, todo, rel, false, tree, path)
}

/** One more SELECT ... IN per relationship and level, after the parents' rows. */
export const selectin: LoadStrategy = Object.freeze({
  name: 'selectin',
  optionName: 'selectinload',
  loads: true,
  async afterRows(run, states, rel, tree, path) {
    if (states.length > 0) await loadRelated(run, states, rel, run.populateExisting, tree, path)
  },
} satisfies LoadStrategy)
