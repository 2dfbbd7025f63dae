/** SELECT: filters, ordering, limits, joins, aggregates, subqueries, text(). */
import {
  and,
  bindparam,
  case_,
  cast,
  desc,
  exists,
  func,
  literal,
  not,
  or,
  select,
  t,
  text,
  union,
  unionAll,
} from '../../core/index.js'
import { categories, items } from './schema.js'
import { itemRows, seedItems } from './seed.js'
import type { Topic } from './types.js'

export function selectTopic(s: Topic): void {
  const { test, expect, api } = s
  api.beforeAll(() => seedItems(s.engine), 60_000)
  const ids = async (stmt: Parameters<typeof s.engine.execute>[0]) =>
    (await s.engine.execute(stmt)).scalars().all()
  const byId = select(items.c.id).orderBy(items.c.id)

  test('select(table) returns every column of every row', async () => {
    const rows = (await s.engine.execute(select(items).orderBy(items.c.id))).all()
    expect(rows).toHaveLength(10)
    expect(rows[0]!._mapping).toEqual({ ...itemRows[0] })
    expect(rows[6]!._mapping).toEqual({ ...itemRows[6] })
  })
  test('eq filters', async () => {
    expect(await ids(byId.where(items.c.name.eq('Doll')))).toEqual([4])
  })
  test('ne filters', async () => {
    expect(await ids(byId.where(items.c.categoryId.ne(2)))).toEqual([1, 2, 3, 8])
  })
  test('lt, le, gt, ge filter', async () => {
    expect(await ids(byId.where(items.c.qty.lt(3)))).toEqual([5, 7])
    expect(await ids(byId.where(items.c.qty.le(3)))).toEqual([2, 5, 7])
    expect(await ids(byId.where(items.c.qty.gt(7)))).toEqual([4, 6])
    expect(await ids(byId.where(items.c.qty.ge(7)))).toEqual([4, 6, 10])
  })
  test('between filters inclusively', async () => {
    expect(await ids(byId.where(items.c.qty.between(4, 6)))).toEqual([1, 8, 9])
  })
  test('in filters by a list', async () => {
    expect(await ids(byId.where(items.c.id.in([9, 2, 5])))).toEqual([2, 5, 9])
  })
  test('in with an empty list matches nothing', async () => {
    expect(await ids(byId.where(items.c.id.in([])))).toEqual([])
  })
  test('notIn excludes a list', async () => {
    expect(await ids(byId.where(items.c.id.notIn([1, 2, 3, 4, 5, 6, 7])))).toEqual([8, 9, 10])
  })
  test('in with a list of 50 values', async () => {
    const list = Array.from({ length: 50 }, (_, i) => i + 1)
    expect(await ids(byId.where(items.c.id.in(list)))).toHaveLength(10)
  })
  test('isNull and isNotNull', async () => {
    expect(await ids(byId.where(items.c.qty.isNull()))).toEqual([3])
    expect(await ids(byId.where(items.c.price.isNotNull()))).toHaveLength(9)
  })
  test('eq(null) is IS NULL', async () => {
    expect(await ids(byId.where(items.c.categoryId.eq(null)))).toEqual([7])
  })
  test('like matches with wildcards', async () => {
    expect(await ids(byId.where(items.c.name.like('%e%')))).toEqual([2, 3, 5, 6, 7, 8])
  })
  test('ilike matches case-insensitively', async () => {
    expect(await ids(byId.where(items.c.name.ilike('h%')))).toEqual([8])
    expect(await ids(byId.where(items.c.name.ilike('ANVIL')))).toEqual([1])
  })
  test('startsWith with autoescape treats % and _ literally', async () => {
    expect(await ids(byId.where(items.c.note.startsWith('50%', { autoescape: true })))).toEqual([8])
    expect(await ids(byId.where(items.c.note.contains('e_c', { autoescape: true })))).toEqual([9])
    expect(await ids(byId.where(items.c.note.contains('e%c', { autoescape: true })))).toEqual([])
  })
  test('and, or, not combine conditions', async () => {
    const cond = or(and(items.c.active.eq(false), items.c.categoryId.eq(2)), items.c.id.eq(1))
    expect(await ids(byId.where(cond))).toEqual([1, 5, 9])
    expect(await ids(byId.where(not(items.c.active.eq(true))))).toEqual([3, 5, 9])
  })
  test('boolean columns compare with true and false', async () => {
    expect(await ids(byId.where(items.c.active.eq(false)))).toEqual([3, 5, 9])
  })
  test('orderBy desc and several keys', async () => {
    const stmt = select(items.c.id).orderBy(desc(items.c.categoryId), items.c.id.desc()).limit(3)
    expect(await ids(stmt.where(items.c.categoryId.isNotNull()))).toEqual([10, 9, 6])
  })
  test('nullsFirst and nullsLast order NULLs', async () => {
    const first = select(items.c.id).orderBy(items.c.qty.asc().nullsFirst(), items.c.id).limit(2)
    expect(await ids(first)).toEqual([3, 7])
    const last = select(items.c.id).orderBy(items.c.qty.desc().nullsLast(), items.c.id)
    expect((await ids(last)).at(-1)).toBe(3)
  })
  test('limit and offset page through rows', async () => {
    expect(await ids(byId.limit(3).offset(4))).toEqual([5, 6, 7])
  })
  test('offset without limit skips rows', async () => {
    expect(await ids(byId.offset(8))).toEqual([9, 10])
  })
  test('distinct removes duplicate rows', async () => {
    const rows = await ids(select(items.c.categoryId).distinct().where(items.c.categoryId.isNotNull()))
    expect([...rows].sort()).toEqual([1, 2])
  })
  test('count(*) is a number', async () => {
    expect(await s.engine.scalar(select(func.count()).selectFrom(items))).toBe(10)
  })
  test('sum, min and max of an integer column are numbers', async () => {
    const row = (
      await s.engine.execute(
        select(func.sum(items.c.qty).label('total'), func.min(items.c.qty), func.max(items.c.qty)),
      )
    ).one()
    expect(row._tuple()).toEqual([46, 1, 10])
  })
  test('max of a Numeric column is a string with its scale', async () => {
    expect(await s.engine.scalar(select(func.max(items.c.price)))).toBe('99.99')
  })
  test('groupBy with having and count', async () => {
    const n = func.count(items.c.id).label('n')
    const stmt = select(items.c.categoryId, n)
      .groupBy(items.c.categoryId)
      .having(func.count(items.c.id).gt(1))
      .orderBy(items.c.categoryId)
    const rows = (await s.engine.execute(stmt)).all().map((r) => r._tuple())
    expect(rows).toEqual([
      [1, 4],
      [2, 5],
    ])
  })
  test('inner join follows the foreign key', async () => {
    const stmt = select(items.c.name, categories.c.name.label('category'))
      .join(categories)
      .where(items.c.id.in([1, 4]))
      .orderBy(items.c.id)
    const rows = (await s.engine.execute(stmt)).all()
    expect(rows.map((r) => [r.name, r.category])).toEqual([
      ['Anvil', 'tools'],
      ['Doll', 'toys'],
    ])
  })
  test('outer join gives NULL for the missing side', async () => {
    const stmt = select(categories.c.name, items.c.id).outerjoin(items).where(categories.c.id.eq(3))
    expect((await s.engine.execute(stmt)).one()._tuple()).toEqual(['empty', null])
  })
  test('subquery in IN', async () => {
    const toys = select(categories.c.id).where(categories.c.name.eq('tools'))
    expect(await ids(byId.where(items.c.categoryId.in(toys)))).toEqual([1, 2, 3, 8])
  })
  test('correlated EXISTS', async () => {
    const has = exists(select(items.c.id).where(items.c.categoryId.eq(categories.c.id)))
    const stmt = select(categories.c.id).where(not(has))
    expect((await s.engine.execute(stmt)).scalars().all()).toEqual([3])
  })
  test('scalar subquery in the select list', async () => {
    const count = select(func.count(items.c.id))
      .where(items.c.categoryId.eq(categories.c.id))
      .scalarSubquery()
      .label('n')
    const stmt = select(categories.c.name, count).orderBy(categories.c.id)
    expect((await s.engine.execute(stmt)).all().map((r) => r.n)).toEqual([4, 5, 0])
  })
  test('derived table from .subquery()', async () => {
    const sub = select(items.c.id, items.c.qty).where(items.c.qty.gt(5)).subquery('big')
    const stmt = select(func.count()).selectFrom(sub)
    expect(await s.engine.scalar(stmt)).toBe(4)
  })
  test('CTE', async () => {
    const cheap = select(items.c.id, items.c.name).where(items.c.price.lt('5.00')).cte('cheap')
    const stmt = select(cheap.c.name).orderBy(cheap.c.name)
    expect((await s.engine.execute(stmt)).scalars().all()).toEqual(['Bucket', 'Frisbee', 'Jigsaw'])
  })
  test('union and unionAll', async () => {
    const a = select(items.c.id).where(items.c.id.le(2))
    const b = select(items.c.id).where(items.c.id.between(2, 3))
    const u = (await s.engine.execute(union(a, b).orderBy(items.c.id))).scalars().all()
    expect(u).toEqual([1, 2, 3])
    const all = (await s.engine.execute(unionAll(a, b))).scalars().all()
    expect([...all].sort()).toEqual([1, 2, 2, 3])
  })
  test('window function row_number over a partition', async () => {
    const rn = func.row_number!().over({ partitionBy: items.c.categoryId, orderBy: items.c.id }).label('rn')
    const stmt = select(items.c.id, rn).where(items.c.categoryId.eq(1)).orderBy(items.c.id)
    expect((await s.engine.execute(stmt)).all().map((r) => r.rn)).toEqual([1, 2, 3, 4])
  })
  test('case_ expression', async () => {
    const size = case_([[items.c.qty.ge(5), 'many']], { else_: 'few' }).label('size')
    const stmt = select(items.c.id, size)
      .where(items.c.id.in([1, 2]))
      .orderBy(items.c.id)
    expect((await s.engine.execute(stmt)).all().map((r) => r.size)).toEqual(['many', 'few'])
  })
  test('cast to Integer and to String', async () => {
    const row = (
      await s.engine.execute(
        select(cast(items.c.price, t.Integer).label('p'), cast(items.c.id, t.String(10)).label('s')).where(
          items.c.id.eq(2),
        ),
      )
    ).one()
    expect([row.p === 4 || row.p === 5, row.s]).toEqual([true, '2'])
  })
  test('arithmetic on columns', async () => {
    const stmt = select(items.c.qty.add(1).label('a'), items.c.qty.mul(3).label('m')).where(items.c.id.eq(1))
    expect((await s.engine.execute(stmt)).one()._tuple()).toEqual([6, 15])
  })
  test('string concatenation', async () => {
    const stmt = select(items.c.name.concat('!').label('x')).where(items.c.id.eq(1))
    expect(await s.engine.scalar(stmt)).toBe('Anvil!')
  })
  test('lower, upper, length and coalesce', async () => {
    const stmt = select(
      func.lower(items.c.name),
      func.upper(items.c.name),
      func.length(items.c.name).label('len'),
      func.coalesce(items.c.note, 'none').label('n'),
    ).where(items.c.id.eq(1))
    expect((await s.engine.execute(stmt)).one()._tuple()).toEqual(['anvil', 'ANVIL', 5, 'none'])
  })
  test("the database's current time reads as a Date in UTC", async () => {
    const now = await s.engine.scalar(select(func.currentTimestamp()))
    expect(now).toBeInstanceOf(Date)
    expect(Math.abs((now as Date).getTime() - Date.now())).toBeLessThan(120_000)
  })
  test('a select without FROM of literals', async () => {
    const row = (
      await s.engine.execute(select(literal(41).add(1).label('x'), literal('hi').label('y')))
    ).one()
    expect([row.x, row.y]).toEqual([42, 'hi'])
  })
  test('bindparam given at execution time, reused with other values', async () => {
    const stmt = select(items.c.name).where(items.c.id.eq(bindparam('k', t.Integer)))
    expect(await s.engine.scalar(stmt, { k: 2 })).toBe('Bucket')
    expect(await s.engine.scalar(stmt, { k: 3 })).toBe('Chisel')
  })
  test('text() with bindparams', async () => {
    const stmt = text('SELECT name FROM ea_items WHERE id = :id').bindparams({ id: 4 })
    expect(await s.engine.scalar(stmt)).toBe('Doll')
  })
  test('text() with parameters given at execution', async () => {
    const stmt = text('SELECT id FROM ea_items WHERE qty >= :lo AND qty <= :hi ORDER BY id')
    expect((await s.engine.execute(stmt, { lo: 6, hi: 8 })).scalars().all()).toEqual([4, 8, 10])
  })
  test('the same statement through a connection', async () => {
    const conn = await s.engine.connect()
    try {
      expect((await conn.execute(byId.limit(2))).scalars().all()).toEqual([1, 2])
      expect(await conn.scalar(select(func.count()).selectFrom(categories))).toBe(3)
    } finally {
      await conn.close()
    }
  })
}
