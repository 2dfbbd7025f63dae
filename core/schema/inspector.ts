import type { SqlRunner } from './runner.js'

/** A column as the database reports it. */
export interface InspectedColumn {
  readonly name: string
  /** The database's type name, as it reports it (`integer`, `varchar(50)`, `INTEGER`...). */
  readonly type: string
  readonly nullable: boolean
  /** The default expression as the database stores it; `null` when there is none. */
  readonly default: string | null
}

/** A foreign key constraint as the database reports it. */
export interface InspectedForeignKey {
  readonly name: string
  readonly referredTable: string
}

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
  let rows: unknown[][]
  switch (runner.dialect.name) {
    case 'postgresql':
      rows = await query(
        runner,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
      )
      break
    case 'mysql':
      rows = await query(
        runner,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
      )
      break
    default:
      rows = await query(
        runner,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      )
  }
  return rows.map((r) => str(r[0])).sort()
}

/** Whether a table of that name exists in the current schema (case-insensitively on SQLite). */
export async function hasTable(runner: SqlRunner, name: string): Promise<boolean> {
  const p = runner.dialect.placeholder(1)
  let rows: unknown[][]
  switch (runner.dialect.name) {
    case 'postgresql':
      rows = await query(
        runner,
        `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ${p}`,
        [name],
      )
      break
    case 'mysql':
      rows = await query(
        runner,
        `SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ${p}`,
        [name],
      )
      break
    default:
      rows = await query(
        runner,
        `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${p} COLLATE NOCASE`,
        [name],
      )
  }
  return rows.length > 0
}

/** The columns of a table in declaration order; empty when the table does not exist. */
export async function getColumns(runner: SqlRunner, table: string): Promise<InspectedColumn[]> {
  const p = runner.dialect.placeholder(1)
  switch (runner.dialect.name) {
    case 'postgresql':
    case 'mysql': {
      const schema = runner.dialect.name === 'postgresql' ? 'current_schema()' : 'DATABASE()'
      const type = runner.dialect.name === 'postgresql' ? 'data_type' : 'column_type'
      const rows = await query(
        runner,
        `SELECT column_name, ${type}, is_nullable, column_default FROM information_schema.columns ` +
          `WHERE table_schema = ${schema} AND table_name = ${p} ORDER BY ordinal_position`,
        [table],
      )
      return rows.map((r) => {
        let def = r[3] === null || r[3] === undefined ? null : str(r[3])
        // MariaDB reports "no default" on a nullable column as the word NULL.
        if (runner.dialect.name === 'mysql' && def === 'NULL') def = null
        return { name: str(r[0]), type: str(r[1]), nullable: str(r[2]) === 'YES', default: def }
      })
    }
    default: {
      const rows = await query(
        runner,
        `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(${p})`,
        [table],
      )
      return rows.map((r) => ({
        name: str(r[0]),
        type: str(r[1]),
        // SQLite lets a non-INTEGER primary key hold NULL unless it is declared NOT NULL.
        nullable: Number(r[2]) === 0,
        default: r[3] === null || r[3] === undefined ? null : str(r[3]),
      }))
    }
  }
}

/**
 * The foreign key constraints of a table (PostgreSQL and MySQL; SQLite foreign keys have no
 * names, so this returns an empty list there).
 */
export async function getForeignKeys(runner: SqlRunner, table: string): Promise<InspectedForeignKey[]> {
  const p = runner.dialect.placeholder(1)
  let rows: unknown[][]
  switch (runner.dialect.name) {
    case 'postgresql':
      rows = await query(
        runner,
        'SELECT con.conname, ref.relname FROM pg_catalog.pg_constraint con ' +
          'JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid ' +
          'JOIN pg_catalog.pg_class ref ON ref.oid = con.confrelid ' +
          'JOIN pg_catalog.pg_namespace ns ON ns.oid = cl.relnamespace ' +
          `WHERE con.contype = 'f' AND ns.nspname = current_schema() AND cl.relname = ${p} ORDER BY con.conname`,
        [table],
      )
      break
    case 'mysql':
      rows = await query(
        runner,
        'SELECT constraint_name, referenced_table_name FROM information_schema.referential_constraints ' +
          `WHERE constraint_schema = DATABASE() AND table_name = ${p} ORDER BY constraint_name`,
        [table],
      )
      break
    default:
      return []
  }
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
