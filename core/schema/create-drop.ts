import type { ForeignKeyConstraint } from './constraints.js'
import { getForeignKeys, getTableNames } from './inspector.js'
import type { MetaData } from './metadata.js'
import type { SqlRunner } from './runner.js'
import type { SchemaDialect } from './schema-dialect.js'
import { Table } from './table.js'
import { sortByDependency } from './table-order.js'

/** Options of {@link createAll} and {@link dropAll}. */
export interface CreateDropOptions {
  /** Look the tables up first: create only missing ones, drop only existing ones. */
  checkFirst?: boolean
  /** A subset of the metadata's tables (default: all of them). */
  tables?: readonly Table[]
}

/** Options of the pure planners {@link createAllDdl} and {@link dropAllDdl}. */
export interface DdlPlanOptions {
  tables?: readonly Table[]
  /** Names of tables that exist already (left out of the plan, as `checkFirst` does). */
  existing?: ReadonlySet<string>
}

interface Plan {
  order: Table[]
  /** Foreign keys pointing at a table created later in the order (a cycle): added by ALTER TABLE. */
  deferred: Map<Table, ForeignKeyConstraint[]>
}

/** Orders `tables` by foreign keys and finds the keys that must wait for ALTER TABLE. */
function plan(tables: readonly Table[], dialect: SchemaDialect): Plan {
  const { order } = sortByDependency(tables)
  const deferred = new Map<Table, ForeignKeyConstraint[]>()
  if (dialect.ddl.inlineForwardForeignKeys) return { order, deferred }
  const position = new Map(order.map((t, i) => [t, i]))
  order.forEach((table, i) => {
    const forward = table.foreignKeys.filter((fk) => {
      const target = fk.referred[0]!.table
      const at = target instanceof Table ? position.get(target) : undefined
      return at !== undefined && at > i
    })
    if (forward.length > 0) deferred.set(table, forward)
  })
  return { order, deferred }
}

function tablesOf(metadata: MetaData, tables: readonly Table[] | undefined): readonly Table[] {
  return tables ?? [...metadata.tables.values()]
}

function present(name: string, existing: ReadonlySet<string> | undefined, dialect: SchemaDialect): boolean {
  if (existing === undefined) return false
  if (!dialect.ddl.caseInsensitiveTableNames) return existing.has(name)
  const lower = name.toLowerCase()
  for (const e of existing) if (e.toLowerCase() === lower) return true
  return false
}

/**
 * The statements {@link createAll} runs, in order, without running them: CREATE TABLE in
 * foreign-key order, each table's CREATE INDEX (and PostgreSQL comments), then the
 * `ALTER TABLE ... ADD CONSTRAINT` of foreign keys in cycles (PostgreSQL and MySQL).
 * Throws a `CompileError` for anything the dialect cannot express.
 */
export function createAllDdl(
  metadata: MetaData,
  dialect: SchemaDialect,
  options: DdlPlanOptions = {},
): string[] {
  const ddl = dialect.createDdlCompiler()
  const all = tablesOf(metadata, options.tables)
  const missing = all.filter((t) => !present(t.name, options.existing, dialect))
  const { order, deferred } = plan(missing, dialect)
  const out: string[] = []
  for (const table of order)
    out.push(...ddl.createTableStatements(table, { omitForeignKeys: new Set(deferred.get(table)) }))
  for (const [table, fks] of deferred) for (const fk of fks) out.push(ddl.addConstraint(table, fk))
  return out
}

/**
 * The statements {@link dropAll} runs, in order, without running them: on PostgreSQL and MySQL
 * the foreign keys of cycles first, then DROP TABLE in reverse foreign-key order.
 * With `existing`, only those tables are dropped (and their cyclic keys only when
 * `existingForeignKeys` lists them, if given).
 */
export function dropAllDdl(
  metadata: MetaData,
  dialect: SchemaDialect,
  options: DdlPlanOptions & { existingForeignKeys?: ReadonlyMap<string, ReadonlySet<string>> } = {},
): string[] {
  const ddl = dialect.createDdlCompiler()
  const all = tablesOf(metadata, options.tables)
  const { order, deferred } = plan(all, dialect)
  const exists = (t: Table) => options.existing === undefined || present(t.name, options.existing, dialect)
  const out: string[] = []
  for (const [table, fks] of deferred) {
    if (!exists(table)) continue
    for (const fk of fks) {
      const known = options.existingForeignKeys?.get(table.name)
      if (known !== undefined && !known.has(ddl.foreignKeyName(table, fk))) continue
      out.push(ddl.dropConstraint(table, fk))
    }
  }
  for (const table of [...order].reverse()) if (exists(table)) out.push(ddl.dropTable(table))
  return out
}

async function runAll(runner: SqlRunner, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await runner.runCompiled({ sql, params: [] })
}

/**
 * Creates the metadata's tables, indexes and constraints (SQLAlchemy's `metadata.create_all`).
 * Every statement is compiled before the first one is sent, so a `CompileError` (an identifier
 * the database cannot take, a `String()` without length on MySQL...) leaves the database untouched.
 * Tables are created in foreign-key order; for cycles, PostgreSQL and MySQL get the cyclic
 * foreign keys by `ALTER TABLE ... ADD CONSTRAINT` afterwards (SQLite takes them inline).
 *
 * Statements run one by one on `runner`, in whatever transaction it has. **On MySQL every DDL
 * statement commits the open transaction implicitly**, so a failure part way leaves the
 * tables created so far in place (PostgreSQL and SQLite run DDL transactionally).
 *
 * ```ts
 * await createAll(metadata, engine, { checkFirst: true })   // or metadata.createAll(engine, ...)
 * ```
 */
export async function createAll(
  metadata: MetaData,
  runner: SqlRunner,
  options: CreateDropOptions = {},
): Promise<void> {
  const dialect = runner.dialect
  let statements = createAllDdl(metadata, dialect, { tables: options.tables })
  if (options.checkFirst) {
    const existing = new Set(await getTableNames(runner))
    statements = createAllDdl(metadata, dialect, { tables: options.tables, existing })
  }
  await runAll(runner, statements)
}

/**
 * Drops the metadata's tables in reverse foreign-key order (SQLAlchemy's `metadata.drop_all`);
 * on PostgreSQL and MySQL the foreign keys of cycles are dropped first. All statements are
 * compiled before the first is sent. As with {@link createAll}, DDL on MySQL commits implicitly.
 * SQLite: dropping tables whose rows reference each other in a cycle fails while
 * `PRAGMA foreign_keys` is on; delete the rows first.
 */
export async function dropAll(
  metadata: MetaData,
  runner: SqlRunner,
  options: CreateDropOptions = {},
): Promise<void> {
  const dialect = runner.dialect
  let statements = dropAllDdl(metadata, dialect, { tables: options.tables })
  if (options.checkFirst) {
    const existing = new Set(await getTableNames(runner))
    const existingForeignKeys = new Map<string, Set<string>>()
    // Only keys added by ALTER TABLE (cycles, where they are not inline) are dropped first.
    if (!dialect.ddl.inlineForwardForeignKeys)
      for (const table of sortByDependency(tablesOf(metadata, options.tables)).cyclic)
        if (existing.has(table.name))
          existingForeignKeys.set(
            table.name,
            new Set((await getForeignKeys(runner, table.name)).map((f) => f.name)),
          )
    statements = dropAllDdl(metadata, dialect, { tables: options.tables, existing, existingForeignKeys })
  }
  await runAll(runner, statements)
}

/** Creates one table with its indexes (`table.create()` in SQLAlchemy). */
export function createTable(
  table: Table,
  runner: SqlRunner,
  options: { checkFirst?: boolean } = {},
): Promise<void> {
  return createAll(table.metadata, runner, { ...options, tables: [table] })
}

/** Drops one table (`table.drop()` in SQLAlchemy). */
export function dropTable(
  table: Table,
  runner: SqlRunner,
  options: { checkFirst?: boolean } = {},
): Promise<void> {
  return dropAll(table.metadata, runner, { ...options, tables: [table] })
}
