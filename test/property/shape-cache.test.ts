/**
 * Property: a statement compiled through a template shared with another statement of the same
 * shape (a shape-cache hit) gives exactly what a cold compile of it gives: same SQL, and its own
 * values in the right places.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
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
]

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
