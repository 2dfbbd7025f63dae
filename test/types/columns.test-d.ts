/** SQL types map to JavaScript types; comparison operators take values of the column's type. */
import { describe, expectTypeOf, test } from 'vitest'
import {
  and,
  bindparam,
  Column,
  type ColumnElement,
  type ColumnValue,
  literal,
  MetaData,
  not,
  or,
  select,
  Table,
  t,
  type ValueOf,
} from '../../core/index.js'
import { kinds, type Prefs, users } from './schema.js'

describe('SQL type to JavaScript type', () => {
  test('every built-in type', () => {
    expectTypeOf(kinds.c.id.__value).toEqualTypeOf<bigint>()
    expectTypeOf(kinds.c.small.__value).toEqualTypeOf<number>()
    expectTypeOf(kinds.c.int.__value).toEqualTypeOf<number>()
    expectTypeOf(kinds.c.float.__value).toEqualTypeOf<number | null>()
    expectTypeOf(kinds.c.price.__value).toEqualTypeOf<string>()
    expectTypeOf(kinds.c.label.__value).toEqualTypeOf<string>()
    expectTypeOf(kinds.c.body.__value).toEqualTypeOf<string | null>()
    expectTypeOf(kinds.c.flag.__value).toEqualTypeOf<boolean>()
    expectTypeOf(kinds.c.day.__value).toEqualTypeOf<string | null>()
    expectTypeOf(kinds.c.at.__value).toEqualTypeOf<Date>()
    expectTypeOf(kinds.c.time.__value).toEqualTypeOf<string | null>()
    expectTypeOf(kinds.c.prefs.__value).toEqualTypeOf<Prefs>()
    expectTypeOf(kinds.c.anyJson.__value).toEqualTypeOf<unknown>()
    expectTypeOf(kinds.c.uuid.__value).toEqualTypeOf<string>()
    expectTypeOf(kinds.c.blob.__value).toEqualTypeOf<Uint8Array | null>()
    expectTypeOf(kinds.c.status.__value).toEqualTypeOf<'a' | 'b'>()
    expectTypeOf(kinds.c.cents.__value).toEqualTypeOf<number>()
  })

  test('ValueOf and ColumnValue', () => {
    expectTypeOf<ValueOf<typeof t.BigInteger>>().toEqualTypeOf<bigint>()
    expectTypeOf<ValueOf<ReturnType<typeof t.DateTime>>>().toEqualTypeOf<Date>()
    expectTypeOf<ValueOf<ReturnType<typeof t.Numeric>>>().toEqualTypeOf<string>()
    expectTypeOf<ValueOf<typeof t.LargeBinary>>().toEqualTypeOf<Uint8Array>()
    expectTypeOf<ValueOf<typeof t.Boolean>>().toEqualTypeOf<boolean>()
    const e = t.Enum(['a', 'b'])
    expectTypeOf<ValueOf<typeof e>>().toEqualTypeOf<'a' | 'b'>()
    const j = t.JSON<{ x: number[] }>()
    expectTypeOf<ValueOf<typeof j>>().toEqualTypeOf<{ x: number[] }>()
    expectTypeOf<ColumnValue<typeof t.Integer, {}>>().toEqualTypeOf<number | null>()
    expectTypeOf<ColumnValue<typeof t.Integer, { nullable: false }>>().toEqualTypeOf<number>()
    expectTypeOf<ColumnValue<typeof t.Integer, { primaryKey: true }>>().toEqualTypeOf<number>()
  })

  test('a column read in a row has its type, nullability included', () => {
    const stmt = select(kinds.c.id, kinds.c.prefs, kinds.c.status, kinds.c.blob, kinds.c.cents, kinds.c.price)
    expectTypeOf<(typeof stmt)['__row']>().toEqualTypeOf<{
      readonly 0: bigint
      readonly 1: Prefs
      readonly 2: 'a' | 'b'
      readonly 3: Uint8Array | null
      readonly 4: number
      readonly 5: string
      readonly id: bigint
      readonly prefs: Prefs
      readonly status: 'a' | 'b'
      readonly blob: Uint8Array | null
      readonly cents: number
      readonly price: string
    }>()
  })

  test('a custom type reads as its own type', () => {
    const Point = t.custom(t.String(), {
      encode: (p: { x: number; y: number }) => `${p.x},${p.y}`,
      decode: (s) => {
        const [x, y] = s.split(',').map(Number)
        return { x: x ?? 0, y: y ?? 0 }
      },
    })
    const col = new Column(Point, { nullable: false })
    expectTypeOf(col.__value).toEqualTypeOf<{ x: number; y: number }>()
    col.eq({ x: 1, y: 2 })
    // @ts-expect-error: a Point column is compared with points, not strings
    col.eq('1,2')
  })

  test('a table typed Table<name, any> (a circular reference) has columns of type any', () => {
    const loose: Table<'loose', any> = new Table('loose', new MetaData(), {
      id: new Column(t.Integer, { primaryKey: true }),
    })
    expectTypeOf(loose.c.id).toBeAny()
  })

  test('an unbound column without options is nullable', () => {
    const c = new Column(t.Integer)
    expectTypeOf(c.__value).toEqualTypeOf<number | null>()
  })
})

describe('operators', () => {
  test('comparisons take values of the column type', () => {
    users.c.id.eq(1)
    users.c.id.ne(null)
    users.c.id.in([1, 2])
    users.c.id.between(1, 10)
    users.c.name.eq('x')
    users.c.email.eq(users.c.name)
    users.c.createdAt.gt(new Date())
    kinds.c.status.eq('a')
    kinds.c.id.eq(1n)
    kinds.c.prefs.eq({ theme: 'light' })
    users.c.id.eq(literal(1))
    users.c.name.eq(bindparam('n', t.String()))
    expectTypeOf(users.c.id.eq(1)).toEqualTypeOf<ColumnElement<boolean>>()
  })

  test('BigInteger also takes numbers when written or compared (read back as bigint)', () => {
    kinds.c.id.eq(1)
    kinds.c.id.in([1, 2n])
  })

  test('a value of the wrong type is an error', () => {
    // @ts-expect-error: id is a number
    users.c.id.eq('x')
    // @ts-expect-error: id is a number
    users.c.id.lt('x')
    // @ts-expect-error: id is a number
    users.c.id.in(['a'])
    // @ts-expect-error: name is a string
    users.c.name.ge(1)
    // @ts-expect-error: createdAt is a Date
    users.c.createdAt.gt('2020-01-01')
    // @ts-expect-error: not one of the enum values
    kinds.c.status.eq('c')
    // @ts-expect-error: a string expression against a number column
    users.c.id.eq(users.c.name)
    // @ts-expect-error: a BigInteger column takes bigints
    kinds.c.id.eq('1')
  })

  test('boolean combinators', () => {
    const cond = and(users.c.id.gt(1), or(users.c.name.like('a%'), not(users.c.email.isNull())))
    expectTypeOf(cond).toEqualTypeOf<ColumnElement<boolean>>()
    // @ts-expect-error: and() takes conditions, not numbers
    and(users.c.id)
  })

  test('arithmetic keeps the column type', () => {
    expectTypeOf(kinds.c.int.add(1).__value).toEqualTypeOf<number>()
    // @ts-expect-error: adding a string to a number column
    kinds.c.int.add('1')
  })
})

describe('column options', () => {
  test('a client default must have the column type', () => {
    new Column(t.Integer, { default: 0 })
    new Column(t.Integer, { default: () => 1, onupdate: () => 2 })
    new Column(t.DateTime(), { default: () => new Date() })
    new Column(t.Enum(['a', 'b']), { default: 'b' })
    new Column(t.String(), { default: null })
    // @ts-expect-error: a string default for an Integer column
    new Column(t.Integer, { default: 'x' })
    // @ts-expect-error: a function returning a string for a DateTime column
    new Column(t.DateTime(), { default: () => '2020-01-01' })
    // @ts-expect-error: not one of the enum values
    new Column(t.Enum(['a', 'b']), { default: 'c' })
  })
})
