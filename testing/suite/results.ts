/** The Result API on real rows: rows, scalars, mappings, partitions, unique, columns, fetch*. */
import { func, literal, MultipleResultsFound, NoResultFound, select, text } from '../../core/index.js'
import { caught } from './helpers.js'
import { categories, items } from './schema.js'
import { seedItems } from './seed.js'
import type { Topic } from './types.js'

export function resultsTopic(s: Topic): void {
  const { test, expect, api } = s
  api.beforeAll(() => seedItems(s.engine), 60_000)
  const names = select(items.c.id, items.c.name).orderBy(items.c.id)
  const run = (stmt: Parameters<typeof s.engine.execute>[0]) => s.engine.execute(stmt)
  const none = names.where(items.c.id.lt(0))
  const two = names.where(items.c.id.le(2))

  test('all() gives rows that are not arrays', async () => {
    const rows = (await run(names)).all()
    expect(rows).toHaveLength(10)
    expect(Array.isArray(rows[0])).toBe(false)
  })
  test('rows have index access', async () => {
    const row = (await run(names)).first()!
    expect([row[0], row[1]]).toEqual([1, 'Anvil'])
  })
  test('rows have named access', async () => {
    const row = (await run(names)).first()!
    expect([row.id, row.name]).toEqual([1, 'Anvil'])
  })
  test('row._mapping is a plain object of the row', async () => {
    expect((await run(names)).first()!._mapping).toEqual({ id: 1, name: 'Anvil' })
  })
  test('row._tuple() and JSON.stringify(row)', async () => {
    const row = (await run(names)).first()!
    expect(row._tuple()).toEqual([1, 'Anvil'])
    expect(JSON.parse(JSON.stringify(row))).toEqual({ id: 1, name: 'Anvil' })
  })
  test('duplicate names from a join are labelled id, id_1', async () => {
    const stmt = select(items.c.id, categories.c.id, categories.c.name)
      .join(categories)
      .where(items.c.id.eq(4))
    const result = await run(stmt)
    expect(result.keys()).toEqual(['id', 'id_1', 'name'])
    const row = result.one()
    expect([row.id, row.id_1, row.name]).toEqual([4, 2, 'toys'])
    expect(row._mapping).toEqual({ id: 4, id_1: 2, name: 'toys' })
  })
  test('duplicate names from select(a, b) of two tables', async () => {
    const stmt = select(items, categories).join(categories).where(items.c.id.eq(1))
    const row = (await run(stmt)).one()
    expect(row._fields).toContain('id_1')
    expect(row._fields).toContain('name_1')
    expect(row._mapping.name).toBe('Anvil')
    expect(row._mapping.name_1).toBe('tools')
  })
  test('columns named like object members (__proto__, constructor, length) stay plain data', async () => {
    const stmt = select(
      literal(1).label('__proto__'),
      literal(2).label('constructor'),
      literal(3).label('length'),
      literal(4).label('toString'),
    )
    const expected = JSON.parse('{"__proto__":1,"constructor":2,"length":3,"toString":4}')
    const row = (await run(stmt)).one()
    expect(Object.keys(row._mapping)).toEqual(['__proto__', 'constructor', 'length', 'toString'])
    expect(row._mapping).toEqual(expected)
    expect(row._tuple()).toEqual([1, 2, 3, 4])
    expect((await run(stmt)).mappings().one()).toEqual(expected)
    expect(Object.getPrototypeOf((await run(stmt)).mappings().one())).toBe(Object.prototype)
  })
  test('first() gives the first row and discards the rest', async () => {
    const r = await run(names)
    expect(r.first()!.id).toBe(1)
    expect(r.all()).toEqual([])
  })
  test('first() is null without rows', async () => {
    expect((await run(none)).first()).toBeNull()
  })
  test('one() gives the only row', async () => {
    expect((await run(names.where(items.c.id.eq(3)))).one().name).toBe('Chisel')
  })
  test('one() raises NoResultFound without rows', async () => {
    expect(await caught(async () => (await run(none)).one())).toBeInstanceOf(NoResultFound)
  })
  test('one() raises MultipleResultsFound with more rows', async () => {
    expect(await caught(async () => (await run(two)).one())).toBeInstanceOf(MultipleResultsFound)
  })
  test('oneOrNone() gives null, the row, or raises', async () => {
    expect((await run(none)).oneOrNone()).toBeNull()
    expect((await run(names.where(items.c.id.eq(5)))).oneOrNone()!.name).toBe('Easel')
    expect(await caught(async () => (await run(two)).oneOrNone())).toBeInstanceOf(MultipleResultsFound)
  })
  test('scalar() gives the first column of the first row, or null', async () => {
    expect((await run(names)).scalar()).toBe(1)
    expect((await run(none)).scalar()).toBeNull()
  })
  test('scalarOne() and scalarOneOrNone()', async () => {
    expect((await run(names.where(items.c.id.eq(6)))).scalarOne()).toBe(6)
    expect((await run(none)).scalarOneOrNone()).toBeNull()
    expect(await caught(async () => (await run(none)).scalarOne())).toBeInstanceOf(NoResultFound)
    expect(await caught(async () => (await run(two)).scalarOneOrNone())).toBeInstanceOf(MultipleResultsFound)
  })
  test('scalars() gives the first column', async () => {
    expect((await run(two)).scalars().all()).toEqual([1, 2])
  })
  test('scalars(name) and scalars(index) pick a column', async () => {
    expect((await run(two)).scalars('name').all()).toEqual(['Anvil', 'Bucket'])
    expect((await run(two)).scalars(1).first()).toBe('Anvil')
  })
  test('mappings() gives plain objects', async () => {
    expect((await run(two)).mappings().all()).toEqual([
      { id: 1, name: 'Anvil' },
      { id: 2, name: 'Bucket' },
    ])
  })
  test('partitions(n) gives lists of n rows', async () => {
    const parts = [...(await run(names)).partitions(4)].map((p) => p.map((r) => r.id))
    expect(parts).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ])
  })
  test('unique() drops duplicate rows', async () => {
    const stmt = select(items.c.categoryId).where(items.c.categoryId.isNotNull()).orderBy(items.c.categoryId)
    expect((await run(stmt)).unique().scalars().all()).toEqual([1, 2])
    expect((await run(stmt)).scalars().unique().all()).toEqual([1, 2])
  })
  test('columns() narrows and reorders the columns', async () => {
    const rows = (await run(two)).columns('name', 'id').all()
    expect(rows.map((r) => r._tuple())).toEqual([
      ['Anvil', 1],
      ['Bucket', 2],
    ])
  })
  test('fetchOne() reads one row at a time, then null', async () => {
    const r = await run(two)
    expect(r.fetchOne()!.id).toBe(1)
    expect(r.fetchOne()!.id).toBe(2)
    expect(r.fetchOne()).toBeNull()
  })
  test('fetchMany(n) reads n rows at a time', async () => {
    const r = await run(names)
    expect(r.fetchMany(3).map((x) => x.id)).toEqual([1, 2, 3])
    expect(r.fetchMany(3).map((x) => x.id)).toEqual([4, 5, 6])
    expect(r.fetchAll().map((x) => x.id)).toEqual([7, 8, 9, 10])
    expect(r.fetchMany(3)).toEqual([])
  })
  test('a result is iterable with for...of', async () => {
    const seen: unknown[] = []
    for (const row of await run(two)) seen.push(row.name)
    expect(seen).toEqual(['Anvil', 'Bucket'])
  })
  test('keys() names the columns, labels included', async () => {
    const stmt = select(items.c.id.label('item_id'), func.count().label('n')).groupBy(items.c.id).limit(1)
    expect((await run(stmt)).keys()).toEqual(['item_id', 'n'])
  })
  test('engine.scalar, conn.scalar and conn.scalars', async () => {
    expect(await s.engine.scalar(names.where(items.c.id.eq(9)))).toBe(9)
    const conn = await s.engine.connect()
    try {
      expect(await conn.scalar(select(items.c.name).where(items.c.id.eq(9)))).toBe('Igloo kit')
      expect((await conn.scalars(two)).all()).toEqual([1, 2])
    } finally {
      await conn.close()
    }
  })
  test('text() results: names from the database, integers and strings decoded alike', async () => {
    const r = await run(text('SELECT id, name, qty FROM ea_items WHERE id IN (1, 3) ORDER BY id'))
    expect(r.keys()).toEqual(['id', 'name', 'qty'])
    expect(r.all().map((x) => x._tuple())).toEqual([
      [1, 'Anvil', 5],
      [3, 'Chisel', null],
    ])
  })
  test('text() aggregates read as numbers on every adapter', async () => {
    const row = (
      await run(text('SELECT count(*) AS n, sum(qty) AS total FROM ea_items WHERE qty IS NOT NULL'))
    ).one()
    expect(Number(row.n)).toBe(9)
    expect(typeof row.n).toBe('number')
    expect(Number(row.total)).toBe(46)
  })
  test('text() select of literals', async () => {
    const row = (await run(text("SELECT 1 AS one, 'two' AS two"))).one()
    expect(row._mapping).toEqual({ one: 1, two: 'two' })
  })
}
