/**
 * A consumer of the built package: it imports `edgealchemy` (not ../../core) and checks that
 * the published declaration files carry row-type inference.
 */
import {
  Column,
  type ColumnElement,
  case_,
  cast,
  ForeignKey,
  func,
  insert,
  MetaData,
  select,
  sqlite,
  Table,
  t,
  update,
} from 'edgealchemy'

/** `true` only when A and B are the same type. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined {
  return undefined
}

const metadata = new MetaData()
export const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false }),
  email: new Column(t.String(100), { unique: true }),
  createdAt: new Column(t.DateTime({ timezone: true }), { name: 'created_at', default: () => new Date() }),
  role: new Column(t.Enum(['admin', 'member']), { nullable: false, default: 'member' }),
})
export const addresses = new Table('addresses', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  userId: new Column(t.Integer, { nullable: false, foreignKey: new ForeignKey(() => users.c.id) }),
  email: new Column(t.String(100), { nullable: false }),
  balance: new Column(t.Numeric(10, 2)),
})

const byName = select(users.c.id, users.c.name).where(users.c.name.like('%A%')).orderBy(users.c.id)
type ByName = typeof byName.__row
assertType<Equal<ByName[0], number>>()
assertType<Equal<ByName[1], string>>()
assertType<Equal<ByName['name'], string>>()

const whole = select(users)
type Whole = typeof whole.__row
assertType<Equal<Whole['email'], string | null>>()
assertType<Equal<Whole['createdAt'], Date | null>>()
assertType<Equal<Whole['role'], 'admin' | 'member'>>()

const joined = select(users.c.id, addresses.c.id, addresses.c.email, func.count().label('n'))
  .outerjoin(addresses)
  .groupBy(users.c.id, addresses.c.id)
type Joined = typeof joined.__row
assertType<
  Equal<
    Joined,
    {
      readonly 0: number
      readonly 1: number | null
      readonly 2: string | null
      readonly 3: number
      readonly id: number
      readonly id_1: number | null
      readonly email: string | null
      readonly n: number
    }
  >
>()

const fromJoin = select(users.c.name, addresses.c.balance).selectFrom(users.outerjoin(addresses))
assertType<Equal<(typeof fromJoin.__row)['balance'], string | null>>()

const sq = select(addresses.c.userId, func.max(addresses.c.balance).label('top')).subquery('sq')
const withSq = select(users.c.name, sq.c.top, cast(sq.c.userId, t.BigInteger).label('big'))
assertType<Equal<(typeof withSq.__row)['top'], string | null>>()
assertType<Equal<(typeof withSq.__row)['big'], bigint>>()

const counted = select(func.count(), users.c.role).groupBy(users.c.role)
assertType<Equal<(typeof counted.__row)['count'], number>>()

const kind = case_([[users.c.id.lt(10), 'early']], { else_: 'late' })
assertType<Equal<typeof kind, ColumnElement<string>>>()

const created = insert(users).values({ name: 'Bob', email: 'b@x' }).returning(users.c.id, users.c.role)
assertType<
  Equal<
    typeof created.__row,
    {
      readonly 0: number
      readonly 1: 'admin' | 'member'
      readonly id: number
      readonly role: 'admin' | 'member'
    }
  >
>()

update(users).where(users.c.id.eq(1)).values({ name: 'B', role: 'admin' })

// @ts-expect-error: a required column is missing
insert(addresses).values({ email: 'x' })
// @ts-expect-error: wrong value type
insert(users).values({ name: 1 })
// @ts-expect-error: unknown column
update(users).values({ nickname: 'x' })
// @ts-expect-error: comparison with a value of the wrong type
users.c.id.eq('x')

export const compiled: { sql: string; params: unknown[] } = byName.compile(sqlite)
