import { describe, expect, it } from 'vitest'
import { Column, insert, MetaData, SqliteDialect, select, sqlite, Table, t } from '../../core/index.js'

describe('SqliteDialect({ bigIntegerAsText: true }) (what d1 uses)', () => {
  const counters = new Table('counters', new MetaData(), {
    id: new Column(t.Integer, { primaryKey: true }),
    hits: new Column(t.BigInteger, { nullable: false }),
  })
  const d1Like = new SqliteDialect({ bigIntegerAsText: true })

  it('reads top-level BigInteger columns as text, keeping their names', () => {
    expect(d1Like.compile(select(counters)).sql).toBe(
      'SELECT counters.id, CAST(counters.hits AS TEXT) AS hits FROM counters',
    )
    expect(d1Like.compile(insert(counters).values({ hits: 1n }).returning(counters.c.hits)).sql).toBe(
      'INSERT INTO counters (hits) VALUES (?) RETURNING CAST(counters.hits AS TEXT) AS hits',
    )
  })
  it('leaves subqueries and the plain sqlite dialect alone', () => {
    const sub = select(counters.c.hits).subquery('s')
    expect(d1Like.compile(select(sub.c.hits)).sql).toBe(
      'SELECT CAST(s.hits AS TEXT) AS hits FROM (SELECT counters.hits FROM counters) AS s',
    )
    expect(sqlite.compile(select(counters)).sql).toBe('SELECT counters.id, counters.hits FROM counters')
  })
})
