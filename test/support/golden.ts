/**
 * Golden SQL tests in Kysely's style: `testSql` asserts the exact SQL and parameters a statement
 * compiles to on each dialect (or the CompileError a dialect raises for it), and `expectRows`
 * runs it on the real database of each dialect that compiles it and asserts the rows.
 *
 * ```ts
 * const stmt = select(users.c.id).where(users.c.id.eq(1))
 * testSql(stmt, {
 *   postgresql: { sql: 'SELECT users.id FROM users WHERE users.id = $1', params: [1] },
 *   sqlite: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
 *   mysql: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
 * })
 * await expectRows(dbs, stmt, [[1]])
 * ```
 */
import { expect } from 'vitest'
import { CompileError, type ExecuteParams, mysql, postgresql, sqlite } from '../../core/index.js'
import type { ClauseElement } from '../../core/sql/elements.js'
import type { DialectKey, Rows, TestDatabase } from './databases.js'

/** What one dialect compiles a statement to, or the CompileError it raises. */
export type Expected = { sql: string; params: unknown[] } | { error: RegExp }

/** Expected rows: the same on every dialect, or per dialect with `others` for the rest. */
export type ExpectedRows = Rows | ({ [K in DialectKey]?: Rows } & { others?: Rows })

export const dialectKeys: readonly DialectKey[] = ['postgresql', 'sqlite', 'mysql']

/** Asserts the SQL and parameters of `stmt` on postgresql, sqlite and mysql. */
export function testSql(
  stmt: ClauseElement,
  expected: Record<DialectKey, Expected>,
  params?: ExecuteParams,
): void {
  for (const key of dialectKeys) {
    const want = expected[key]
    const dialect = dialectOf(key)
    if ('error' in want) {
      let caught: unknown
      try {
        stmt.compile(dialect, params)
      } catch (e) {
        caught = e
      }
      expect(caught, `${key}: expected a CompileError`).toBeInstanceOf(CompileError)
      expect((caught as Error).message, key).toMatch(want.error)
    } else {
      expect(stmt.compile(dialect, params), key).toEqual({ sql: want.sql, params: want.params })
    }
  }
}

/** Compiles `stmt` for each database whose dialect supports it and runs it; returns rows by dialect. */
export async function runAll(
  dbs: Record<DialectKey, TestDatabase>,
  stmt: ClauseElement,
  params?: ExecuteParams,
): Promise<Partial<Record<DialectKey, Rows>>> {
  const out: Partial<Record<DialectKey, Rows>> = {}
  await Promise.all(
    dialectKeys.map(async (key) => {
      const db = dbs[key]
      let compiled: { sql: string; params: unknown[] }
      try {
        compiled = stmt.compile(db.dialect, params)
      } catch (e) {
        if (e instanceof CompileError) return
        throw e
      }
      try {
        out[key] = await db.run(compiled)
      } catch (e) {
        throw new Error(`${key} rejected ${compiled.sql}: ${(e as Error).message}`, { cause: e })
      }
    }),
  )
  return out
}

/**
 * Runs `stmt` on every database whose dialect compiles it and asserts the rows (in order, unless
 * `unordered`). A dialect that raises a CompileError is skipped: `testSql` asserts that error.
 */
export async function expectRows(
  dbs: Record<DialectKey, TestDatabase>,
  stmt: ClauseElement,
  expected: ExpectedRows,
  options: { params?: ExecuteParams; unordered?: boolean } = {},
): Promise<void> {
  const got = await runAll(dbs, stmt, options.params)
  expect(Object.keys(got).length, 'no database could run the statement').toBeGreaterThan(0)
  for (const key of dialectKeys) {
    const rows = got[key]
    if (rows === undefined) continue
    const want = Array.isArray(expected) ? expected : (expected[key] ?? expected.others)
    if (want === undefined) throw new Error(`No expected rows for ${key}`)
    const norm = (r: Rows) => (options.unordered ? sortRows(r) : r)
    expect(norm(rows), key).toEqual(norm(want))
  }
}

function sortRows(rows: Rows): Rows {
  const key = (r: unknown[]) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

function dialectOf(key: DialectKey) {
  return { postgresql, sqlite, mysql }[key]
}
