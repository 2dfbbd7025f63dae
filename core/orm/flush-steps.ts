/**
 * The statements of a flush plan: multi-row INSERTs per table, UPDATEs of changed columns (with
 * the version check of a versioned row), grouped DELETEs, all chunked to the adapter's parameter
 * limit. Each is a {@link Step}: the bound statement, how many rows it must match, and what to do
 * with its result.
 * @module
 */
import type { Dialect } from '../dialects/dialect.js'
import type { AdapterCapabilities, RawResult, Statement } from '../engine/adapter.js'
import { prepare } from '../engine/execution.js'
import { InvalidRequestError } from '../errors.js'
import type { Column } from '../schema/column.js'
import type { Table } from '../schema/table.js'
import type { CompiledTemplate } from '../sql/compiled.js'
import { and } from '../sql/constructors.js'
import { Delete, Insert, Update } from '../sql/dml.js'
import type { ClauseElement, ColumnElement } from '../sql/elements.js'
import { select } from '../sql/select.js'
import { NOT_LOADED } from './state.js'
import {
  type FlushPlan,
  loadedVersion,
  type RowOp,
  resolveSource,
  type SecondaryRow,
  type ValueSource,
} from './unit-of-work.js'
import { checkPlanValues } from './value-checks.js'

/** Where a flush sends its statements. */
export interface FlushTarget {
  readonly dialect: Dialect
  readonly capabilities: AdapterCapabilities
  /** One statement now, inside the session's transaction (interactive mode). */
  run?(stmt: Statement): Promise<RawResult>
  /** Every statement as one atomic request (batch mode). */
  runBatch?(stmts: readonly Statement[]): Promise<RawResult[]>
}

/** One statement of a flush (or of a write held for commit) and what to do with its result. */
export interface Step {
  readonly stmt: Statement
  readonly template: CompiledTemplate
  /** UPDATE/DELETE: the rows it must match, and what it is, for StaleDataError. */
  readonly expect?: {
    readonly rows: number
    readonly verb: 'UPDATE' | 'DELETE'
    readonly table: Table
    readonly keys?: () => ClauseElement
  }
  readonly onResult?: (rows: readonly (readonly unknown[])[], raw: RawResult) => void
}

/** Compiles and binds one statement (no parameter list). */
export function bindOne(
  dialect: Dialect,
  stmt: ClauseElement,
): { stmt: Statement; template: CompiledTemplate } {
  const p = prepare(dialect, stmt)
  return { stmt: p.statements[0]!, template: p.template }
}

function valueOf(src: ValueSource, what: string): unknown {
  const v = resolveSource(src)
  if (v === NOT_LOADED)
    throw new InvalidRequestError(`${what} is not known yet in this flush (internal ordering error)`)
  return v
}

/** The values an op writes: its own plus foreign keys synced from other rows. */
function rowValues(op: RowOp): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const [k, v] of op.values) row[k] = v
  for (const [k, src] of op.syncs) row[k] = valueOf(src, `${op.mapper.name}.${k}`)
  return row
}

/** The primary key of an op's row after it is written. */
function currentKey(op: RowOp): unknown[] {
  return op.mapper.pkKeys.map((k) => {
    if (op.generated.has(k)) return op.generated.get(k)
    if (op.syncs.has(k)) return valueOf(op.syncs.get(k)!, `${op.mapper.name}.${k}`)
    if (op.values.has(k)) return op.values.get(k)
    return op.state.identity?.[op.mapper.pkKeys.indexOf(k)]
  })
}

function keyMatch(columns: readonly Column<any, any>[], values: readonly unknown[]): ColumnElement<boolean> {
  return and(...columns.map((c, i) => c.eq(values[i] as never)))!
}

/** Columns whose value the database fills on INSERT and the flush should read back. */
function serverColumns(table: Table): Column<any, any>[] {
  return table.columns.filter((c) => c.options.serverDefault !== undefined || c.isAutoincrement)
}

/** The statements of an INSERT group (one table), in order. */
function insertSteps(target: FlushTarget, ops: readonly RowOp[]): Step[] {
  const { dialect, capabilities } = target
  const table = ops[0]!.mapper.table
  const pk = table.primaryKeyColumns
  const server = serverColumns(table)
  const steps: Step[] = []
  const keyed: { op: RowOp; row: Record<string, unknown> }[] = []
  for (const op of ops) {
    const row = rowValues(op)
    if (pk.every((c) => row[c.key] !== undefined && row[c.key] !== null)) {
      keyed.push({ op, row })
      continue
    }
    // a key the database generates: one INSERT per row, so the key comes back for this object
    let stmt = new Insert(table).values(row as never)
    if (dialect.features.returning && server.length > 0)
      stmt = stmt.returning(...(server as never[])) as never
    const bound = bindOne(
      dialect,
      Object.keys(row).length === 0 ? new Insert(table).returning(...(server as never[])) : stmt,
    )
    steps.push({
      ...bound,
      onResult(rows, raw) {
        if (dialect.features.returning && server.length > 0) {
          const r = rows[0]
          if (r !== undefined) for (const [i, c] of server.entries()) op.generated.set(c.key, r[i])
        } else if (raw.lastInsertId !== undefined && pk.length === 1) {
          op.generated.set(pk[0]!.key, raw.lastInsertId)
        }
      },
    })
  }
  // known keys: multi-row INSERTs of rows with the same columns, read back by key
  const groups = new Map<string, { op: RowOp; row: Record<string, unknown> }[]>()
  for (const item of keyed) {
    const sig = Object.keys(item.row).sort().join(',')
    const g = groups.get(sig)
    if (g) g.push(item)
    else groups.set(sig, [item])
  }
  const readBack = dialect.features.returning ? server.filter((c) => !pk.includes(c)) : []
  for (const items of groups.values()) {
    const ncols = Object.keys(items[0]!.row).length
    const perStmt = Math.max(1, Math.floor(capabilities.maxParams / Math.max(1, ncols)))
    for (let i = 0; i < items.length; i += perStmt) {
      const chunk = items.slice(i, i + perStmt)
      let stmt = new Insert(table).values(chunk.map((c) => c.row) as never)
      if (readBack.length > 0) stmt = stmt.returning(...([...pk, ...readBack] as never[])) as never
      const bound = bindOne(dialect, stmt)
      steps.push({
        ...bound,
        onResult:
          readBack.length === 0
            ? undefined
            : (rows) => {
                // matched by key, not by order
                const byKey = new Map<string, RowOp>()
                for (const c of chunk) byKey.set(keyText(pk.map((p) => c.row[p.key])), c.op)
                for (const r of rows) {
                  const op = byKey.get(keyText(pk.map((_, j) => r[j])))
                  if (op !== undefined)
                    for (const [j, c] of readBack.entries()) op.generated.set(c.key, r[pk.length + j])
                }
              },
      })
    }
  }
  return steps
}

function keyText(values: readonly unknown[]): string {
  return values
    .map((v) => (typeof v === 'bigint' || typeof v === 'number' ? `n${v}` : `s${String(v)}`))
    .join('\u0000')
}

function updateSteps(target: FlushTarget, op: RowOp): Step[] {
  const table = op.mapper.table
  const where = op.whereKey ?? currentKey(op)
  const version = op.mapper.versionColumn
  const values = rowValues(op)
  let criteria = keyMatch(table.primaryKeyColumns, where)
  if (version !== undefined && op.version !== undefined) {
    if (op.version.check !== undefined) criteria = and(criteria, version.eq(op.version.check as never))!
    else values[version.key] = version.add(1 as never)
  }
  const stmt = new Update(table).values(values as never).where(criteria)
  const step: Step = {
    ...bindOne(target.dialect, stmt),
    // a version bump always changes the row, so even a changed-rows count (MySQL) is exact
    expect: {
      rows: 1,
      verb: 'UPDATE',
      table,
      keys: version === undefined ? () => keyMatch(table.primaryKeyColumns, where) : undefined,
    },
  }
  if (version === undefined || op.version?.check !== undefined) return [step]
  // the old version was not loaded: the database counted up; read the new one back
  const read = bindOne(
    target.dialect,
    select(version).where(keyMatch(table.primaryKeyColumns, currentKey(op))),
  )
  return [
    step,
    {
      ...read,
      onResult(rows) {
        if (rows[0] !== undefined) op.generated.set(version.key, rows[0][0])
      },
    },
  ]
}

function secondaryInsertSteps(target: FlushTarget, rows: readonly SecondaryRow[]): Step[] {
  const byTable = new Map<Table, Record<string, unknown>[]>()
  for (const r of rows) {
    const values: Record<string, unknown> = {}
    for (const [k, src] of r.values) values[k] = valueOf(src, `${r.table.name}.${k}`)
    const list = byTable.get(r.table)
    if (list) list.push(values)
    else byTable.set(r.table, [values])
  }
  const steps: Step[] = []
  for (const [table, list] of byTable) {
    const perStmt = Math.max(1, Math.floor(target.capabilities.maxParams / Object.keys(list[0]!).length))
    for (let i = 0; i < list.length; i += perStmt)
      steps.push(bindOne(target.dialect, new Insert(table).values(list.slice(i, i + perStmt) as never)))
  }
  return steps
}

function secondaryDeleteStep(target: FlushTarget, row: SecondaryRow): Step {
  const cols = [...row.values.keys()].map((k) => row.table.columnByKey(k))
  const values = [...row.values.values()].map((src) => valueOf(src, row.table.name))
  const stmt = new Delete(row.table).where(keyMatch(cols, values))
  return row.exact
    ? { ...bindOne(target.dialect, stmt), expect: { rows: 1, verb: 'DELETE', table: row.table } }
    : bindOne(target.dialect, stmt)
}

function deleteSteps(target: FlushTarget, states: FlushPlan['deletes'][number]): Step[] {
  const table = states[0]!.mapper.table
  const pk = table.primaryKeyColumns
  const keys = states.map((s) => s.identity!)
  const steps: Step[] = []
  const version = states[0]!.mapper.versionColumn
  if (version !== undefined) {
    // one DELETE per row, each checking the version the object was loaded with
    for (const state of states) {
      const known = loadedVersion(state)
      let where = keyMatch(pk, state.identity!)
      if (known !== undefined) where = and(where, version.eq(known as never))!
      steps.push({
        ...bindOne(target.dialect, new Delete(table).where(where)),
        expect: { rows: 1, verb: 'DELETE', table },
      })
    }
    return steps
  }
  if (pk.length === 1) {
    const per = Math.max(1, target.capabilities.maxParams)
    for (let i = 0; i < keys.length; i += per) {
      const chunk = keys.slice(i, i + per).map((k) => k[0])
      const stmt = new Delete(table).where(pk[0]!.in(chunk as never[]))
      steps.push({ ...bindOne(target.dialect, stmt), expect: { rows: chunk.length, verb: 'DELETE', table } })
    }
  } else
    for (const k of keys)
      steps.push({
        ...bindOne(target.dialect, new Delete(table).where(keyMatch(pk, k))),
        expect: { rows: 1, verb: 'DELETE', table },
      })
  return steps
}

/**
 * `UPDATE t SET fk = NULL WHERE key IN (...)` for rows about to be deleted that refer to each
 * other (a cycle): one statement per chunk of keys, one per row for a composite key. No row
 * count is checked: the DELETE that follows checks it.
 */
function unlinkSteps(target: FlushTarget, unlink: FlushPlan['unlinks'][number]): Step[] {
  const { table, columns, keys } = unlink
  const pk = table.primaryKeyColumns
  const nulls = Object.fromEntries(columns.map((k) => [k, null]))
  const update = (where: ColumnElement<boolean>) =>
    bindOne(target.dialect, new Update(table).values(nulls as never).where(where))
  if (pk.length !== 1) return keys.map((k) => update(keyMatch(pk, k)))
  const steps: Step[] = []
  const per = Math.max(1, target.capabilities.maxParams) // NULL is a keyword, not a parameter
  for (let i = 0; i < keys.length; i += per)
    steps.push(update(pk[0]!.in(keys.slice(i, i + per).map((k) => k[0]) as never[])))
  return steps
}

/** The groups of steps in execution order; each builds when reached (interactive keys flow forward). */
export function stepGroups(target: FlushTarget, plan: FlushPlan): (() => Step[])[] {
  checkPlanValues(plan)
  const groups: (() => Step[])[] = []
  if (plan.secondaryDeletes.length > 0)
    groups.push(() => plan.secondaryDeletes.map((r) => secondaryDeleteStep(target, r)))
  for (const group of plan.saves) {
    const inserts = group.filter((op) => op.kind === 'insert')
    const updates = group.filter((op) => op.kind === 'update')
    if (inserts.length > 0) groups.push(() => insertSteps(target, inserts))
    if (updates.length > 0) groups.push(() => updates.flatMap((op) => updateSteps(target, op)))
  }
  for (const pu of plan.postUpdates)
    groups.push(() => {
      const table = pu.op.mapper.table
      const key = currentKey(pu.op)
      const stmt = new Update(table)
        .values({ [pu.column]: valueOf(pu.source, `${pu.op.mapper.name}.${pu.column}`) } as never)
        .where(keyMatch(table.primaryKeyColumns, key))
      return [{ ...bindOne(target.dialect, stmt), expect: { rows: 1, verb: 'UPDATE', table } }]
    })
  if (plan.secondaryInserts.length > 0) groups.push(() => secondaryInsertSteps(target, plan.secondaryInserts))
  for (const d of plan.dereferences)
    groups.push(() => {
      const cols = d.columns.map((k) => d.table.columnByKey(k))
      const nulls = Object.fromEntries(d.columns.map((k) => [k, null]))
      return [
        bindOne(target.dialect, new Update(d.table).values(nulls as never).where(keyMatch(cols, d.key))),
      ]
    })
  for (const u of plan.unlinks) groups.push(() => unlinkSteps(target, u))
  for (const group of plan.deletes) groups.push(() => deleteSteps(target, group))
  return groups
}
