/** The d1 adapter's statement classification and error reading, without workerd. */

import type { D1Database } from '@cloudflare/workers-types/index.js'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { classify, codeOnly } from '../../adapters/d1/classify.js'
import { type D1DatabaseLike, d1, d1ErrorInfo } from '../../adapters/d1/index.js'

describe('d1 statement kinds', () => {
  it.each([
    ['SELECT 1', 'read'],
    ['  (SELECT 1) UNION SELECT 2', 'read'],
    ['VALUES (1), (2)', 'read'],
    ['PRAGMA table_info(items)', 'read'],
    ['EXPLAIN QUERY PLAN DELETE FROM t', 'read'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'read'],
    ["SELECT replace(name, 'a', 'b') FROM t", 'read'],
    ['INSERT INTO t (a) VALUES (?)', 'insert'],
    ['REPLACE INTO t (a) VALUES (?)', 'insert'],
    ['insert or ignore into t default values', 'insert'],
    ["INSERT INTO t (a) VALUES ('returning')", 'insert'],
    ['INSERT INTO "returning" (a) VALUES (1) -- RETURNING id', 'insert'],
    ['INSERT INTO t (a) VALUES (1) /* RETURNING */', 'insert'],
    ['INSERT INTO t (a) VALUES (1) RETURNING id', 'returning'],
    ['INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET b = 2 RETURNING *', 'returning'],
    ['UPDATE t SET a = 1', 'write'],
    ['DELETE FROM t WHERE a = 1 returning a', 'returning'],
    ['WITH x AS (SELECT 1 AS v) UPDATE t SET a = (SELECT v FROM x)', 'write'],
    [
      'WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x) INSERT INTO t SELECT n FROM x',
      'insert',
    ],
    ['CREATE TABLE t (a INTEGER)', 'write'],
    ['DROP TABLE t', 'write'],
    ['BEGIN', 'transaction'],
    ['-- comment\nSAVEPOINT a', 'transaction'],
    ['release a', 'transaction'],
    ['END TRANSACTION', 'transaction'],
  ] as const)('%s -> %s', (sql, kind) => {
    expect(classify(sql)).toBe(kind)
  })

  it('blanks literals, quoted names and comments', () => {
    expect(codeOnly(`SELECT 'it''s', "a""b", [x], \`y\` -- z\n/* w */ FROM t`).replace(/\s+/g, ' ')).toBe(
      'SELECT , , , FROM t',
    )
  })
})

describe('d1 error messages', () => {
  const info = (message: string) => d1ErrorInfo(new Error(message), ['hunter2-secret'])
  it('reads the code D1 appends, refining SQLITE_CONSTRAINT by the message', () => {
    expect(info('D1_ERROR: UNIQUE constraint failed: t.x: SQLITE_CONSTRAINT')).toEqual({
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      message: 'UNIQUE constraint failed: t.x',
    })
    expect(info('D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT').code).toBe(
      'SQLITE_CONSTRAINT_FOREIGNKEY',
    )
    expect(info('D1_ERROR: CHECK constraint failed: qty > 0: SQLITE_CONSTRAINT').code).toBe(
      'SQLITE_CONSTRAINT_CHECK',
    )
    expect(
      info(
        'D1_ERROR: NOT NULL constraint failed: u.v: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)',
      ),
    ).toEqual({ code: 'SQLITE_CONSTRAINT_NOTNULL', message: 'NOT NULL constraint failed: u.v' })
    expect(info('D1_ERROR: integer overflow: SQLITE_ERROR')).toEqual({
      code: 'SQLITE_ERROR',
      message: 'integer overflow',
    })
  })
  it('flags transient failures as transport errors', () => {
    for (const m of [
      'Network connection lost.',
      'D1_ERROR: D1 DB is overloaded. Requests queued for too long.',
      'D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.',
      'D1_ERROR: Cannot resolve D1 DB due to transient issue on remote node.',
    ])
      expect(info(m).transport).toBe(true)
    expect(info('D1_ERROR: no such table: t: SQLITE_ERROR').transport).toBeUndefined()
  })
  it('maps D1_TYPE_ERROR to SQLITE_MISMATCH and redacts', () => {
    expect(info("D1_TYPE_ERROR: Type 'object' not supported for value 'hunter2-secret'")).toEqual({
      code: 'SQLITE_MISMATCH',
      message: "Type 'object' not supported for value '***'",
    })
    expect(d1ErrorInfo('plain string', []).message).toBe('plain string')
  })
})

describe('d1 binding type', () => {
  it("accepts workers-types' D1Database and sessions without importing them", () => {
    expectTypeOf<D1Database>().toExtend<D1DatabaseLike>()
    expectTypeOf<ReturnType<D1Database['withSession']>>().toExtend<D1DatabaseLike>()
    expectTypeOf(d1).parameter(0).toEqualTypeOf<D1DatabaseLike>()
  })
})
