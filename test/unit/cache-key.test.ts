/**
 * The statement cache keys each node by the fields its kind declares (core/sql/cache-key.ts):
 * every field of every node kind is declared (keyed, or left out with a reason), and a value a
 * field's keyer cannot key is an error, never a silent collapse into another statement's key.
 */
import { describe, expect, it } from 'vitest'
import { shapeOf } from '../../core/dialects/statement-cache.js'
import {
  Column,
  CompileError,
  case_,
  delete_,
  exists,
  func,
  insert,
  MetaData,
  null_,
  or,
  postgresql,
  select,
  Table,
  t,
  text,
  update,
} from '../../core/index.js'
import { selectinload } from '../../core/orm/index.js'
import { cacheKeyFields } from '../../core/sql/cache-key.js'
import { ClauseElement, Grouping } from '../../core/sql/elements.js'
import { FunctionCall } from '../../core/sql/functions.js'
import { Owner } from '../../testing/suite/orm-schema.js'

const metadata = new MetaData()
const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(40), { nullable: false }),
  score: new Column(t.Integer, { onupdate: () => 0 }),
})

/** Statements that together hold a node of every kind. */
function corpus(): ClauseElement[] {
  const u = users.alias('u')
  const sub = select(users.c.id, users.c.name).where(users.c.score.between(1, 9)).subquery('s')
  const recent = select(users.c.id).cte('recent')
  const tree = select(users.c.id).where(users.c.id.eq(1)).cte('tree', { recursive: true })
  const fullTree = tree.unionAll(select(users.c.id).selectFrom(users.join(tree, users.c.score.eq(tree.c.id))))
  return [
    select(
      users.c.id.add(1).label('next'),
      users.c.name.concat('!').cast(t.Text),
      case_([[users.c.score.gt(1), 'big']], { else_: 'small' }),
      new Grouping(users.c.score.mul(2)),
      func.count(users.c.id).over({ partitionBy: users.c.name, orderBy: users.c.id.desc() }),
      select(func.max(u.c.id)).scalarSubquery(),
      sub.c.name,
    )
      .selectFrom(users.join(sub, sub.c.id.eq(users.c.id)))
      .where(
        users.c.name.like('a%'),
        users.c.id.in([1, 2]),
        or(users.c.score.isNull(), users.c.score.ne(null_())),
        exists(select(u.c.id).where(u.c.id.ne(users.c.id))),
      )
      .orderBy(users.c.id.asc().nullsLast())
      .limit(3)
      .forUpdate({ nowait: true }),
    select(users.c.id).union(select(recent.c.id)),
    select(fullTree.c.id),
    insert(users)
      .values({ id: 1, name: 'a' })
      .onConflictDoUpdate({ target: [users.c.id], set: { name: insert(users).excluded.name } }),
    update(users).values({ name: 'b' }).where(users.c.id.eq(1)).returning(users.c.id),
    delete_(users).where(users.c.id.eq(1)),
    text('SELECT :x').bindparams({ x: 1 }),
  ]
}

/** Every node reachable from `root` through its fields. */
function nodesOf(root: ClauseElement): Set<ClauseElement> {
  const found = new Set<ClauseElement>()
  const walk = (v: unknown): void => {
    if (v instanceof ClauseElement) {
      if (found.has(v)) return
      found.add(v)
      for (const x of Object.values(v)) walk(x)
    } else if (Array.isArray(v)) for (const x of v) walk(x)
    else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      for (const x of Object.values(v)) walk(x)
  }
  walk(root)
  return found
}

describe('cache-key declarations', () => {
  it('the corpus holds every node kind, and every field of each node is declared', () => {
    const kinds = new Set<string>()
    const undeclared: string[] = []
    for (const stmt of corpus())
      for (const node of nodesOf(stmt)) {
        kinds.add(node.kind)
        // core/schema's Table and Column add schema fields (constraints, options) the SQL does not read
        if (node instanceof Table || node instanceof Column) continue
        const declared = cacheKeyFields[node.kind] as Record<string, unknown>
        for (const field of Object.keys(node))
          if (field !== 'kind' && !(field in declared)) undeclared.push(`${node.kind}.${field}`)
      }
    expect([...kinds].sort()).toEqual(Object.keys(cacheKeyFields).sort())
    expect(undeclared).toEqual([])
  })

  it('a field value no keyer accepts is a clear error, not a collapsed key', () => {
    const base = select(users.c.id)
    const unkeyable: [unknown, string][] = [
      [new Set([users]), 'Set'],
      [new Map(), 'Map'],
      [() => true, 'function'],
      [new Date(0), 'Date'],
    ]
    for (const [value, what] of unkeyable) {
      const stmt = base.forUpdate({ nowait: value as boolean })
      expect(() => shapeOf(stmt)).toThrow(CompileError)
      expect(() => shapeOf(stmt)).toThrow(
        new RegExp(`cannot key select\\.forUpdateOptions \\(options\\) holding a ${what}`),
      )
    }
    // a literal field given something else
    const fn = new FunctionCall('f', [], t.Integer, undefined, new Set() as unknown as boolean)
    expect(() => shapeOf(select(fn))).toThrow(/cannot key function\.distinct \(literal\) holding a Set/)
    expect(() => postgresql.compile(select(fn))).toThrow(CompileError)
  })

  it('loader and execution options are not part of the key; an empty IN list is', () => {
    const plain = select(Owner).where(Owner.c.id.eq(1))
    const key = shapeOf(plain).key
    expect(shapeOf(plain.options(selectinload(Owner.pets))).key).toBe(key)
    expect(shapeOf(plain.options(selectinload(Owner.toys))).key).toBe(key)
    expect(shapeOf(plain.executionOptions({ populateExisting: true })).key).toBe(key)
    expect(shapeOf(select(users.c.id).where(users.c.id.in([]))).key).not.toBe(
      shapeOf(select(users.c.id).where(users.c.id.in([1]))).key,
    )
  })
})
