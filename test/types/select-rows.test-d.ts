/** Row types of select(): named and indexed access, nullability, labels, duplicate names. */
import { describe, expectTypeOf, test } from 'vitest'
import { type ColumnElement, case_, cast, func, literal, select, t, text, union } from '../../core/index.js'
import { addresses, kinds, users } from './schema.js'

type RowType<S extends { readonly __row: unknown }> = S['__row']

describe('select of columns', () => {
  test('rows are typed by index and by name', () => {
    const stmt = select(users.c.id, users.c.name)
    type Row = typeof stmt.__row
    expectTypeOf<Row[0]>().toEqualTypeOf<number>()
    expectTypeOf<Row[1]>().toEqualTypeOf<string>()
    expectTypeOf<Row['id']>().toEqualTypeOf<number>()
    expectTypeOf<Row['name']>().toEqualTypeOf<string>()
    expectTypeOf<Row>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: string
      readonly id: number
      readonly name: string
    }>()
    const row = {} as Row
    expectTypeOf(row[0]).toEqualTypeOf<number>()
    expectTypeOf(row.name).toEqualTypeOf<string>()
    // @ts-expect-error: only two columns are selected
    void row[2]
    // @ts-expect-error: email is not selected
    void row.email
  })

  test('a nullable column gives T | null; a primary key is never null', () => {
    type Row = RowType<ReturnType<typeof select<[typeof users.c.id, typeof users.c.email]>>>
    expectTypeOf<Row['id']>().toEqualTypeOf<number>()
    expectTypeOf<Row['email']>().toEqualTypeOf<string | null>()
    expectTypeOf<Row[1]>().toEqualTypeOf<string | null>()
  })

  test('a nullable column with a client default is still nullable when read', () => {
    const stmt = select(users.c.createdAt)
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: Date | null
      readonly createdAt: Date | null
    }>()
  })

  test('the builder methods keep the row type', () => {
    const stmt = select(users.c.id, users.c.name)
      .where(users.c.name.like('A%'))
      .orderBy(users.c.id.desc())
      .groupBy(users.c.id)
      .limit(10)
      .offset(5)
      .distinct()
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: string
      readonly id: number
      readonly name: string
    }>()
  })

  test('addColumns appends to the row', () => {
    const stmt = select(users.c.id).addColumns(users.c.email)
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: string | null
      readonly id: number
      readonly email: string | null
    }>()
  })
})

describe('select of a whole table', () => {
  test('named access has every column with its nullability', () => {
    const stmt = select(users)
    type Row = RowType<typeof stmt>
    expectTypeOf<Row['id']>().toEqualTypeOf<number>()
    expectTypeOf<Row['name']>().toEqualTypeOf<string>()
    expectTypeOf<Row['email']>().toEqualTypeOf<string | null>()
    expectTypeOf<Row['createdAt']>().toEqualTypeOf<Date | null>()
    expectTypeOf<Pick<Row, 'id' | 'name' | 'email' | 'createdAt'>>().toEqualTypeOf<{
      readonly id: number
      readonly name: string
      readonly email: string | null
      readonly createdAt: Date | null
    }>()
    // index access is not typed for whole tables (object types do not keep column order)
    expectTypeOf<Row[0]>().toEqualTypeOf<unknown>()
  })

  test('a table after a column: duplicate names get _1', () => {
    const stmt = select(addresses.c.id, users)
    type Row = RowType<typeof stmt>
    expectTypeOf<Row['id']>().toEqualTypeOf<number>()
    expectTypeOf<Row['id_1']>().toEqualTypeOf<number>()
    expectTypeOf<Row['email']>().toEqualTypeOf<string | null>()
  })

  test('an alias has the same columns', () => {
    const u = users.alias('u')
    const stmt = select(u)
    type Row = RowType<typeof stmt>
    expectTypeOf<Row['name']>().toEqualTypeOf<string>()
    expectTypeOf<Row['email']>().toEqualTypeOf<string | null>()
  })
})

describe('names', () => {
  test('label() names the column', () => {
    const stmt = select(users.c.id.label('userId'), users.c.name.label('n'))
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: string
      readonly userId: number
      readonly n: string
    }>()
  })

  test('duplicate names from a join are id and id_1, then id_2', () => {
    const a2 = addresses.alias('a2')
    const stmt = select(users.c.id, addresses.c.id, a2.c.id)
      .join(addresses)
      .join(a2, a2.c.userId.eq(users.c.id))
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: number
      readonly 2: number
      readonly id: number
      readonly id_1: number
      readonly id_2: number
    }>()
  })

  test('an unlabelled expression is reachable by index only', () => {
    const stmt = select(users.c.id.add(1))
    type Row = RowType<typeof stmt>
    expectTypeOf<Row[0]>().toEqualTypeOf<number>()
    expectTypeOf<keyof Row>().toEqualTypeOf<'0'>()
  })
})

describe('outer joins', () => {
  test('outerjoin makes the joined side nullable', () => {
    const stmt = select(users.c.name, addresses.c.email, addresses.c.note).outerjoin(addresses)
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: string
      readonly 1: string | null
      readonly 2: string | null
      readonly name: string
      readonly email: string | null
      readonly note: string | null
    }>()
  })

  test('join(..., { isOuter: true }) is a LEFT OUTER JOIN; a plain join changes nothing', () => {
    const outer = select(users.c.name, addresses.c.email).join(addresses, undefined, { isOuter: true })
    expectTypeOf<RowType<typeof outer>['email']>().toEqualTypeOf<string | null>()
    expectTypeOf<RowType<typeof outer>['name']>().toEqualTypeOf<string>()
    const inner = select(users.c.name, addresses.c.email).join(addresses)
    expectTypeOf<RowType<typeof inner>['email']>().toEqualTypeOf<string>()
    const full = select(users.c.name, addresses.c.email).join(addresses, undefined, { full: true })
    expectTypeOf<RowType<typeof full>['name']>().toEqualTypeOf<string | null>()
  })

  test('rightjoin makes the other side nullable', () => {
    const stmt = select(users.c.name, addresses.c.email).rightjoin(addresses)
    expectTypeOf<RowType<typeof stmt>['name']>().toEqualTypeOf<string | null>()
    expectTypeOf<RowType<typeof stmt>['email']>().toEqualTypeOf<string>()
  })

  test('fullJoin makes both sides nullable; expressions of no table are unchanged', () => {
    const stmt = select(users.c.id, addresses.c.email, func.count().label('n')).fullJoin(addresses)
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number | null
      readonly 1: string | null
      readonly 2: number
      readonly id: number | null
      readonly email: string | null
      readonly n: number
    }>()
  })

  test('a whole table on the outer side has every column nullable', () => {
    const stmt = select(users, addresses).outerjoin(addresses)
    type Row = RowType<typeof stmt>
    expectTypeOf<Row['name']>().toEqualTypeOf<string>()
    expectTypeOf<Row['id_1']>().toEqualTypeOf<number | null>()
    expectTypeOf<Row['userId']>().toEqualTypeOf<number | null>()
    expectTypeOf<Row['email_1']>().toEqualTypeOf<string | null>()
  })

  test('selectFrom(users.outerjoin(addresses)) and chained joins', () => {
    const stmt = select(users.c.name, addresses.c.email).selectFrom(users.outerjoin(addresses))
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: string
      readonly 1: string | null
      readonly name: string
      readonly email: string | null
    }>()
    const viaOption = select(users.c.name, addresses.c.email).selectFrom(
      users.join(addresses, undefined, { isOuter: true }),
    )
    expectTypeOf<RowType<typeof viaOption>['email']>().toEqualTypeOf<string | null>()
    const inner = select(users.c.name, addresses.c.email).selectFrom(users.join(addresses))
    expectTypeOf<RowType<typeof inner>['email']>().toEqualTypeOf<string>()
    const a2 = addresses.alias('a2')
    const chained = select(users.c.name, addresses.c.email, a2.c.email).selectFrom(
      users.join(addresses).outerjoin(a2, a2.c.userId.eq(users.c.id)),
    )
    expectTypeOf<RowType<typeof chained>>().toEqualTypeOf<{
      readonly 0: string
      readonly 1: string
      readonly 2: string | null
      readonly name: string
      readonly email: string
      readonly email_1: string | null
    }>()
  })

  test('an outer-joined alias is nullable, its base table is not', () => {
    const boss = users.alias('boss')
    const stmt = select(users.c.name, boss.c.name).outerjoin(boss, boss.c.id.eq(users.c.id))
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: string
      readonly 1: string | null
      readonly name: string
      readonly name_1: string | null
    }>()
  })
})

describe('subqueries and CTEs', () => {
  test('subquery .c columns are typed and keep their names', () => {
    const sq = select(users.c.id, users.c.email, func.count().label('n')).subquery('sq')
    expectTypeOf(sq.c.id).toExtend<ColumnElement<number, 'id'>>()
    expectTypeOf(sq.c.email.__value).toEqualTypeOf<string | null>()
    expectTypeOf(sq.c.n.__value).toEqualTypeOf<number>()
    // @ts-expect-error: the subquery has no column name
    void sq.c.name
    const stmt = select(sq.c.id, sq.c.n).where(sq.c.n.gt(1))
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: number
      readonly id: number
      readonly n: number
    }>()
  })

  test('a whole subquery selected, and outer-joined', () => {
    const sq = select(addresses.c.userId, addresses.c.email).subquery('sq')
    const stmt = select(users.c.name, sq).outerjoin(sq, sq.c.userId.eq(users.c.id))
    type Row = RowType<typeof stmt>
    expectTypeOf<Row['name']>().toEqualTypeOf<string>()
    expectTypeOf<Row['userId']>().toEqualTypeOf<number | null>()
    expectTypeOf<Row['email']>().toEqualTypeOf<string | null>()
  })

  test('cte .c columns are typed', () => {
    const cte = select(users.c.id, users.c.name).cte('named')
    expectTypeOf(cte.c.name.__value).toEqualTypeOf<string>()
    const stmt = select(cte.c.name)
    expectTypeOf<RowType<typeof stmt>['name']>().toEqualTypeOf<string>()
  })

  test('scalarSubquery is the first column, possibly NULL', () => {
    const s = select(func.max(users.c.id)).scalarSubquery()
    expectTypeOf(s).toEqualTypeOf<ColumnElement<number | null>>()
    const stmt = select(users.c.id, select(addresses.c.email).limit(1).scalarSubquery().label('firstEmail'))
    expectTypeOf<RowType<typeof stmt>['firstEmail']>().toEqualTypeOf<string | null>()
  })

  test("a compound select has the first select's row", () => {
    const stmt = union(select(users.c.id, users.c.name), select(addresses.c.userId, addresses.c.email))
      .orderBy(users.c.id)
      .limit(5)
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: string
      readonly id: number
      readonly name: string
    }>()
    const ids = select(users.c.id.label('uid'))
      .unionAll(select(addresses.c.userId.label('uid')))
      .subquery('ids')
    expectTypeOf(ids.c.uid.__value).toEqualTypeOf<number>()
  })

  test('text() is an expression of any type', () => {
    const stmt = select(text('1').label('one'))
    expectTypeOf<RowType<typeof stmt>['one']>().toBeAny()
  })

  test('exists() is boolean', () => {
    const e = select(addresses.c.id).where(addresses.c.userId.eq(users.c.id)).exists()
    expectTypeOf(e.__value).toEqualTypeOf<boolean>()
  })
})

describe('expressions', () => {
  test('func.count() is number; max/min/sum follow their argument and may be NULL', () => {
    expectTypeOf(func.count().__value).toEqualTypeOf<number>()
    expectTypeOf(func.count(users.c.id).__value).toEqualTypeOf<number>()
    expectTypeOf(func.max(users.c.id).__value).toEqualTypeOf<number | null>()
    expectTypeOf(func.sum(kinds.c.price).__value).toEqualTypeOf<string | null>()
    expectTypeOf(func.coalesce(users.c.email, 'none').__value).toEqualTypeOf<string>()
    expectTypeOf(func.lower(users.c.name).__value).toEqualTypeOf<string>()
    expectTypeOf(func.upper(users.c.email).__value).toEqualTypeOf<string | null>()
    expectTypeOf(func.length('abc').__value).toEqualTypeOf<number>()
    expectTypeOf(func.now().__value).toEqualTypeOf<Date>()
    expectTypeOf(func.rowNumber().over({ orderBy: users.c.id }).__value).toEqualTypeOf<number>()
    // any other function name is unknown (the `!`: an index signature under noUncheckedIndexedAccess)
    expectTypeOf(func.json_agg(users.c.id).__value).toEqualTypeOf<unknown>()
    const stmt = select(users.c.name, func.count(addresses.c.id).label('n')).groupBy(users.c.name)
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: string
      readonly 1: number
      readonly name: string
      readonly n: number
    }>()
  })

  test('an unlabelled function is named after the function, as the run-time names it', () => {
    const stmt = select(func.count(), func.max(users.c.id), func.rowNumber().over({ orderBy: users.c.id }))
    expectTypeOf<RowType<typeof stmt>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: number | null
      readonly 2: number
      readonly count: number
      readonly max: number | null
      readonly row_number: number
    }>()
    const dup = select(
      func.count(),
      func.count(users.c.email).filter(users.c.id.gt(1)),
      users.c.id.label('count'),
    )
    expectTypeOf<keyof RowType<typeof dup>>().toEqualTypeOf<
      '0' | '1' | '2' | 'count' | 'count_1' | 'count_2'
    >()
    // a cast keeps the name of what it casts
    const cast1 = select(cast(users.c.name, t.Integer), users.c.email.cast(t.String()))
    expectTypeOf<RowType<typeof cast1>>().toEqualTypeOf<{
      readonly 0: number
      readonly 1: string | null
      readonly name: number
      readonly email: string | null
    }>()
  })

  test('case_ result', () => {
    const c = case_([[users.c.id.lt(10), 'small']], { else_: 'large' })
    expectTypeOf(c.__value).toEqualTypeOf<string>()
    const noElse = case_([[users.c.id.lt(10), 1]])
    expectTypeOf(noElse.__value).toEqualTypeOf<1 | null>()
    const exprs = case_([[users.c.id.lt(10), users.c.name]], { else_: users.c.email })
    expectTypeOf(exprs.__value).toEqualTypeOf<string | null>()
  })

  test('cast(x, t.Integer) is number; a nullable operand stays nullable', () => {
    expectTypeOf(cast(users.c.name, t.Integer).__value).toEqualTypeOf<number>()
    expectTypeOf(users.c.name.cast(t.Numeric()).__value).toEqualTypeOf<string>()
    expectTypeOf(cast('1', t.BigInteger).__value).toEqualTypeOf<bigint>()
    expectTypeOf(cast(users.c.email, t.Integer).__value).toEqualTypeOf<number | null>()
    expectTypeOf(users.c.email.cast(t.Integer).__value).toEqualTypeOf<number | null>()
  })

  test('literal, arithmetic, concat', () => {
    expectTypeOf(literal(5).__value).toEqualTypeOf<number>()
    expectTypeOf(users.c.id.add(1).__value).toEqualTypeOf<number>()
    expectTypeOf(users.c.name.concat('!').__value).toEqualTypeOf<string>()
    expectTypeOf(users.c.id.eq(1).__value).toEqualTypeOf<boolean>()
  })
})
