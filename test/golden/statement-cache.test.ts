import { describe, expect, it } from 'vitest'
import { func, literal, mysql, postgresql, select, sqlite, t } from '../../core/index.js'
import { posts, users } from '../support/fixture.js'

const dialects = [postgresql, sqlite, mysql]

describe('statement cache', () => {
  it.each(dialects)('compiling the same statement twice hits the cache by identity ($name)', (dialect) => {
    const stmt = select(users.c.id).where(users.c.name.eq('ann'))
    const before = { ...dialect.cache.stats }
    const first = stmt.compile(dialect)
    const second = stmt.compile(dialect)
    expect(second).toEqual(first)
    expect(dialect.cache.stats.identityHits - before.identityHits).toBe(1)
    expect(dialect.cache.stats.misses - before.misses).toBeLessThanOrEqual(1)
  })

  it.each(dialects)('a rebuilt statement with other values hits the cache by shape ($name)', (dialect) => {
    const byName = (name: string) => select(users.c.id).where(users.c.name.eq(name), users.c.age.gt(7))
    byName('warm-up').compile(dialect)
    const before = { ...dialect.cache.stats }
    const compiled = byName('bob').compile(dialect)
    expect(compiled.params).toEqual(['bob', 7])
    expect(dialect.cache.stats.shapeHits - before.shapeHits).toBe(1)
    expect(dialect.cache.stats.misses - before.misses).toBe(0)
  })

  it.each(dialects)('aggregateStrings separators written inline are part of the shape ($name)', (dialect) => {
    const joined = (sep: string) => select(func.aggregateStrings(posts.c.title, sep)).selectFrom(posts)
    expect(joined(', ').compile(dialect).sql).toContain("', '")
    expect(joined(' | ').compile(dialect).sql).toContain("' | '")
    expect(joined(', ').compile(dialect).sql).not.toContain("' | '")
  })

  it.each(dialects)('IN lists of different lengths share one cache entry ($name)', (dialect) => {
    const byIds = (ids: number[]) => select(users.c.name).where(users.c.id.in(ids))
    byIds([1]).compile(dialect)
    const before = { ...dialect.cache.stats }
    const two = byIds([1, 2]).compile(dialect)
    const five = byIds([5, 4, 3, 2, 1]).compile(dialect)
    expect(dialect.cache.stats.misses - before.misses).toBe(0)
    expect(dialect.cache.stats.shapeHits - before.shapeHits).toBe(2)
    expect(two.params).toEqual([1, 2])
    expect(five.params).toEqual([5, 4, 3, 2, 1])
    const p = dialect === postgresql
    expect(five.sql).toBe(
      `SELECT users.name FROM users WHERE users.id IN (${p ? '$1, $2, $3, $4, $5' : '?, ?, ?, ?, ?'})`,
    )
  })

  it.each(dialects)('an empty IN list is its own cache entry ($name)', (dialect) => {
    const byIds = (ids: number[]) => select(users.c.name).where(users.c.id.notIn(ids))
    byIds([1, 2]).compile(dialect)
    const before = { ...dialect.cache.stats }
    expect(byIds([]).compile(dialect)).toEqual({
      sql: 'SELECT users.name FROM users WHERE 1 = 1',
      params: [],
    })
    expect(byIds([3]).compile(dialect).params).toEqual([3])
    expect(dialect.cache.stats.shapeHits - before.shapeHits).toBe(1)
  })

  it.each(dialects)(
    'an update with an onupdate column binds each value in its own slot ($name)',
    async (dialect) => {
      const { notes, users: u } = await import('../support/fixture.js')
      const { update } = await import('../../core/index.js')
      void u
      const a = update(notes).values({ body: 'a' }).where(notes.c.id.eq(1)).compile(dialect)
      const b = update(notes).values({ body: 'b' }).where(notes.c.id.eq(2)).compile(dialect)
      expect(a.params).toEqual(['a', 'system', 1])
      expect(b.params).toEqual(['b', 'system', 2])
    },
  )
})

describe('shape keys and types', () => {
  it('statements differing only in a type setting do not share SQL', () => {
    const naive = select(literal(new Date(0), t.DateTime()).label('d'))
    const aware = select(literal(new Date(0), t.DateTime({ timezone: true })).label('d'))
    expect(postgresql.compile(naive).sql).toBe('SELECT $1::TIMESTAMP WITHOUT TIME ZONE AS d')
    expect(postgresql.compile(aware).sql).toBe('SELECT $1::TIMESTAMP WITH TIME ZONE AS d')
  })
})

describe('shape cache bound', () => {
  it('keeps at most maxShapes shapes, dropping the least recently used', async () => {
    const { StatementCache } = await import('../../core/dialects/statement-cache.js')
    const { SqliteDialect } = await import('../../core/index.js')
    const dialect = new SqliteDialect()
    const cache = new StatementCache(2)
    const shapeA = () => select(users.c.id)
    const shapeB = () => select(users.c.name)
    const shapeC = () => select(users.c.email)
    cache.lookup(shapeA(), dialect)
    cache.lookup(shapeB(), dialect)
    cache.lookup(shapeA(), dialect) // A is now the most recent
    cache.lookup(shapeC(), dialect) // evicts B
    expect(cache.stats).toEqual({ identityHits: 0, shapeHits: 1, misses: 3 })
    cache.lookup(shapeA(), dialect)
    expect(cache.stats.shapeHits).toBe(2)
    cache.lookup(shapeB(), dialect)
    expect(cache.stats.misses).toBe(4)
  })
})
