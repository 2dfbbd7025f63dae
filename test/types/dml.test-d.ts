/** INSERT / UPDATE values are checked against the table; RETURNING rows are typed. */
import { describe, expectTypeOf, test } from 'vitest'
import { Column, delete_, func, insert, MetaData, Table, t, update } from '../../core/index.js'
import { addresses, kinds, users } from './schema.js'

describe('insert().values()', () => {
  test('required columns present, optional ones left out', () => {
    insert(users).values({ name: 'Bob' })
    insert(users).values({ name: 'Bob', email: 'b@x', id: 7, createdAt: new Date() })
    insert(users).values({ name: 'Bob', email: null, createdAt: null })
    insert(users).values([{ name: 'a' }, { name: 'b' }])
    users.insert().values({ name: 'Bob' })
    insert(addresses).values({ userId: 1, email: 'e' })
  })

  test('the accepted value types', () => {
    type Values = Parameters<ReturnType<typeof insert<typeof users>>['values']>[0]
    type One = Exclude<Values, readonly unknown[]>
    expectTypeOf<One['name']>().toExtend<string | { readonly __value: unknown }>()
    expectTypeOf<string>().toExtend<One['name']>()
    expectTypeOf<null>().not.toExtend<One['name']>()
    expectTypeOf<null>().toExtend<NonNullable<One['email']> | null>()
    expectTypeOf<undefined>().toExtend<One['id']>()
  })

  test('a wrong value type is an error', () => {
    // @ts-expect-error: name is a string
    insert(users).values({ name: 1 })
    // @ts-expect-error: createdAt is a Date
    insert(users).values({ name: 'x', createdAt: '2020-01-01' })
    // @ts-expect-error: id is a number
    insert(users).values({ name: 'x', id: 'seven' })
  })

  test('null for a NOT NULL column is an error', () => {
    // @ts-expect-error: name is NOT NULL
    insert(users).values({ name: null })
  })

  test('an unknown column key is an error', () => {
    // @ts-expect-error: users has no column nope
    insert(users).values({ name: 'x', nope: 1 })
    // @ts-expect-error: created_at is the database name; the key is createdAt
    insert(users).values({ name: 'x', created_at: new Date() })
  })

  test('a required NOT NULL column without a default is an error when missing', () => {
    // @ts-expect-error: name is required
    insert(users).values({ email: 'x' })
    // @ts-expect-error: userId and email are required
    insert(addresses).values({ note: 'n' })
    // @ts-expect-error: one row of several is missing name
    insert(users).values([{ name: 'a' }, { email: 'b' }])
  })

  test('nullable, defaulted, server-defaulted and autoincrement columns are optional', () => {
    insert(kinds).values({
      small: 1,
      int: 2,
      price: '9.99',
      label: 'l',
      at: new Date(),
      prefs: { theme: 'dark' },
      uuid: '00000000-0000-0000-0000-000000000000',
      cents: 1.5,
    })
    // @ts-expect-error: a BigInteger key is generated, but `small` is still required
    insert(kinds).values({
      int: 2,
      price: '9.99',
      label: 'l',
      at: new Date(),
      prefs: { theme: 'dark' },
      uuid: '00000000-0000-0000-0000-000000000000',
      cents: 1.5,
    })
  })

  test('a primary key that is not generated is required', () => {
    const md = new MetaData()
    const byName = new Table('by_name', md, {
      name: new Column(t.String(50), { primaryKey: true }),
      hits: new Column(t.Integer, { nullable: false, default: 0 }),
    })
    const manual = new Table('manual', md, {
      id: new Column(t.Integer, { primaryKey: true, autoincrement: false }),
    })
    const small = new Table('small', md, { id: new Column(t.SmallInteger, { primaryKey: true }) })
    const float = new Table('float', md, { id: new Column(t.Float, { primaryKey: true }) })
    insert(byName).values({ name: 'x' })
    insert(manual).values({ id: 1 })
    insert(small).values({ id: 1 })
    insert(float).values({ id: 1.5 })
    // @ts-expect-error: a String primary key is not generated
    insert(byName).values({ hits: 1 })
    // @ts-expect-error: autoincrement: false
    insert(manual).values({})
    // @ts-expect-error: SmallInteger keys are not generated
    insert(small).values({})
    // @ts-expect-error: Float keys are not generated
    insert(float).values({})
  })

  test('BigInteger takes numbers, Numeric numbers and bigints (as the binder does)', () => {
    insert(kinds).values({
      id: 1,
      small: 1,
      int: 2,
      price: 9.99,
      label: 'l',
      at: new Date(),
      prefs: { theme: 'dark' },
      uuid: '00000000-0000-0000-0000-000000000000',
      cents: 1.5,
    })
    update(kinds).values({ id: 2n, price: 10n })
    // @ts-expect-error: a Numeric is not a boolean
    update(kinds).values({ price: true })
  })

  test('expressions are accepted as values', () => {
    insert(users).values({ name: func.lower('BOB') })
    update(users).values({ name: users.c.name.concat('!') })
  })
})

describe('update().values()', () => {
  test('every column is optional but typed', () => {
    update(users).values({})
    update(users).values({ name: 'B' })
    update(users).where(users.c.id.eq(1)).values({ email: null, createdAt: new Date() })
    users.update().values({ id: 2 })
    // @ts-expect-error: name is a string
    update(users).values({ name: 2 })
    // @ts-expect-error: name is NOT NULL
    update(users).values({ name: null })
    // @ts-expect-error: no such column
    update(users).values({ nope: 1 })
  })

  test('upsert set lists are typed like update values', () => {
    const stmt = insert(users).values({ id: 1, name: 'x' })
    stmt.onConflictDoUpdate({ target: [users.c.id], set: { name: stmt.excluded.name } })
    stmt.onDuplicateKeyUpdate({ email: 'e' })
    expectTypeOf(stmt.excluded.email.__value).toEqualTypeOf<string | null>()
    // @ts-expect-error: name is a string
    stmt.onDuplicateKeyUpdate({ name: 1 })
  })
})

describe('returning()', () => {
  test('insert ... returning(users.c.id) rows', () => {
    const stmt = insert(users).values({ name: 'Bob' }).returning(users.c.id)
    expectTypeOf<(typeof stmt)['__row']>().toEqualTypeOf<{ readonly 0: number; readonly id: number }>()
  })

  test('several columns, labels and whole tables', () => {
    const stmt = insert(users)
      .values({ name: 'Bob' })
      .returning(users.c.id, users.c.createdAt, users.c.name.label('who'))
    expectTypeOf<(typeof stmt)['__row']>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: Date | null
      readonly 2: string
      readonly id: number
      readonly createdAt: Date | null
      readonly who: string
    }>()
    const all = update(users).values({ name: 'x' }).returning(users)
    expectTypeOf<(typeof all)['__row']['email']>().toEqualTypeOf<string | null>()
    const del = delete_(users)
      .where(users.c.id.in([1, 2]))
      .returning(users.c.name)
    expectTypeOf<(typeof del)['__row']>().toEqualTypeOf<{ readonly 0: string; readonly name: string }>()
  })

  test('without returning() the row is empty', () => {
    const stmt = insert(users).values({ name: 'Bob' })
    expectTypeOf<keyof (typeof stmt)['__row']>().toEqualTypeOf<never>()
  })
})
