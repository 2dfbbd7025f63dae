import { describe, it } from 'vitest'
import { bindparam, literal, select, t, text } from '../../core/index.js'
import { useFixtureDatabases, users } from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('text() and bind parameters', () => {
  const dbs = useFixtureDatabases('text')

  it('text() with a bound parameter', async () => {
    const stmt = text('SELECT name FROM users WHERE id = :id').bindparams({ id: 2 })
    testSql(stmt, {
      postgresql: { sql: 'SELECT name FROM users WHERE id = $1::INTEGER', params: [2] },
      sqlite: { sql: 'SELECT name FROM users WHERE id = ?', params: [2] },
      mysql: { sql: 'SELECT name FROM users WHERE id = ?', params: [2] },
    })
    await expectRows(dbs, stmt, [['bob']])
  })

  it('text() with values given at compile time', async () => {
    const stmt = text('SELECT name FROM users WHERE id >= :lo AND id <= :hi ORDER BY id')
    testSql(
      stmt,
      {
        postgresql: { sql: 'SELECT name FROM users WHERE id >= $1 AND id <= $2 ORDER BY id', params: [2, 3] },
        sqlite: { sql: 'SELECT name FROM users WHERE id >= ? AND id <= ? ORDER BY id', params: [2, 3] },
        mysql: { sql: 'SELECT name FROM users WHERE id >= ? AND id <= ? ORDER BY id', params: [2, 3] },
      },
      { lo: 2, hi: 3 },
    )
    await expectRows(dbs, stmt, [['bob'], ['cy']], { params: { lo: 2, hi: 3 } })
  })

  it('text() repeats a named parameter', async () => {
    const stmt = text('SELECT id FROM users WHERE id = :x OR age = :x * 10').bindparams({ x: 3 })
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT id FROM users WHERE id = $1::INTEGER OR age = $2::INTEGER * 10',
        params: [3, 3],
      },
      sqlite: { sql: 'SELECT id FROM users WHERE id = ? OR age = ? * 10', params: [3, 3] },
      mysql: { sql: 'SELECT id FROM users WHERE id = ? OR age = ? * 10', params: [3, 3] },
    })
    await expectRows(dbs, stmt, [[1], [3]])
  })

  it('text() with an escaped colon', async () => {
    const stmt = text("SELECT 'a\\:b' AS s")
    testSql(stmt, {
      postgresql: { sql: "SELECT 'a:b' AS s", params: [] },
      sqlite: { sql: "SELECT 'a:b' AS s", params: [] },
      mysql: { sql: "SELECT 'a:b' AS s", params: [] },
    })
    await expectRows(dbs, stmt, [['a:b']])
  })

  it('text() with types for bindparams', async () => {
    const stmt = text('SELECT :n + 1 AS n').bindparams({ n: 41 }, { n: t.Integer })
    testSql(stmt, {
      postgresql: { sql: 'SELECT $1::INTEGER + 1 AS n', params: [41] },
      sqlite: { sql: 'SELECT ? + 1 AS n', params: [41] },
      mysql: { sql: 'SELECT ? + 1 AS n', params: [41] },
    })
    await expectRows(dbs, stmt, [[42]])
  })

  it('text() inside a select as a condition', async () => {
    const stmt = select(users.c.name)
      .where(text('users.age > :a').bindparams({ a: 29 }))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.age > $1::INTEGER ORDER BY users.id',
        params: [29],
      },
      sqlite: { sql: 'SELECT users.name FROM users WHERE users.age > ? ORDER BY users.id', params: [29] },
      mysql: { sql: 'SELECT users.name FROM users WHERE users.age > ? ORDER BY users.id', params: [29] },
    })
    await expectRows(dbs, stmt, [['ann'], ['dora']])
  })

  it('bindparam with a value given at compile time', async () => {
    const stmt = select(users.c.name).where(users.c.id.eq(bindparam('uid', t.Integer)))
    testSql(
      stmt,
      {
        postgresql: { sql: 'SELECT users.name FROM users WHERE users.id = $1', params: [3] },
        sqlite: { sql: 'SELECT users.name FROM users WHERE users.id = ?', params: [3] },
        mysql: { sql: 'SELECT users.name FROM users WHERE users.id = ?', params: [3] },
      },
      { uid: 3 },
    )
    await expectRows(dbs, stmt, [['cy']], { params: { uid: 3 } })
  })

  it('bindparam with a default value', async () => {
    const stmt = select(users.c.name).where(users.c.id.eq(bindparam('uid', t.Integer, 4)))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.name FROM users WHERE users.id = $1', params: [4] },
      sqlite: { sql: 'SELECT users.name FROM users WHERE users.id = ?', params: [4] },
      mysql: { sql: 'SELECT users.name FROM users WHERE users.id = ?', params: [4] },
    })
    await expectRows(dbs, stmt, [['dora']])
  })

  it('bindparam default overridden at compile time', async () => {
    const stmt = select(users.c.name).where(users.c.id.eq(bindparam('uid', t.Integer, 4)))
    testSql(
      stmt,
      {
        postgresql: { sql: 'SELECT users.name FROM users WHERE users.id = $1', params: [1] },
        sqlite: { sql: 'SELECT users.name FROM users WHERE users.id = ?', params: [1] },
        mysql: { sql: 'SELECT users.name FROM users WHERE users.id = ?', params: [1] },
      },
      { uid: 1 },
    )
    await expectRows(dbs, stmt, [['ann']], { params: { uid: 1 } })
  })

  it('one bindparam used twice', async () => {
    const p = bindparam('v', t.Integer)
    const stmt = select(users.c.id)
      .where(users.c.id.ge(p), users.c.age.lt(p.mul(20)))
      .orderBy(users.c.id)
    testSql(
      stmt,
      {
        postgresql: {
          sql: 'SELECT users.id FROM users WHERE users.id >= $1 AND users.age < $2::INTEGER * $3::INTEGER ORDER BY users.id',
          params: [2, 2, 20],
        },
        sqlite: {
          sql: 'SELECT users.id FROM users WHERE users.id >= ? AND users.age < ? * ? ORDER BY users.id',
          params: [2, 2, 20],
        },
        mysql: {
          sql: 'SELECT users.id FROM users WHERE users.id >= ? AND users.age < ? * ? ORDER BY users.id',
          params: [2, 2, 20],
        },
      },
      { v: 2 },
    )
    await expectRows(dbs, stmt, [[2]], { params: { v: 2 } })
  })

  it('bindparam in a LIKE', async () => {
    const stmt = select(users.c.id).where(users.c.name.like(bindparam('pat', t.String())))
    testSql(
      stmt,
      {
        postgresql: { sql: 'SELECT users.id FROM users WHERE users.name LIKE $1', params: ['d%'] },
        sqlite: { sql: 'SELECT users.id FROM users WHERE users.name LIKE ?', params: ['d%'] },
        mysql: { sql: 'SELECT users.id FROM users WHERE users.name LIKE ?', params: ['d%'] },
      },
      { pat: 'd%' },
    )
    await expectRows(dbs, stmt, [[4]], { params: { pat: 'd%' } })
  })

  it('a literal string param', async () => {
    const stmt = select(users.c.id).where(users.c.name.eq(literal('cy')))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.name = $1', params: ['cy'] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.name = ?', params: ['cy'] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.name = ?', params: ['cy'] },
    })
    await expectRows(dbs, stmt, [[3]])
  })
})
