/**
 * Property: whatever values a statement is built with (quotes, backslashes, unicode, numbers,
 * dates), none of them appears in the SQL text; each reaches the driver as a parameter.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  Column,
  case_,
  func,
  insert,
  literal,
  MetaData,
  mysql,
  or,
  postgresql,
  select,
  sqlite,
  Table,
  t,
  text,
  update,
} from '../../core/index.js'

const runs = Number(process.env.PROPERTY_RUNS ?? 200)
const seed = 20261123

const metadata = new MetaData()
const notes = new Table('notes', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  body: new Column(t.Text),
  score: new Column(t.Integer),
  at: new Column(t.DateTime()),
})

/** A marker that never occurs in generated SQL, prefixed to every string value. */
const mark = '\u2063'
const tricky = fc.constantFrom(
  "'",
  '"',
  '\\',
  '`',
  ';',
  '--',
  '/*',
  '%',
  '_',
  '$1',
  '?',
  ':x',
  '\n',
  'é',
  '𝄞',
  ' ',
  'NULL',
)
const stringValue = fc
  .array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 6 })
  .map((parts) => mark + parts.join('').replaceAll('\0', ''))
const intValue = fc.integer({ min: 900_000_001, max: 2_000_000_000 })
const dateValue = fc.integer({ min: 2031, max: 2099 }).map((y) => new Date(Date.UTC(y, 0, 2, 3, 4, 5)))

const statements = fc.tuple(stringValue, intValue, dateValue, fc.nat(6)).map(([s, n, d, pick]) => {
  const all = [
    select(notes.c.id).where(notes.c.body.eq(s), notes.c.score.gt(n), notes.c.at.lt(d)),
    insert(notes).values({ id: n, body: s, score: n, at: d }),
    update(notes)
      .values({ body: s })
      .where(notes.c.score.in([n, n + 1])),
    select(case_([[notes.c.body.like(s), s]], { else_: s }).label('x')).selectFrom(notes),
    select(notes.c.id).where(or(notes.c.body.contains(s, { autoescape: true }), notes.c.body.ilike(s))),
    select(literal(s).label('v'), func.coalesce(notes.c.body, s).label('w')).selectFrom(notes).limit(n),
    text('SELECT :a AS a, :b AS b').bindparams({ a: s, b: n }),
  ]
  return { stmt: all[pick]!, values: [s, n, d] as const }
})

describe('no value ever appears in the SQL text', () => {
  it.each([postgresql, sqlite, mysql])('$name', (dialect) => {
    fc.assert(
      fc.property(statements, ({ stmt, values: [s, n, d] }) => {
        const { sql, params } = stmt.compile(dialect)
        expect(sql).not.toContain(mark)
        expect(sql).not.toContain(String(n))
        expect(sql).not.toContain(String(d.getUTCFullYear()))
        expect(params.some((p) => typeof p === 'string' && p.includes(mark))).toBe(true)
        void s
      }),
      { numRuns: runs, seed },
    )
  })
})
