import type { InspectedColumn, InspectedForeignKey } from './inspection.js'
import type { SqlRunner } from './runner.js'

export type { InspectedColumn, InspectedForeignKey } from './inspection.js'

async function query(runner: SqlRunner, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const { rows } = await runner.runCompiled({ sql, params })
  return rows as unknown[][]
}

function str(v: unknown): string {
  if (v instanceof Uint8Array) return new TextDecoder().decode(v)
  return String(v)
}

/**
 * The tables of the current schema (PostgreSQL `current_schema()`, MySQL `DATABASE()`, the
 * SQLite main database), sorted by name. SQLite's internal `sqlite_*` tables are left out.
 */
export async function getTableNames(runner: SqlRunner): Promise<string[]> {
  const rows = await query(runner, runner.dialect.inspection.tableNames)
  return rows.map((r) => str(r[0])).sort()
}

/** Whether a table of that name exists in the current schema (case-insensitively on SQLite). */
export async function hasTable(runner: SqlRunner, name: string): Promise<boolean> {
  const p = runner.dialect.placeholder(1)
  const rows = await query(runner, runner.dialect.inspection.hasTable(p), [name])
  return rows.length > 0
}

/** The columns of a table in declaration order; empty when the table does not exist. */
export async function getColumns(runner: SqlRunner, table: string): Promise<InspectedColumn[]> {
  const p = runner.dialect.placeholder(1)
  const { inspection } = runner.dialect
  const rows = await query(runner, inspection.columns(p), [table])
  return rows.map((r) => inspection.column(r.map((v) => (v === null || v === undefined ? null : str(v)))))
}

/**
 * The foreign key constraints of a table (PostgreSQL and MySQL; SQLite foreign keys have no
 * names, so this returns an empty list there).
 */
export async function getForeignKeys(runner: SqlRunner, table: string): Promise<InspectedForeignKey[]> {
  const sql = runner.dialect.inspection.foreignKeys(runner.dialect.placeholder(1))
  if (sql === undefined) return []
  const rows = await query(runner, sql, [table])
  return rows.map((r) => ({ name: str(r[0]), referredTable: str(r[1]) }))
}

/**
 * A minimal schema inspector bound to one runner, after SQLAlchemy's `inspect(engine)`. All
 * queries use bound parameters.
 *
 * ```ts
 * const insp = inspect(conn)
 * await insp.hasTable('users')      // true
 * await insp.getColumns('users')    // [{ name: 'id', type: 'integer', nullable: false, default: null }, ...]
 * ```
 */
export class Inspector {
  constructor(readonly runner: SqlRunner) {}
  /** See {@link hasTable}. */
  hasTable(name: string): Promise<boolean> {
    return hasTable(this.runner, name)
  }
  /** See {@link getTableNames}. */
  getTableNames(): Promise<string[]> {
    return getTableNames(this.runner)
  }
  /** See {@link getColumns}. */
  getColumns(table: string): Promise<InspectedColumn[]> {
    return getColumns(this.runner, table)
  }
  /** See {@link getForeignKeys}. */
  getForeignKeys(table: string): Promise<InspectedForeignKey[]> {
    return getForeignKeys(this.runner, table)
  }
}

/** An {@link Inspector} over `runner`. */
export function inspect(runner: SqlRunner): Inspector {
  return new Inspector(runner)
}
