/**
 * One value policy on every adapter: a value is accepted only if every database stores it and
 * reads it back unchanged; otherwise a `DataError` naming the column is raised before anything
 * is sent. Each refused value is checked on every write path (insert, update, executemany, a
 * batch, an ORM commit): nothing reaches the remote (its request counter) and the database holds
 * no row afterwards. Accepted boundary values round-trip unchanged.
 * @module
 */
import { ArgumentError, DataError, func, insert, select, update } from '../../core/index.js'
import { AsyncSession } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Author, Book } from './orm-schema.js'
import { types } from './schema.js'
import type { Topic } from './types.js'
import { expectSame } from './types-round-trip.js'

type Key = Exclude<keyof typeof types.c, 'id'>

function cycle(): unknown {
  const o: Record<string, unknown> = { a: 1 }
  o.self = o
  return o
}

/** The policy table: per type, values refused with DataError (each a case). */
export const refusedValues: readonly (readonly [Key, string, () => unknown])[] = [
  ['vInteger', '2^31', () => 2 ** 31],
  ['vInteger', '-2^31 - 1', () => -(2 ** 31) - 1],
  ['vInteger', '2^40', () => 2 ** 40],
  ['vInteger', 'a bigint beyond 32 bits', () => 2n ** 40n],
  ['vSmall', '2^15', () => 32768],
  ['vBig', '2^63', () => 2n ** 63n],
  ['vBig', '2^64', () => 2n ** 64n],
  ['vBig', '-2^63 - 1', () => -(2n ** 63n) - 1n],
  ['vFloat', 'NaN', () => Number.NaN],
  ['vFloat', 'Infinity', () => Number.POSITIVE_INFINITY],
  ['vFloat', '-Infinity', () => Number.NEGATIVE_INFINITY],
  ['vNumeric', 'too many integer digits', () => '123456789.00'],
  ['vNumeric', 'too many fraction digits', () => '1.234'],
  ['vNumeric', 'a float with 17 fraction digits (0.1 + 0.2)', () => 0.1 + 0.2],
  ['vNumeric', 'text that is not a number', () => '12abc'],
  ['vString', '201 characters', () => 'x'.repeat(201)],
  ['vString', '201 astral characters', () => '😀'.repeat(201)],
  ['vString', 'a lone high surrogate', () => 'ab\ud800cd'],
  ['vText', 'a lone low surrogate', () => '\udc00'],
  ['vText', 'a NUL character', () => 'a\0b'],
  ['vDate', 'month 13, day 45', () => '2024-13-45'],
  ['vDate', '29 February of a common year', () => '2023-02-29'],
  ['vDate', 'year 0', () => '0000-01-01'],
  ['vDate', 'not a date', () => 'tomorrow'],
  ['vTime', '99:99:99', () => '99:99:99'],
  ['vTime', '24:00:00', () => '24:00:00'],
  ['vTime', 'without seconds', () => '12:30'],
  ['vTime', 'with a fraction', () => '12:30:00.5'],
  ['vDateTime', 'an Invalid Date', () => new Date('nonsense')],
  ['vDateTime', 'year 10000', () => new Date(Date.UTC(10000, 0, 1))],
  ['vJson', 'a bigint', () => ({ n: 1n })],
  ['vJson', 'a cycle', cycle],
  ['vJson', 'a function', () => ({ f: () => 1 })],
  ['vJson', 'NaN', () => [1, Number.NaN]],
  ['vJson', 'a lone surrogate in a string', () => ({ s: 'x\ud83d' })],
  ['vJson', 'a lone surrogate in a key', () => ({ '\udfff': 1 })],
  ['vJson', 'undefined in an array', () => [1, undefined]],
  ['vJson', 'a Map', () => new Map([['a', 1]])],
]

/** Accepted boundary values: each is written and must read back unchanged. */
export const acceptedValues: readonly (readonly [Key, string, unknown, unknown?])[] = [
  ['vInteger', '2^31 - 1', 2147483647],
  ['vInteger', '-2^31', -2147483648],
  ['vSmall', '-2^15', -32768],
  ['vBig', '2^63 - 1', 9223372036854775807n],
  ['vBig', '-2^63', -9223372036854775808n],
  ['vFloat', 'the largest double', Number.MAX_VALUE],
  ['vNumeric', '99999999.99', '99999999.99'],
  ['vNumeric', '-99999999.99', '-99999999.99'],
  ['vNumeric', "'1.500' (a trailing zero beyond the scale)", '1.500', '1.50'],
  ['vNumeric', '0.01', '0.01'],
  ['vString', 'exactly 200 characters', 'y'.repeat(200)],
  ['vString', 'exactly 200 astral characters (400 UTF-16 units)', '𝔘😀'.repeat(100)],
  ['vString', 'a surrogate pair split across nothing (mixed text)', `é${'𠜎'.repeat(150)}${'a'.repeat(49)}`],
  ['vDate', '0001-01-01', '0001-01-01'],
  ['vDate', '9999-12-31', '9999-12-31'],
  ['vDate', '2000-02-29 (a leap century)', '2000-02-29'],
  ['vTime', '23:59:59', '23:59:59'],
  ['vDateTime', 'year 1', new Date('0001-01-01T00:00:00.000Z')],
  ['vDateTime', 'the last millisecond of 9999', new Date('9999-12-31T23:59:59.999Z')],
  [
    'vJson',
    'nested values, unicode, an undefined property left out',
    { a: [1, 'é😀'], b: undefined },
    { a: [1, 'é😀'] },
  ],
]

export function valuePolicyCases(s: Topic): void {
  const { test, expect } = s
  /** Requests (WebSocket messages on neon-ws) the remote has seen; undefined where none are counted. */
  const sent = () => s.requests() ?? s.config.faults?.count()
  const rowsWithId = (id: number) =>
    s.engine.scalar(select(func.count()).selectFrom(types).where(types.c.id.eq(id)))
  /** Runs `write`, which must fail with a DataError naming `column`, with nothing sent and no row. */
  const refusedBeforeSending = async (id: number, column: string, write: () => Promise<unknown>) => {
    const before = sent()
    const err = await caught(write)
    expect(err).toBeInstanceOf(DataError)
    expect(err.message).toContain(column)
    if (before !== undefined) expect(sent()).toBe(before)
    expect(Number(await rowsWithId(id))).toBe(0)
    return err
  }

  for (const [key, label, value] of refusedValues) {
    const column = `ea_types.${types.c[key].name}`
    test(`values: ${String(types.c[key].type)} refuses ${label} (insert), nothing sent`, async () => {
      const id = s.nextId()
      await refusedBeforeSending(id, column, () =>
        s.engine.execute(insert(types).values({ id, [key]: value() } as never)),
      )
    })
  }

  test('values: an UPDATE refuses a value out of range, nothing sent, the row unchanged', async () => {
    const id = s.nextId()
    await s.engine.execute(insert(types).values({ id, vInteger: 5 }))
    const before = sent()
    const err = await caught(() =>
      s.engine.execute(
        update(types)
          .values({ vInteger: 2 ** 31 })
          .where(types.c.id.eq(id)),
      ),
    )
    expect(err).toBeInstanceOf(DataError)
    expect(err.message).toContain('ea_types.v_integer')
    if (before !== undefined) expect(sent()).toBe(before)
    expect(await s.engine.scalar(select(types.c.vInteger).where(types.c.id.eq(id)))).toBe(5)
  })

  test('values: executemany checks every parameter set before sending', async () => {
    const id = s.nextId()
    const other = s.nextId()
    await refusedBeforeSending(id, 'ea_types.v_string', () =>
      s.engine.execute(insert(types), [
        { id: other, vString: 'fine' },
        { id, vString: 'z'.repeat(201) },
      ]),
    )
    expect(Number(await rowsWithId(other))).toBe(0)
  })

  test('values: a batch with one refused value sends none of its statements', async () => {
    const id = s.nextId()
    const other = s.nextId()
    await refusedBeforeSending(id, 'ea_types.v_date', () =>
      s.engine.batch([
        insert(types).values({ id: other, vDate: '2024-01-01' }),
        insert(types).values({ id, vDate: '2024-02-30' }),
      ]),
    )
    expect(Number(await rowsWithId(other))).toBe(0)
  })

  test('values: an ORM commit with a refused value sends nothing (the session is left pending)', async () => {
    const db = new AsyncSession(s.engine)
    const ok = `values-ok-${s.nextId()}`
    const tooLong = `values-${s.nextId()}-${'n'.repeat(60)}`
    db.add(new Author({ name: ok }))
    db.add(new Author({ name: tooLong }))
    const before = sent()
    const err = await caught(db.commit())
    expect(err).toBeInstanceOf(DataError)
    expect(err.message).toContain('ea_orm_authors.name')
    expect(err.message).toContain('String(50)')
    if (before !== undefined) expect(sent()).toBe(before)
    await db.close()
    // a comparison with a value longer than the column is a legitimate query: it matches nothing
    for (const name of [ok, tooLong])
      expect(
        Number(
          await s.engine.scalar(
            select(func.count()).selectFrom(Author.__table__).where(Author.c.name.eq(name)),
          ),
        ),
      ).toBe(0)
  })

  test('values: an ORM commit over two tables checks every value before its first statement', async () => {
    const db = new AsyncSession(s.engine)
    const name = `values-author-${s.nextId()}`
    const author = new Author({ name })
    author.books.push(new Book({ title: 't'.repeat(101) }))
    db.add(author)
    const before = sent()
    const err = await caught(db.commit())
    expect(err).toBeInstanceOf(DataError)
    expect(err.message).toContain('ea_orm_books.title')
    if (before !== undefined) expect(sent()).toBe(before)
    await db.close()
    expect(
      Number(
        await s.engine.scalar(
          select(func.count()).selectFrom(Author.__table__).where(Author.c.name.eq(name)),
        ),
      ),
    ).toBe(0)
  })

  test('values: a comparison refuses what cannot be sent (NaN, a lone surrogate), nothing sent', async () => {
    const before = sent()
    const nan = await caught(async () =>
      s.engine.execute(select(types.c.id).where(types.c.vFloat.eq(Number.NaN))),
    )
    expect(nan).toBeInstanceOf(DataError)
    const lone = await caught(async () =>
      s.engine.execute(select(types.c.id).where(types.c.vString.eq('\ud800'))),
    )
    expect(lone).toBeInstanceOf(DataError)
    const range = await caught(async () =>
      s.engine.execute(select(types.c.id).where(types.c.vInteger.eq(2 ** 40))),
    )
    expect(range).toBeInstanceOf(DataError)
    if (before !== undefined) expect(sent()).toBe(before)
  })

  test('values: a value of the wrong JavaScript type stays an ArgumentError', async () => {
    const err = await caught(async () =>
      s.engine.execute(insert(types).values({ id: s.nextId(), vInteger: 'seven' } as never)),
    )
    expect(err).toBeInstanceOf(ArgumentError)
  })

  for (const [key, label, value, expected] of acceptedValues) {
    test(`values: ${String(types.c[key].type)} accepts ${label} and reads it back unchanged`, async () => {
      const id = s.nextId()
      await s.engine.execute(insert(types).values({ id, [key]: value } as never))
      const back = await s.engine.scalar(select(types.c[key]).where(types.c.id.eq(id)))
      expectSame(expect, back, expected === undefined ? value : expected)
    })
  }
}
