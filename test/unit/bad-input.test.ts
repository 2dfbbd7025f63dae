/** Bad input gets a clear, typed error before anything is sent. */
import { describe, expect, it } from 'vitest'
import {
  ArgumentError,
  bindparam,
  Column,
  CompileError,
  delete_,
  insert,
  MetaData,
  mysql,
  postgresql,
  select,
  sqlite,
  Table,
  t,
  text,
  update,
} from '../../core/index.js'

const metadata = new MetaData()
const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false }),
  age: new Column(t.Integer),
  born: new Column(t.DateTime()),
  tag: new Column(t.Enum(['a', 'b'])),
})
const other = new Table('other', metadata, { id: new Column(t.Integer, { primaryKey: true }) })

describe('values()', () => {
  it('rejects an unknown column, naming the table and its columns', () => {
    expect(() => insert(users).values({ name: 'x', nope: 1 } as never)).toThrow(ArgumentError)
    expect(() => insert(users).values({ name: 'x', nope: 1 } as never)).toThrow(
      /users has no column "nope".*id, name/,
    )
    expect(() => update(users).values({ nope: 1 } as never)).toThrow(/no column "nope"/)
  })
  it('rejects a value of the wrong type', () => {
    expect(() => insert(users).values({ name: 'x', age: 'old' } as never)).toThrow(ArgumentError)
    expect(() => insert(users).values({ name: 'x', age: 1.5 })).toThrow(/Integer/)
    expect(() => insert(users).values({ name: 'x', born: '2020-01-01' } as never)).toThrow(/DateTime/)
    expect(() => insert(users).values({ name: 'x', born: new Date('nonsense') })).toThrow(/DateTime/)
    expect(() => update(users).values({ tag: 'c' } as never)).toThrow(/not one of Enum\(a, b\)/)
  })
  it('rejects null for a NOT NULL column and a missing required column', () => {
    expect(() => insert(users).values({ name: null } as never)).toThrow(/NOT NULL/)
    expect(() => insert(users).values({ age: 3 } as never)).toThrow(
      /leaves out NOT NULL column\(s\) without a default: name/,
    )
  })
  it('rejects rows with different keys in a multi-row insert', () => {
    expect(() => insert(users).values([{ name: 'a' }, { name: 'b', age: 2 }])).toThrow(/same keys/)
  })
  it('rejects undefined in a comparison and null in an IN list', () => {
    expect(() => users.c.age.eq(undefined as never)).toThrow(/undefined cannot be bound/)
    expect(() => users.c.age.in([1, null as never])).toThrow(/isNull/)
  })
  it('rejects a comparison value of the wrong type', () => {
    expect(() => users.c.age.eq('x' as never)).toThrow(ArgumentError)
    expect(() => users.c.name.in([1 as never])).toThrow(ArgumentError)
  })
})

describe('statements a dialect cannot express', () => {
  it('RETURNING on mysql is a CompileError naming the alternative', () => {
    const stmt = insert(users).values({ name: 'x' }).returning(users.c.id)
    expect(() => stmt.compile(mysql)).toThrow(CompileError)
    expect(() => stmt.compile(mysql)).toThrow(/lastInsertId/)
  })
  it('an upsert of the wrong style names the other', () => {
    const s = insert(users).values({ id: 1, name: 'x' })
    expect(() => s.onDuplicateKeyUpdate({ name: 'y' }).compile(postgresql)).toThrow(/onConflictDoUpdate/)
    expect(() => s.onDuplicateKeyUpdate({ name: 'y' }).compile(sqlite)).toThrow(/onConflictDoUpdate/)
    expect(() => s.onConflictDoNothing().compile(mysql)).toThrow(/onDuplicateKeyUpdate/)
  })
  it('FULL JOIN and DISTINCT ON name what to use instead', () => {
    expect(() => select(users.c.id).fullJoin(other, users.c.id.eq(other.c.id)).compile(mysql)).toThrow(
      /UNION/,
    )
    expect(() => select(users.c.id).distinct(users.c.name).compile(sqlite)).toThrow(/GROUP BY/)
  })
})

describe('identifiers', () => {
  it('PostgreSQL allows 63 bytes', () => {
    const long = new Table('x'.repeat(64), new MetaData(), {
      id: new Column(t.Integer, { primaryKey: true }),
    })
    expect(() => select(long.c.id).compile(postgresql)).toThrow(/63/)
    expect(() => select(long.c.id).compile(mysql)).not.toThrow()
  })
  it('MySQL rejects a trailing space and more than 64 characters', () => {
    const spaced = new Table('t ', new MetaData(), { id: new Column(t.Integer, { primaryKey: true }) })
    expect(() => select(spaced.c.id).compile(mysql)).toThrow(/ends with a space/)
    expect(select(spaced.c.id).compile(postgresql).sql).toBe('SELECT "t ".id FROM "t "')
  })
  it('quotes reserved words, mixed case and embedded quotes', () => {
    const odd = new Table('select', new MetaData(), {
      id: new Column(t.Integer, { primaryKey: true }),
      weird: new Column(t.Integer, { name: 'My "Col"' }),
    })
    expect(select(odd.c.weird).compile(postgresql).sql).toBe(
      'SELECT "select"."My ""Col""" AS weird FROM "select"',
    )
    expect(select(odd.c.weird).compile(mysql).sql).toBe('SELECT `select`.`My "Col"` AS weird FROM `select`')
  })
})

describe('other builder misuse', () => {
  it('limit and offset take non-negative integers', () => {
    expect(() => select(users.c.id).limit(-1)).toThrow(/non-negative integer/)
    expect(() => select(users.c.id).offset(1.5)).toThrow(/non-negative integer/)
  })
  it('text().bindparams names an unknown parameter', () => {
    expect(() => text('SELECT :a').bindparams({ b: 1 })).toThrow(/no parameter named :b/)
  })
  it('a parameter without a value fails when binding, naming it', () => {
    const stmt = select(users.c.id).where(users.c.name.eq(bindparam('who', t.String())))
    expect(() => stmt.compile(postgresql)).toThrow(/No value was given for :who/)
    expect(stmt.compile(postgresql, { who: 'Ann' }).params).toEqual(['Ann'])
    expect(() => stmt.compile(postgresql, { who: 5 })).toThrow(ArgumentError)
  })
  it('an UPDATE with nothing to set is a CompileError', () => {
    expect(() => update(users).where(users.c.id.eq(1)).compile(sqlite)).toThrow(/no values to set/)
  })
  it('a table column map must hold Columns and one table per column', () => {
    expect(() => new Table('bad', new MetaData(), { x: 1 } as never)).toThrow(/not a Column/)
    expect(() => new Table('users', metadata, { id: new Column(t.Integer) })).toThrow(/already defined/)
    expect(() => new Table('copy', new MetaData(), { id: users.c.id })).toThrow(/already belongs to a table/)
  })
  it('delete_ needs a table', () => {
    expect(() => delete_(undefined as never).compile(sqlite)).toThrow()
  })
})

describe('single-table statements', () => {
  it('a column of another table in UPDATE, DELETE or INSERT is a CompileError', () => {
    expect(() => update(users).values({ age: 1 }).where(other.c.id.eq(1)).compile(postgresql)).toThrow(
      /UPDATE users refers to a column of other; add it with from\(\)/,
    )
    expect(() => delete_(users).where(other.c.id.eq(1)).compile(mysql)).toThrow(
      /DELETE FROM users refers to a column of other/,
    )
    expect(() => insert(users).values({ name: 'x', age: other.c.id }).compile(sqlite)).toThrow(CompileError)
  })
  it('is fine through from() or inside a subquery', () => {
    expect(
      update(users).values({ age: 1 }).from(other).where(other.c.id.eq(users.c.id)).compile(postgresql).sql,
    ).toBe('UPDATE users SET age = $1 FROM other WHERE other.id = users.id')
    const sub = select(other.c.id).where(other.c.id.eq(users.c.id)).exists()
    expect(delete_(users).where(sub).compile(sqlite).sql).toBe(
      'DELETE FROM users WHERE EXISTS (SELECT other.id FROM other WHERE other.id = users.id)',
    )
  })
})

describe('engine options', () => {
  it('pool options are refused with a pointer to the WebSocket adapter', async () => {
    const { createAsyncEngine } = await import('../../core/index.js')
    const { d1 } = await import('../../adapters/d1/index.js')
    const binding = { prepare: () => ({}), batch: async () => [] }
    expect(() => createAsyncEngine(d1(binding as never), { poolSize: 5 } as never)).toThrow(
      /neon\(url, \{ poolSize/,
    )
  })
})
