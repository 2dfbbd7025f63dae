/**
 * Real databases for tests: PostgreSQL and MariaDB on loopback, libSQL embedded (a file).
 * Each `open*` call makes its own schema / database / file so test files run in parallel,
 * and `close()` drops it. The plain drivers are only executors here (no adapter, no codecs).
 */
import { mkdirSync, rmSync } from 'node:fs'
import { createClient } from '@libsql/client'
import mysql2 from 'mysql2/promise'
import pg from 'pg'
import { type Dialect, mysql, postgresql, type SqlRunner, sqlite } from '../../core/index.js'
import type { CompiledStatement } from '../../core/sql/compiled.js'

/** Rows in array mode. */
export type Rows = unknown[][]

/** One isolated database of one dialect. */
export interface TestDatabase extends SqlRunner {
  readonly dialect: Dialect
  /** Runs SQL with positional parameters; returns rows in array mode. */
  exec(sql: string, params?: readonly unknown[]): Promise<Rows>
  /** Runs a compiled statement (what `runCompiled` does, returning plain arrays). */
  run(stmt: CompiledStatement): Promise<Rows>
  close(): Promise<void>
}

export type DialectKey = 'postgresql' | 'sqlite' | 'mysql'

let counter = 0
/** A unique lower-case name for this process and call. */
export function uniqueName(prefix: string): string {
  const safe = prefix
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20)
  return `ea_${safe}_${process.pid}_${Date.now().toString(36)}_${counter++}`
}

function toDriver(v: unknown): unknown {
  return v instanceof Uint8Array && !Buffer.isBuffer(v)
    ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    : v
}

function runnerOf(exec: (sql: string, params: readonly unknown[]) => Promise<Rows>) {
  return {
    exec: (sql: string, params: readonly unknown[] = []) => exec(sql, params),
    run: (stmt: CompiledStatement) => exec(stmt.sql, stmt.params),
    runCompiled: async (stmt: CompiledStatement) => ({ rows: await exec(stmt.sql, stmt.params) }),
  }
}

/** A fresh PostgreSQL schema on 127.0.0.1:5432 (database `test`), set as the search path. */
export async function openPostgres(prefix: string): Promise<TestDatabase> {
  const schema = uniqueName(prefix)
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' })
  await client.connect()
  await client.query(`CREATE SCHEMA ${schema}`)
  await client.query(`SET search_path TO ${schema}`)
  const exec = async (sql: string, params: readonly unknown[]) => {
    const r = await client.query({ text: sql, values: params.map(toDriver), rowMode: 'array' })
    return (r.rows ?? []) as Rows
  }
  return {
    dialect: postgresql,
    ...runnerOf(exec),
    async close() {
      await client.query(`DROP SCHEMA ${schema} CASCADE`)
      await client.end()
    },
  }
}

/** A fresh MariaDB database on 127.0.0.1:3306 (user root, empty password). */
export async function openMariaDb(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix)
  const admin = await mysql2.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' })
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  await admin.end()
  const conn = await mysql2.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    database: name,
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    charset: 'utf8mb4',
  })
  const exec = async (sql: string, params: readonly unknown[]) => {
    const [rows] =
      params.length === 0
        ? await conn.query({ sql, rowsAsArray: true })
        : await conn.execute({ sql, rowsAsArray: true }, params.map(toDriver) as never)
    return (Array.isArray(rows) ? rows : []) as Rows
  }
  return {
    dialect: mysql,
    ...runnerOf(exec),
    async close() {
      await conn.query(`DROP DATABASE ${name}`)
      await conn.end()
    },
  }
}

/** A fresh libSQL database file under `.tmp/`. */
export async function openSqlite(prefix: string): Promise<TestDatabase> {
  mkdirSync('.tmp', { recursive: true })
  const file = `.tmp/${uniqueName(prefix)}.db`
  const client = createClient({ url: `file:${file}`, intMode: 'number' })
  await client.execute('PRAGMA foreign_keys = ON')
  const exec = async (sql: string, params: readonly unknown[]) => {
    const rs = await client.execute({ sql, args: params.map(toDriver) as never })
    return rs.rows.map((r) => Array.prototype.slice.call(r)) as Rows
  }
  return {
    dialect: sqlite,
    ...runnerOf(exec),
    async close() {
      client.close()
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
    },
  }
}

/** One database of each dialect. */
export async function openAll(prefix: string): Promise<Record<DialectKey, TestDatabase>> {
  const [p, s, m] = await Promise.all([openPostgres(prefix), openSqlite(prefix), openMariaDb(prefix)])
  return { postgresql: p, sqlite: s, mysql: m }
}

/** Closes every database of {@link openAll}. */
export async function closeAll(dbs: Partial<Record<DialectKey, TestDatabase>> | undefined): Promise<void> {
  if (dbs) await Promise.all(Object.values(dbs).map((d) => d?.close()))
}
