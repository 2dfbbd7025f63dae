/**
 * The unit of work: from the session's pending, dirty and deleted objects to an ordered plan of
 * row operations (SQLAlchemy's unitofwork.py + persistence.py, reduced). planFlush orchestrates:
 * one INSERT or UPDATE per object, then each loaded relationship's dependency processor
 * (dependencies/, one per direction) syncs foreign keys, adds association rows and says what a
 * delete does to linked rows; commit-order.ts orders the rows (a child after the parent whose key
 * it needs; deletes the other way round; a cycle separated on a nullable foreign key, as
 * SQLAlchemy's post_update). See docs/ARCHITECTURE.md, "A commit, through the unit of work".
 * @module
 */
import type { Table } from '../schema/table.js'
import {
  DeletedRows,
  groupByTable,
  nullableKey,
  orderDeletes,
  orderSaves,
  reaches,
  type Unlink,
} from './commit-order.js'
import { FlushContext, newOp } from './dependencies/flush-context.js'
import { existingAssociationRows } from './dependencies/many-to-many.js'
import { processorFor } from './dependencies/processors.js'
import { mapperForTable } from './mapper.js'
import type { Dereference, PostUpdate, RowOp, SecondaryRow, ValueSource } from './row-ops.js'
import { type InstanceState, NOT_LOADED, stateOf } from './state.js'
import type { IdentityLookup } from './unloaded.js'

export type { Dereference, PostUpdate, RowOp, SecondaryRow, ValueSource } from './row-ops.js'

/** Everything one flush writes, in order. */
export interface FlushPlan {
  readonly secondaryDeletes: SecondaryRow[]
  /** Insert/update rows in dependency order, grouped by table where consecutive. */
  readonly saves: RowOp[][]
  readonly postUpdates: PostUpdate[]
  readonly secondaryInserts: SecondaryRow[]
  /** `UPDATE child SET fk = NULL WHERE fk = key` for deleted parents whose children are not loaded. */
  readonly dereferences: Dereference[]
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

/** Builds the plan. Pure: nothing is written to the objects until the flush succeeds. */
export function planFlush(input: FlushInput): FlushPlan {
  const ctx = new FlushContext(new Set(input.deleted))
  addRowOps(ctx, input)

  // what each saved object's loaded relationships write, by their direction's processor
  const saved = [...input.pending, ...input.persistent]
  for (const state of saved) {
    if (ctx.deleted.has(state)) continue
    const isNew = state.key === undefined
    for (const rel of state.mapper.relationshipList)
      if (rel.key in state.dict) processorFor(rel).save(ctx, state, rel, isNew)
  }

  // deleted objects: orphans join them; children of deleted parents are nulled, deleted or left to the database
  const deleting = new Set([...ctx.deleted, ...[...ctx.orphans].filter((o) => o.key !== undefined)])
  for (const o of ctx.orphans) if (o.key === undefined) ctx.ops.delete(o)
  for (const state of deleting) {
    ctx.touched.add(state)
    ctx.ops.delete(state)
    for (const rel of state.mapper.relationshipList) processorFor(rel).delete(ctx, state, rel, deleting)
  }
  for (const [state, err] of ctx.cannotLose) if (!deleting.has(state)) throw err
  // rows that stay but still refer to a deleted row through the nullable key of a cycle
  for (const { state, columns } of keptReferrers([...deleting], saved, ctx.ops)) {
    const op = ctx.ensureUpdate(state)
    if (op === undefined) continue
    for (const col of columns) {
      op.syncs.set(col, { value: null })
      op.syncDeps.delete(col)
    }
  }
  finishUpdates(ctx.ops)

  const { order, postUpdates } = orderSaves([...ctx.ops.values()])
  const deletes = orderDeletes([...deleting])
  return {
    secondaryDeletes: existingAssociationRows(ctx.secondaryDeletes),
    saves: groupByTable(order, (op) => op.mapper.table),
    postUpdates,
    secondaryInserts: [...ctx.secondaryInserts.values()],
    dereferences: ctx.dereferences,
    unlinks: groupUnlinks(deletes.unlinks),
    deletes: groupByTable(deletes.order, (s) => s.mapper.table),
    touched: ctx.touched,
  }
}

/** One INSERT per new object (every value to send, defaults filled) and one UPDATE per changed one. */
function addRowOps(ctx: FlushContext, input: FlushInput): void {
  for (const state of input.pending) {
    if (ctx.deleted.has(state)) continue
    const values = new Map<string, unknown>()
    for (const col of state.mapper.columns) {
      if (col.key in state.dict) values.set(col.key, state.dict[col.key])
      else if (col.options.default !== undefined) values.set(col.key, col.defaultValue())
    }
    const version = state.mapper.versionColumn
    if (version !== undefined && (values.get(version.key) ?? null) === null) values.set(version.key, 1)
    ctx.ops.set(state, newOp('insert', state, values, undefined))
    ctx.touched.add(state)
  }
  for (const state of input.persistent) {
    if (ctx.deleted.has(state) || !state.modified) continue
    const values = new Map<string, unknown>()
    for (const key of state.changedKeys())
      if (state.mapper.columnSet.has(key)) values.set(key, state.dict[key])
    ctx.ops.set(state, newOp('update', state, values, state.identity))
    ctx.touched.add(state)
  }
}

/** Drops the UPDATEs that change nothing; the others get their onupdate values and version. */
function finishUpdates(ops: Map<InstanceState, RowOp>): void {
  for (const [state, op] of ops)
    if (op.kind === 'update' && op.values.size === 0 && op.syncs.size === 0 && !hasOnupdate(op))
      ops.delete(state)
    else if (op.kind === 'update') {
      addOnupdate(op)
      addVersion(op)
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
    for (const rel of r.mapper.relationshipList) consider(processorFor(rel).referred(r, rel), r)
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
        refers = s.mapper.relationshipList.some((rel) => {
          const target = processorFor(rel).referred(s, rel)
          return (
            target !== undefined &&
            rel.pairs.map(([local]) => local.key).join() === fk.columns.join() &&
            rows.set.has(target)
          )
        })
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
