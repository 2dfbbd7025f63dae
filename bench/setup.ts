/**
 * The benchmark database and one handle per library, all on one libSQL file under `.tmp/bench/`.
 * Raw, Drizzle and Kysely share one `@libsql/client` Client (default `intMode: 'number'`);
 * edgealchemy opens its own through `libsql(url)` (which always sets `intMode: 'bigint'`). A
 * second raw client in bigint mode separates that setting's cost from edgealchemy's own.
 * @module
 */
import { mkdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql'
import { integer, sqliteTable, text as sqliteText } from 'drizzle-orm/sqlite-core'
import { type Generated, Kysely } from 'kysely'
import Database from 'libsql'
import { libsql } from '../adapters/libsql/node.js'
import { type AsyncEngine, Column, createAsyncEngine, MetaData, Table, t, text } from '../core/index.js'
import { libsqlDialect } from './kysely-libsql.js'

/** Rows in `bench_users`; the hydration case reads them all. */
export const tableRows = 100_000

const dir = resolve(import.meta.dirname, '..', '.tmp', 'bench')
export const dbPath = resolve(dir, 'bench.db')
export const dbUrl = `file:${dbPath}`

/** Recreates the database: WAL, 100k users, an empty insert table. */
export async function createDatabase(): Promise<void> {
  mkdirSync(dir, { recursive: true })
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(dbPath + suffix, { force: true })
  const c = createClient({ url: dbUrl })
  await c.execute('PRAGMA journal_mode = WAL')
  await c.batch(
    [
      'CREATE TABLE bench_users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, age INTEGER NOT NULL)',
      'CREATE TABLE bench_inserts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, age INTEGER NOT NULL)',
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${tableRows})
       INSERT INTO bench_users SELECT i, 'user ' || i, 'user' || i || '@example.com', 20 + i % 50 FROM n`,
    ],
    'write',
  )
  c.close()
}

/** `synchronous = NORMAL` is per connection: commits in WAL mode then skip the fsync. */
const syncPragma = 'PRAGMA synchronous = NORMAL'

// edgealchemy schema
const metadata = new MetaData()
export const eaUsers = new Table('bench_users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.Text, { nullable: false }),
  email: new Column(t.Text),
  age: new Column(t.Integer, { nullable: false }),
})
export const eaInserts = new Table('bench_inserts', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.Text, { nullable: false }),
  email: new Column(t.Text),
  age: new Column(t.Integer, { nullable: false }),
})

// Drizzle schema
export const dzUsers = sqliteTable('bench_users', {
  id: integer('id').primaryKey(),
  name: sqliteText('name').notNull(),
  email: sqliteText('email'),
  age: integer('age').notNull(),
})
export const dzInserts = sqliteTable('bench_inserts', {
  id: integer('id').primaryKey(),
  name: sqliteText('name').notNull(),
  email: sqliteText('email'),
  age: integer('age').notNull(),
})

// Kysely schema
interface UserTable {
  id: Generated<number>
  name: string
  email: string | null
  age: number
}
export interface KyselyDb {
  bench_users: UserTable
  bench_inserts: UserTable
}

/** One handle per library on the benchmark database. */
export interface Handles {
  /** `@libsql/client`, default settings: the baseline, and the client under Drizzle and Kysely. */
  readonly raw: Client
  /** `@libsql/client` with `intMode: 'bigint'`, as edgealchemy configures its own. */
  readonly rawBigint: Client
  /** The native `libsql` module under the client (better-sqlite3 API): the floor. */
  readonly native: InstanceType<typeof Database>
  readonly engine: AsyncEngine
  readonly dz: LibSQLDatabase
  readonly ky: Kysely<KyselyDb>
  close(): Promise<void>
}

/** Opens every handle on the (already created) database. */
export async function openHandles(): Promise<Handles> {
  const raw: Client = createClient({ url: dbUrl })
  await raw.execute(syncPragma)
  const rawBigint: Client = createClient({ url: dbUrl, intMode: 'bigint' })
  await rawBigint.execute(syncPragma)
  const native = new Database(dbPath)
  native.exec(syncPragma)
  const engine = createAsyncEngine(libsql(dbUrl))
  await engine.execute(text(syncPragma))
  const dz = drizzle(raw)
  const ky = new Kysely<KyselyDb>({ dialect: libsqlDialect(raw) })
  return {
    raw,
    rawBigint,
    native,
    engine,
    dz,
    ky,
    async close() {
      await ky.destroy()
      await engine.dispose()
      native.close()
      rawBigint.close()
      raw.close()
    },
  }
}
