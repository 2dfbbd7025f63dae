/**
 * Property: a statement compiled through a template shared with another statement of the same
 * shape (a shape-cache hit) gives exactly what a cold compile of it gives: same SQL, and its own
 * values in the right places.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { shapeOf } from '../../core/dialects/statement-cache.js'
import {
  and,
  Column,
  case_,
  exists,
  ForeignKey,
  func,
  insert,
  literal,
  MetaData,
  MysqlDialect,
  not,
  or,
  PostgresDialect,
  SqliteDialect,
  select,
  Table,
  t,
  text,
  update,
} from '../../core/index.js'
import { joinedload, selectinload } from '../../core/orm/index.js'
import { planOrmSelect } from '../../core/orm/select-plan.js'
import { Owner } from '../../testing/suite/orm-schema.js'

const runs = Number(process.env.PROPERTY_RUNS ?? 200)
const seed = 20261125

const metadata = new MetaData()
const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(40), { nullable: false }),
  score: new Column(t.Integer),
  seen: new Column(t.DateTime({ timezone: true })),
})
const posts = new Table('posts', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  userId: new Column(t.Integer, { name: 'user_id', foreignKey: new ForeignKey(() => users.c.id) }),
  title: new Column(t.Text),
})

interface Values {
  s: string
  n: number
  m: number
  d: Date
  list: number[]
}
const values: fc.Arbitrary<Values> = fc.record({
  s: fc.string({ maxLength: 8 }).map((x) => x.replaceAll('\0', '')),
  n: fc.integer({ min: -1000, max: 1000 }),
  m: fc.nat(50),
  d: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms)),
  list: fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 6 }),
})

/** A custom type whose codecs are new functions each time (they encode values, never the SQL). */
const cents = () =>
  t.custom(t.Integer, { encode: (d: number) => Math.round(d * 100), decode: (c: number) => c / 100 })

/** Statement builders: the same shape for any values (IN lists may differ in length, never in emptiness). */
const shapes = [
  (v: Values) =>
    select(users.c.id, users.c.name).where(users.c.name.eq(v.s), users.c.score.gt(v.n)).limit(v.m),
  (v: Values) =>
    select(users).where(or(users.c.id.in(v.list), and(users.c.seen.lt(v.d), not(users.c.name.like(v.s))))),
  (v: Values) =>
    select(users.c.name, func.count(posts.c.id).label('n'))
      .outerjoin(posts)
      .where(posts.c.title.contains(v.s, { autoescape: true }))
      .groupBy(users.c.name)
      .having(func.count(posts.c.id).ge(v.m))
      .offset(v.m),
  (v: Values) =>
    select(
      case_([[users.c.score.lt(v.n), v.s]], { else_: 'x' }).label('c'),
      literal(v.n).label('k'),
    ).selectFrom(users),
  (v: Values) =>
    select(users.c.id).where(
      exists(select(posts.c.id).where(posts.c.userId.eq(users.c.id), posts.c.id.notIn(v.list))),
    ),
  (v: Values) => update(users).values({ name: v.s, score: v.n }).where(users.c.id.eq(v.m)),
  (v: Values) => insert(users).values({ name: v.s, score: v.n, seen: v.d }),
  (v: Values) => text('SELECT :a AS a, :b AS b').bindparams({ a: v.s, b: v.n }),
  (v: Values) => {
    const recent = select(users.c.id)
      .where(users.c.score.between(v.n, v.n + v.m))
      .cte('recent')
    return select(recent.c.id).where(recent.c.id.ne(v.m))
  },
  // nodes holding options: ORM loader options (not part of the key: the ORM plans them into a
  // statement of its own), execution options, forUpdate options, and a custom type's codecs
  (v: Values) =>
    select(Owner)
      .where(Owner.c.name.eq(v.s))
      .options(selectinload(v.m % 2 === 0 ? Owner.pets : Owner.toys)),
  (v: Values) =>
    select(Owner.c.id)
      .where(Owner.c.score.gt(v.n))
      .executionOptions({ populateExisting: true, yieldPer: v.m + 1 }),
  (v: Values) =>
    select(users.c.id)
      .where(users.c.score.eq(literal(v.n, cents())))
      .forUpdate({ nowait: true }),
]

/** Statements that differ in SQL or only in what does not reach the SQL, for one set of values. */
const variants = [
  (v: Values) => select(Owner).where(Owner.c.name.eq(v.s)),
  (v: Values) => select(Owner).where(Owner.c.name.eq(v.s)).options(selectinload(Owner.pets)),
  (v: Values) => select(Owner).where(Owner.c.name.eq(v.s)).options(selectinload(Owner.toys)),
  (v: Values) => select(Owner).where(Owner.c.name.eq(v.s)).options(joinedload(Owner.pets)),
  (v: Values) =>
    select(Owner)
      .where(Owner.c.name.eq(v.s))
      .executionOptions({ yieldPer: v.m + 1 }),
  // what the ORM runs for joined loads: the relationship decides the SQL
  (v: Values) => planned(select(Owner).where(Owner.c.name.eq(v.s)).options(joinedload(Owner.pets))),
  (v: Values) => planned(select(Owner).where(Owner.c.name.eq(v.s)).options(joinedload(Owner.toys))),
  (v: Values) => select(users.c.id).where(users.c.score.eq(literal(v.n, cents()))),
  (v: Values) => select(users.c.id).where(users.c.score.eq(literal(v.n, t.Integer))),
  (v: Values) =>
    select(users.c.id).where(
      users.c.name.eq(literal(v.s, t.custom(t.String(40), { encode: String, decode: String }))),
    ),
  (v: Values) => select(users.c.id).where(users.c.id.eq(v.m)).forUpdate({ nowait: true }),
  (v: Values) => select(users.c.id).where(users.c.id.eq(v.m)).forUpdate({ skipLocked: true }),
  (v: Values) => select(users.c.id).where(users.c.id.eq(v.m)).forUpdate({ read: true }),
  (v: Values) => select(users.c.id).where(users.c.id.eq(v.m)),
]

function planned(stmt: ReturnType<typeof select>) {
  return planOrmSelect(stmt, new PostgresDialect())!.statement
}

describe('shape-cache hits bind each statement’s own values', () => {
  for (const Dialect of [PostgresDialect, SqliteDialect, MysqlDialect]) {
    it(new Dialect().name, () => {
      fc.assert(
        fc.property(fc.nat(shapes.length - 1), values, values, (pick, a, b) => {
          const build = shapes[pick]!
          const warm = new Dialect()
          warm.compile(build(a)) // compiles the shape
          const hit = warm.compile(build(b)) // same shape, other values: a shape hit
          expect(warm.cache.stats.shapeHits).toBe(1)
          const cold = new Dialect().compile(build(b))
          expect(hit).toEqual(cold)
        }),
        { numRuns: runs, seed },
      )
    })
  }
})

describe('statements that share a shape key compile to the same SQL', () => {
  for (const Dialect of [PostgresDialect, SqliteDialect, MysqlDialect]) {
    it(new Dialect().name, () => {
      fc.assert(
        fc.property(fc.nat(variants.length - 1), fc.nat(variants.length - 1), values, (i, j, v) => {
          const a = variants[i]!(v)
          const b = variants[j]!(v)
          const sqlA = new Dialect().compile(a).sql
          const sqlB = new Dialect().compile(b).sql
          // a shared key means a shared template: the SQL must be the same (the converse need not
          // hold: SQLite drops FOR UPDATE, so some keys differ for the same SQL)
          if (shapeOf(a).key === shapeOf(b).key) expect(sqlA).toBe(sqlB)
        }),
        { numRuns: runs, seed },
      )
    })
  }

  it('joined loads of different relationships differ in key and SQL', () => {
    const v = { s: 'a', n: 1, m: 1, d: new Date(0), list: [1] }
    const [pets, toys] = [variants[5]!(v), variants[6]!(v)]
    expect(shapeOf(pets).key).not.toBe(shapeOf(toys).key)
    expect(new PostgresDialect().compile(pets).sql).not.toBe(new PostgresDialect().compile(toys).sql)
  })
})
