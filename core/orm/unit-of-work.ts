/**
 * The unit of work: from the session's pending, dirty and deleted objects to an ordered plan of
 * row operations (SQLAlchemy's unitofwork.py + persistence.py, reduced). Rows are ordered by
 * their dependencies (a child after the parent whose key it needs; deletes the other way round).
 * Rows that refer to each other (a cycle) are separated on a nullable foreign key, as SQLAlchemy's
 * post_update does: inserted as NULL and set afterwards; set to NULL before the DELETEs.
 * @module
 */
import { FlushError } from '../errors.js'
import type { Column } from '../schema/column.js'
import type { Table } from '../schema/table.js'
import {
  currentMembers,
  DeletedRows,
  groupByTable,
  nullableKey,
  orderDeletes,
  orderSaves,
  reaches,
  type Unlink,
} from './commit-order.js'
import { mapperForTable } from './mapper.js'
import type { Relationship } from './relationship.js'
import type { PostUpdate, RowOp, ValueSource } from './row-ops.js'
import { type InstanceState, NOT_LOADED, stateOf } from './state.js'
import type { IdentityLookup } from './unloaded.js'

export type { PostUpdate, RowOp, ValueSource } from './row-ops.js'

/** A row of a many-to-many association table to insert or delete. */
export interface SecondaryRow {
  readonly table: Table
  readonly values: Map<string, ValueSource>
  /** One association row, counted (false: every row of a deleted object, however many). */
  readonly exact: boolean
}

/** Everything one flush writes, in order. */
export interface FlushPlan {
  readonly secondaryDeletes: SecondaryRow[]
  /** Insert/update rows in dependency order, grouped by table where consecutive. */
  readonly saves: RowOp[][]
  readonly postUpdates: PostUpdate[]
  readonly secondaryInserts: SecondaryRow[]
  /** `UPDATE child SET fk = NULL WHERE fk = key` for deleted parents whose children are not loaded. */
  readonly dereferences: {
    readonly table: Table
    readonly columns: readonly string[]
    readonly key: readonly unknown[]
  }[]
  /**
   * `UPDATE t SET fk = NULL WHERE key IN (...)` before the deletes: rows to be deleted that refer
   * to each other in a cycle, cleared on the nullable side (SQLAlchemy's post_update), and rows
   * to be deleted whose nullable key of a cycle is not loaded. One entry per table and columns.
   */
  readonly unlinks: {
    readonly table: Table
    readonly columns: readonly string[]
    readonly keys: readonly (readonly unknown[])[]
  }[]
  /** Deletes, children first, grouped by table where consecutive. */
  readonly deletes: InstanceState[][]
  /** Every object the flush touches (their history is reset afterwards). */
  readonly touched: Set<InstanceState>
}

/** The objects a flush considers. */
export interface FlushInput {
  readonly pending: readonly InstanceState[]
  readonly persistent: readonly InstanceState[]
  readonly deleted: readonly InstanceState[]
}

/** True when the plan writes nothing. */
export function isEmptyPlan(plan: FlushPlan): boolean {
  return (
    plan.saves.length === 0 &&
    plan.deletes.length === 0 &&
    plan.secondaryInserts.length === 0 &&
    plan.secondaryDeletes.length === 0 &&
    plan.dereferences.length === 0 &&
    plan.unlinks.length === 0 &&
    plan.postUpdates.length === 0
  )
}

/** The value of `state`'s column `key` as it will be after the flush, or where it will come from. */
function sourceOf(state: InstanceState, key: string, ops: Map<InstanceState, RowOp>): ValueSource {
  const op = ops.get(state)
  if (op !== undefined) {
    if (op.syncs.has(key)) return op.syncs.get(key)!
    if (op.values.has(key)) return { value: op.values.get(key) }
    if (op.kind === 'insert') return { from: op, column: key }
  }
  const i = state.mapper.pkKeys.indexOf(key)
  if (i >= 0 && state.identity !== undefined) return { value: state.identity[i] }
  return { value: state.dict[key] ?? null }
}

/** Builds the plan. Pure: nothing is written to the objects until the flush succeeds. */
export function planFlush(input: FlushInput): FlushPlan {
  const deleted = new Set(input.deleted)
  const ops = new Map<InstanceState, RowOp>()
  const touched = new Set<InstanceState>()

  for (const state of input.pending) {
    if (deleted.has(state)) continue
    const values = new Map<string, unknown>()
    for (const col of state.mapper.columns) {
      if (col.key in state.dict) values.set(col.key, state.dict[col.key])
      else if (col.options.default !== undefined) values.set(col.key, col.defaultValue())
    }
    const version = state.mapper.versionColumn
    if (version !== undefined && (values.get(version.key) ?? null) === null) values.set(version.key, 1)
    ops.set(state, newOp('insert', state, values, undefined))
    touched.add(state)
  }
  for (const state of input.persistent) {
    if (deleted.has(state) || !state.modified) continue
    const values = new Map<string, unknown>()
    for (const key of state.changedKeys())
      if (state.mapper.columnSet.has(key)) values.set(key, state.dict[key])
    const pkBefore = state.identity
    ops.set(state, newOp('update', state, values, pkBefore))
    touched.add(state)
  }

  const secondaryInserts = new Map<string, SecondaryRow>()
  const secondaryDeletes = new Map<string, SecondaryRow>()
  const orphans = new Set<InstanceState>()
  const ensureUpdate = (state: InstanceState): RowOp | undefined => {
    if (deleted.has(state) || (state.key === undefined && !ops.has(state))) return ops.get(state)
    let op = ops.get(state)
    if (op === undefined) {
      op = newOp('update', state, new Map(), state.identity)
      ops.set(state, op)
      touched.add(state)
    }
    return op
  }
  const cannotLose = new Map<InstanceState, FlushError>()
  /** Sets the child's foreign key columns of `rel` from `parent` (or to NULL). */
  const syncForeignKey = (
    child: InstanceState,
    rel: Relationship<any>,
    parent: InstanceState | null,
    childIsLocal: boolean,
  ) => {
    const op = ensureUpdate(child)
    if (op === undefined) return
    for (const [a, b] of rel.pairs) {
      const childCol = childIsLocal ? a : b
      const parentCol = childIsLocal ? b : a
      if (parent === null) {
        if (op.kind === 'update' && childCol.primaryKey) continue
        if (!childCol.nullable) {
          // raised once the orphans are known: a child removed with delete-orphan is deleted instead
          if (!cannotLose.has(child))
            cannotLose.set(
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
        const src = sourceOf(parent, parentCol.key, ops)
        op.syncs.set(childCol.key, src)
        const parentOp = ops.get(parent)
        if (parentOp !== undefined && parentOp.kind === 'insert' && parentOp !== op) {
          op.deps.add(parentOp)
          op.syncDeps.set(childCol.key, parentOp)
        } else op.syncDeps.delete(childCol.key)
        if ('from' in src && src.from !== op) op.deps.add(src.from)
      }
    }
  }

  for (const state of [...input.pending, ...input.persistent]) {
    if (deleted.has(state)) continue
    const isNew = state.key === undefined
    for (const rel of state.mapper.relationshipList) {
      if (!(rel.key in state.dict)) continue
      if (rel.direction === 'many-to-one') {
        const changed = isNew || state.committed.has(rel.key)
        if (!changed) continue
        const target = stateOf(state.dict[rel.key])
        if (target !== undefined && deleted.has(target)) continue
        if (target === undefined && isNew) continue
        syncForeignKey(state, rel, target ?? null, true)
        continue
      }
      const current = currentMembers(state, rel)
      const before = isNew ? [] : (state.collectionSnapshots.get(rel.key) ?? current)
      const added = current.filter((o) => !before.includes(o))
      const removed = before.filter((o) => !current.includes(o))
      if (added.length > 0 || removed.length > 0) touched.add(state)
      if (rel.direction === 'one-to-many') {
        for (const child of added) {
          const cs = stateOf(child)!
          if (!deleted.has(cs)) syncForeignKey(cs, rel, state, false)
        }
        for (const child of removed) {
          const cs = stateOf(child)!
          if (deleted.has(cs)) continue
          const back = rel.backRelationship
          // moved to another parent: that parent's side writes the key
          if (
            back !== undefined &&
            cs.dict[back.key] !== undefined &&
            cs.dict[back.key] !== null &&
            cs.dict[back.key] !== state.obj
          )
            continue
          if (rel.cascade.has('delete-orphan')) orphans.add(cs)
          else syncForeignKey(cs, rel, null, false)
        }
      } else {
        for (const child of added) addSecondary(secondaryInserts, rel, state, stateOf(child)!, ops)
        for (const child of removed) addSecondary(secondaryDeletes, rel, state, stateOf(child)!, ops)
      }
    }
  }

  // deleted objects: orphans join them; children of deleted parents are nulled, deleted or left to the database
  const allDeleted = new Set([...deleted, ...[...orphans].filter((o) => o.key !== undefined)])
  for (const o of orphans) if (o.key === undefined) ops.delete(o)
  const dereferences: FlushPlan['dereferences'][number][] = []
  for (const state of allDeleted) {
    touched.add(state)
    ops.delete(state)
    for (const rel of state.mapper.relationshipList) {
      if (rel.direction === 'many-to-many') {
        const secondary = rel.secondary!
        const row: SecondaryRow = {
          table: secondary,
          exact: false,
          values: new Map(rel.pairs.map(([local, sec]) => [sec.key, { value: identityAt(state, local) }])),
        }
        secondaryDeletes.set(
          `*${secondary.name}:${rel.pairs.map(([l]) => String(identityAt(state, l))).join(',')}`,
          row,
        )
        continue
      }
      if (rel.direction !== 'one-to-many') continue
      if (rel.key in state.dict) {
        for (const child of currentMembers(state, rel)) {
          const cs = stateOf(child)!
          if (allDeleted.has(cs)) continue
          if (rel.options.passiveDeletes === true) continue
          syncForeignKey(cs, rel, null, false)
        }
      } else if (rel.options.passiveDeletes !== true && !rel.cascade.has('delete')) {
        dereferences.push({
          table: rel.target.table,
          columns: rel.pairs.map(([, fk]) => fk.key),
          key: rel.pairs.map(([pk]) => identityAt(state, pk)),
        })
      }
    }
  }
  for (const [state, err] of cannotLose) if (!allDeleted.has(state)) throw err
  // rows that stay but still refer to a deleted row through the nullable key of a cycle
  const flushed = [...input.pending, ...input.persistent]
  for (const { state, columns } of keptReferrers([...allDeleted], flushed, ops)) {
    const op = ensureUpdate(state)
    if (op === undefined) continue
    for (const col of columns) {
      op.syncs.set(col, { value: null })
      op.syncDeps.delete(col)
    }
  }
  for (const row of secondaryDeletes.values())
    for (const v of row.values.values()) if ('from' in v) row.values.clear()
  for (const [k, row] of secondaryDeletes) if (row.values.size === 0) secondaryDeletes.delete(k)

  // updates that change nothing are dropped
  for (const [state, op] of ops)
    if (op.kind === 'update' && op.values.size === 0 && op.syncs.size === 0 && !hasOnupdate(op))
      ops.delete(state)
    else if (op.kind === 'update') {
      addOnupdate(op)
      addVersion(op)
    }

  const { order, postUpdates } = orderSaves([...ops.values()])
  const deletes = orderDeletes([...allDeleted])
  return {
    secondaryDeletes: [...secondaryDeletes.values()],
    saves: groupByTable(order, (op) => op.mapper.table),
    postUpdates,
    secondaryInserts: [...secondaryInserts.values()],
    dereferences,
    unlinks: groupUnlinks(deletes.unlinks),
    deletes: groupByTable(deletes.order, (s) => s.mapper.table),
    touched,
  }
}

/** Unlinks by table and columns, each row once. */
function groupUnlinks(unlinks: readonly Unlink[]): FlushPlan['unlinks'] {
  const groups = new Map<string, { table: Table; columns: readonly string[]; states: Set<InstanceState> }>()
  for (const { state, columns } of unlinks) {
    const table = state.mapper.table
    const id = `${table.name}\u0000${columns.join()}`
    let g = groups.get(id)
    if (g === undefined) groups.set(id, (g = { table, columns, states: new Set() }))
    g.states.add(state)
  }
  return [...groups.values()].map((g) => ({
    table: g.table,
    columns: g.columns,
    keys: [...g.states].map((s) => s.identity!),
  }))
}

/**
 * Rows that stay but refer to a deleted row through a nullable foreign key of a cycle between
 * tables (rows that point to each other, SQLAlchemy's post_update): their key is set to NULL by
 * an UPDATE before the DELETE. Looked for among the flush's objects and the objects the deleted
 * rows refer to (loaded, or in the identity map). A foreign key with an ON DELETE action is left
 * to the database.
 */
function keptReferrers(
  deleted: readonly InstanceState[],
  flushed: readonly InstanceState[],
  ops: ReadonlyMap<InstanceState, RowOp>,
): Unlink[] {
  if (deleted.length === 0) return []
  const rows = new DeletedRows(deleted)
  const candidates = new Set<InstanceState>()
  const consider = (s: InstanceState | undefined, via: InstanceState) => {
    if (s === undefined || rows.set.has(s) || s.deletedFlushed) return
    if (s.session !== undefined && s.session === via.session) candidates.add(s)
  }
  for (const s of flushed) consider(s, s)
  for (const r of deleted) {
    for (const rel of r.mapper.relationshipList)
      if (rel.direction === 'many-to-one' && rel.key in r.dict) consider(stateOf(r.dict[rel.key]), r)
    const session = r.session as unknown as IdentityLookup | undefined
    if (session?.lookupIdentity === undefined) continue
    for (const fk of r.mapper.table.foreignKeys) {
      const table = fk.referred[0]!.table as Table
      const mapper = mapperForTable(table)
      if (mapper === undefined || table === r.mapper.table) continue
      const pk = table.primaryKey.columns
      const at = pk.map((k) => fk.referred.findIndex((c) => c.key === k))
      if (at.includes(-1) || pk.length !== fk.columns.length) continue
      const key = mapper.identityKey(at.map((i) => r.dict[fk.columns[i]!]))
      if (key !== undefined) consider(stateOf(session.lookupIdentity(key)), r)
    }
  }
  const out: Unlink[] = []
  for (const s of candidates) {
    const table = s.mapper.table
    for (const fk of table.foreignKeys) {
      const target = fk.referred[0]!.table as Table
      const action = fk.options.onDelete
      if (target === table || !rows.tables.has(target) || !nullableKey(table, fk.columns)) continue
      if ((action !== undefined && action !== 'NO ACTION') || !reaches(target, table)) continue
      // the value after this flush's saves (a key of a row inserted now names no deleted row)
      const op = ops.get(s)
      const values = fk.columns.map((k) => {
        const src = op?.syncs.get(k)
        if (src !== undefined) return 'value' in src ? src.value : null
        return k in s.dict ? s.dict[k] : NOT_LOADED
      })
      let refers: boolean
      if (!values.includes(NOT_LOADED)) refers = rows.referred(fk, values) !== undefined
      else
        refers = s.mapper.relationshipList.some(
          (rel) =>
            rel.direction === 'many-to-one' &&
            rel.key in s.dict &&
            rel.pairs.map(([local]) => local.key).join() === fk.columns.join() &&
            rows.set.has(stateOf(s.dict[rel.key])!),
        )
      if (refers) out.push({ state: s, columns: fk.columns })
    }
  }
  return out
}

function hasOnupdate(op: RowOp): boolean {
  return op.mapper.columns.some((c) => c.options.onupdate !== undefined)
}

function addOnupdate(op: RowOp): void {
  for (const c of op.mapper.columns)
    if (c.options.onupdate !== undefined && !op.values.has(c.key)) op.values.set(c.key, c.onupdateValue())
}

/** The version an object was loaded or last flushed with; undefined when it is not loaded. */
export function loadedVersion(state: InstanceState): unknown {
  const key = state.mapper.versionColumn!.key
  const v = state.committed.has(key) ? state.committed.get(key) : state.dict[key]
  return v === NOT_LOADED || v === null ? undefined : v
}

/** The version after `v`: 1 more, in the value's own number type. */
export function nextVersion(v: unknown): unknown {
  return typeof v === 'bigint' ? v + 1n : Number(v) + 1
}

/** An UPDATE of a versioned row counts the version up and checks the old one. */
function addVersion(op: RowOp): void {
  const version = op.mapper.versionColumn
  if (version === undefined) return
  const known = loadedVersion(op.state)
  if (known === undefined) op.values.delete(version.key)
  else op.values.set(version.key, nextVersion(known))
  op.version = { check: known }
}

function newOp(
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

function identityAt(state: InstanceState, col: Column<any, any>): unknown {
  const i = state.mapper.pkKeys.indexOf(col.key)
  return i >= 0 && state.identity !== undefined ? state.identity[i] : state.dict[col.key]
}

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
  into: Map<string, SecondaryRow>,
  rel: Relationship<any>,
  parent: InstanceState,
  child: InstanceState,
  ops: Map<InstanceState, RowOp>,
): void {
  const secondary = rel.secondary!
  const values = new Map<string, ValueSource>()
  const owners: string[] = []
  for (const [local, sec] of rel.pairs) {
    values.set(sec.key, sourceOf(parent, local.key, ops))
    owners.push(`${sec.key}=${idOf(parent)}`)
  }
  for (const [remote, sec] of rel.secondaryPairs) {
    values.set(sec.key, sourceOf(child, remote.key, ops))
    owners.push(`${sec.key}=${idOf(child)}`)
  }
  into.set(`${secondary.name}:${owners.sort().join(',')}`, { table: secondary, values, exact: true })
}

/** True when a column value is known now, without a result of this flush. */
export function resolveSource(src: ValueSource): unknown {
  if ('value' in src) return src.value
  const { from, column } = src
  if (from.generated.has(column)) return from.generated.get(column)
  if (from.syncs.has(column)) return resolveSource(from.syncs.get(column)!)
  if (from.values.has(column)) return from.values.get(column)
  return NOT_LOADED
}

/**
 * Inserts whose database-generated key other rows of this flush need (children, association
 * rows, post-updates). A one-shot batch cannot read a key back in time for them.
 */
export function keysNeededFirst(plan: FlushPlan): RowOp[] {
  const needed = new Set<RowOp>()
  const note = (src: ValueSource) => {
    if ('from' in src && !src.from.values.has(src.column) && src.from.kind === 'insert') needed.add(src.from)
  }
  for (const group of plan.saves) for (const op of group) for (const src of op.syncs.values()) note(src)
  for (const pu of plan.postUpdates) note(pu.source)
  for (const row of plan.secondaryInserts) for (const src of row.values.values()) note(src)
  return [...needed]
}
