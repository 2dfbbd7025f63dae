/**
 * The statements of ORM bulk writes (SQLAlchemy 2's "ORM bulk INSERT" and "ORM bulk UPDATE by
 * primary key"): a list of plain objects becomes multi-row INSERTs chunked to the adapter's
 * parameter limit, or one UPDATE per row matched by its primary key, each checked to match one row.
 * @module
 */
import type { Dialect } from '../dialects/dialect.js'
import type { AdapterCapabilities } from '../engine/adapter.js'
import { prepare } from '../engine/execution.js'
import { ArgumentError } from '../errors.js'
import type { Column } from '../schema/column.js'
import type { Table } from '../schema/table.js'
import { and, bindparam } from '../sql/constructors.js'
import { Insert, Update, withEntityValues } from '../sql/dml.js'
import type { ColumnElement } from '../sql/elements.js'
import type { Step } from './flush-steps.js'
import type { Mapper } from './mapper.js'

type Row = Readonly<Record<string, unknown>>

function checkRows(rows: readonly unknown[], table: Table, what: string): asserts rows is Row[] {
  for (const [i, row] of rows.entries())
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      throw new ArgumentError(
        `${what} into ${table.name} takes a list of objects keyed by attribute; item ${i} is not one`,
      )
}

/** Runs of consecutive rows giving the same keys (each run is one statement shape); order kept. */
function runsByKeys<T>(rows: readonly T[], keysOf: (row: T) => string[]): T[][] {
  const runs: T[][] = []
  let last: string | undefined
  for (const row of rows) {
    const sig = keysOf(row).sort().join('\u0000')
    if (sig === last) runs.at(-1)!.push(row)
    else runs.push([row])
    last = sig
  }
  return runs
}

const given = (row: Row) => Object.keys(row).filter((k) => row[k] !== undefined)

/**
 * ORM bulk INSERT: multi-row INSERTs of consecutive rows giving the same keys, each within `maxParams`
 * parameters; a versioned class's rows start at version 1. Keeps the statement's RETURNING and
 * conflict clause.
 */
export function bulkInsertSteps(
  dialect: Dialect,
  capabilities: AdapterCapabilities,
  stmt: Insert,
  rows: readonly unknown[],
  mapper: Mapper | undefined,
): Step[] {
  const table = stmt.table
  checkRows(rows, table, 'A bulk INSERT')
  const version = mapper?.versionColumn
  const withEntity = withEntityValues(stmt.executionOptionsMap, rows as Record<string, unknown>[])
  const filled =
    version === undefined
      ? withEntity
      : withEntity.map((r) => ((r[version.key] ?? null) === null ? { ...r, [version.key]: 1 } : r))
  const steps: Step[] = []
  for (const group of runsByKeys(filled, given)) {
    const width = Math.max(1, new Insert(table).values(group[0] as never).columns.length)
    const perStatement = Math.max(1, Math.floor(capabilities.maxParams / width))
    for (let i = 0; i < group.length; i += perStatement) {
      const built = new Insert(table).values(group.slice(i, i + perStatement) as never)
      const chunk = new Insert(
        table,
        built.rows,
        built.columns,
        undefined,
        stmt.returningColumns,
        stmt.onConflict,
      )
      const p = prepare(dialect, chunk)
      steps.push({ stmt: p.statements[0]!, template: p.template })
    }
  }
  return steps
}

/** One row of a bulk UPDATE by primary key: its key and the attributes it sets. */
export interface KeyedRow {
  readonly pk: readonly unknown[]
  readonly values: Row
}

/** The rows of a bulk UPDATE by primary key, checked: every row names its whole key. */
export function keyedRows(table: Table, rows: readonly unknown[]): KeyedRow[] {
  checkRows(rows, table, 'A bulk UPDATE')
  const pk = table.primaryKeyColumns
  return rows.map((row, i) => {
    const missing = pk.filter((c) => row[c.key] === undefined || row[c.key] === null)
    if (missing.length > 0)
      throw new ArgumentError(
        `A bulk UPDATE by primary key needs the key in every row: row ${i} lacks ${missing.map((c) => c.key).join(', ')} (table ${table.name})`,
      )
    const values: Record<string, unknown> = {}
    for (const k of given(row)) {
      const col = table.columnByKey(k)
      if (!pk.includes(col)) values[k] = row[k]
    }
    return { pk: pk.map((c) => row[c.key]), values }
  })
}

/**
 * ORM bulk UPDATE by primary key: rows setting the same attributes share one statement shape,
 * bound once per row; each must match exactly one row (StaleDataError otherwise). A versioned
 * class's version counts up.
 */
export function bulkUpdateSteps(
  dialect: Dialect,
  stmt: Update,
  rows: readonly KeyedRow[],
  mapper: Mapper | undefined,
): Step[] {
  const table = stmt.table
  const pk = table.primaryKeyColumns
  const version = mapper?.versionColumn
  const steps: Step[] = []
  const withValues = rows.filter((r) => Object.keys(r.values).length > 0)
  for (const group of runsByKeys(withValues, (r) => Object.keys(r.values))) {
    const keys = Object.keys(group[0]!.values)
    const cols = keys.map((k) => table.columnByKey(k))
    const set: Record<string, unknown> = {}
    cols.forEach((c, i) => {
      set[c.key] = bindparam(`ea_v${i}`, c.type)
    })
    if (version !== undefined && !keys.includes(version.key)) set[version.key] = version.add(1 as never)
    const where = and(...pk.map((c, i) => c.eq(bindparam(`ea_k${i}`, c.type) as ColumnElement<any>)))!
    let update = new Update(table).values(set as never).where(where)
    if (stmt.whereClause !== undefined) update = update.where(stmt.whereClause as ColumnElement<boolean>)
    const params = group.map((r) => {
      const p: Record<string, unknown> = {}
      keys.forEach((k, i) => {
        p[`ea_v${i}`] = r.values[k]
      })
      r.pk.forEach((v, i) => {
        p[`ea_k${i}`] = v
      })
      return p
    })
    const prepared = prepare(dialect, update, params)
    prepared.statements.forEach((s, i) => {
      const key = group[i]!.pk
      steps.push({
        stmt: s,
        template: prepared.template,
        expect: {
          rows: 1,
          verb: 'UPDATE',
          table,
          keys: version === undefined ? () => keyMatch(pk, key) : undefined,
        },
      })
    })
  }
  return steps
}

function keyMatch(pk: readonly Column<any, any>[], key: readonly unknown[]): ColumnElement<boolean> {
  return and(...pk.map((c, i) => c.eq(key[i] as never)))!
}
