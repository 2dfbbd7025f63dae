/** What the vitest runners share: vitest's API for the suite, and fresh database names. */
import { mkdirSync } from 'node:fs'
import { inspect } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TestApi } from '../../testing/suite/index.js'

/** vitest's describe/it/expect/hooks, as the suite takes them. */
export const vitestApi: TestApi = {
  describe,
  it,
  expect,
  beforeAll,
  afterAll,
  beforeEach,
  inspect: (value, deep) => (deep ? inspect(value, { depth: Infinity, showHidden: true }) : inspect(value)),
}

let counter = 0
/** A unique lower-case name for a database, schema or file of this process. */
export function freshName(prefix: string): string {
  return `ea_conf_${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`
}

/** A fresh path under .tmp/ for a database file. */
export function freshFile(prefix: string): string {
  mkdirSync('.tmp', { recursive: true })
  return `.tmp/${freshName(prefix)}.db`
}

/** A fresh PostgreSQL database on 127.0.0.1:5432; `drop()` removes it (closing its sessions). */
export async function createPgDatabase(
  prefix: string,
): Promise<{ name: string; openTransactions(): Promise<number>; drop(): Promise<void> }> {
  const pg = (await import('pg')).default
  const name = freshName(prefix)
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return {
    name,
    /** Sessions of this database inside a transaction (other than the one asking). */
    async openTransactions() {
      const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
      await c.connect()
      try {
        const r = await c.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND xact_start IS NOT NULL AND pid <> pg_backend_pid()',
          [name],
        )
        return (r.rows[0] as { n: number }).n
      } finally {
        await c.end()
      }
    },
    async drop() {
      const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** A fresh MariaDB database (utf8mb4) on 127.0.0.1:3306; `drop()` removes it. */
export async function createMariaDatabase(prefix: string): Promise<{ name: string; drop(): Promise<void> }> {
  const mysql = (await import('mysql2/promise')).default
  const name = freshName(prefix)
  const run = async (sql: string) => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' })
    try {
      await conn.query(sql)
    } finally {
      await conn.end()
    }
  }
  await run(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  return { name, drop: () => run(`DROP DATABASE IF EXISTS ${name}`) }
}
