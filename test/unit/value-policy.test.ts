/**
 * The value policy without a database: which values are refused, with which error and wording,
 * on which paths (writes check capacity, comparisons only the type's range and form). The same
 * rules run against every adapter in testing/suite/reliability-values.ts.
 */
import { describe, expect, it } from 'vitest'
import {
  ArgumentError,
  bindparam,
  Column,
  DataError,
  insert,
  literal,
  MetaData,
  postgresql,
  sqlite,
  Table,
  t,
  text,
  update,
} from '../../core/index.js'
import { codePointLength, decimalDigits } from '../../core/sql/value-policy.js'

const metadata = new MetaData()
const accounts = new Table('accounts', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  secret: new Column(t.String(8), { name: 'secret_code' }),
  amount: new Column(t.Numeric(6, 2)),
  meta: new Column(t.JSON()),
  stamp: new Column(t.Integer, { default: () => 2 ** 40 }),
})

const dataError = (fn: () => unknown): DataError => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(DataError)
    return e as DataError
  }
  throw new Error('expected a DataError')
}

describe('value policy', () => {
  it('names table.column and the rule, never the value', () => {
    const secret = 'hunter2-is-my-password'
    const err = dataError(() => insert(accounts).values({ id: 1, secret, stamp: 1 }))
    expect(err.message).toBe('accounts.secret_code: String(8) holds at most 8 characters; the value has 22')
    expect(err.message).not.toContain(secret)
    expect(err.sql).toBeUndefined()
  })
  it('counts code points, not UTF-16 units', () => {
    expect(() => insert(accounts).values({ id: 1, secret: '😀'.repeat(8), stamp: 1 })).not.toThrow()
    expect(() => insert(accounts).values({ id: 1, secret: '😀'.repeat(9), stamp: 1 })).toThrow(/has 9/)
    expect(codePointLength('a😀b𠜎')).toBe(4)
  })
  it('checks capacity on writes only; a comparison checks range and form', () => {
    expect(() => accounts.c.secret.eq('x'.repeat(100))).not.toThrow()
    expect(() => accounts.c.amount.eq('12345.678')).not.toThrow()
    expect(() => accounts.c.id.eq(2 ** 31)).toThrow(DataError)
    expect(() => accounts.c.secret.eq('\ud800')).toThrow(/lone UTF-16 surrogate/)
    expect(() => accounts.c.id.in([1, 2 ** 32])).toThrow(DataError)
    expect(() => update(accounts).values({ amount: '12345.67' })).toThrow(/at most 4 digit\(s\) before/)
  })
  it('checks named parameters that write a column when the statement is bound', () => {
    const stmt = insert(accounts).values({ id: bindparam('id', t.Integer), secret: bindparam('s'), stamp: 1 })
    expect(() => sqlite.compile(stmt, { id: 1, s: 'short' })).not.toThrow()
    expect(() => sqlite.compile(stmt, { id: 1, s: 'much too long' })).toThrow(
      /accounts\.secret_code: String\(8\)/,
    )
  })
  it('checks client defaults', () => {
    expect(() => insert(accounts).values({ id: 1 }).compile(postgresql)).toThrow(
      /accounts\.stamp: Integer holds/,
    )
  })
  it('refuses JSON that would not read back as written, with its path', () => {
    expect(() => insert(accounts).values({ id: 1, stamp: 1, meta: { a: [0, { b: 2n }] } })).toThrow(
      /accounts\.meta: JSON cannot hold a bigint \(at \$\.a\[1\]\.b\)/,
    )
    const o: Record<string, unknown> = {}
    o.o = o
    expect(() => insert(accounts).values({ id: 1, stamp: 1, meta: o })).toThrow(/cycle/)
    expect(() =>
      insert(accounts).values({ id: 1, stamp: 1, meta: { d: new Date(0), u: undefined } }),
    ).not.toThrow()
  })
  it('untyped values are refused only when no database can take them', () => {
    expect(() => postgresql.compile(text('SELECT :x'), { x: 2 ** 40 })).not.toThrow()
    expect(() => postgresql.compile(text('SELECT :x'), { x: Number.NaN })).toThrow(DataError)
    expect(() => literal(2 ** 40)).not.toThrow()
    expect(literal(2 ** 40).type).toBe(t.BigInteger)
    expect(() => bindparam('x', t.Float, Number.POSITIVE_INFINITY)).toThrow(DataError)
  })
  it('a JavaScript value of the wrong kind stays an ArgumentError', () => {
    expect(() => insert(accounts).values({ id: 1.5, stamp: 1 })).toThrow(ArgumentError)
    expect(() => insert(accounts).values({ id: 1, stamp: 1, amount: true as never })).toThrow(ArgumentError)
  })
  it('counts decimal digits across signs, exponents and zeros', () => {
    expect(decimalDigits('0012.3400')).toEqual([2, 2])
    expect(decimalDigits('-1.5e3')).toEqual([4, 0])
    expect(decimalDigits('1e-3')).toEqual([0, 3])
    expect(decimalDigits('.5')).toEqual([0, 1])
    expect(decimalDigits(0.1 + 0.2)).toEqual([0, 17])
    expect(decimalDigits(1e21)).toEqual([22, 0])
    expect(decimalDigits(-123n)).toEqual([3, 0])
    expect(decimalDigits('0.000')).toEqual([0, 0])
    expect(decimalDigits('1.2.3')).toBeNull()
    expect(decimalDigits('5.')).toEqual([1, 0])
    expect(decimalDigits('+.5e-2')).toEqual([0, 3])
    expect(decimalDigits('0.05')).toEqual([0, 2])
    for (const bad of ['', '.', '1e', '1e+', 'e5', '1 ', '0x10', '1_000'])
      expect(decimalDigits(bad)).toBeNull()
  })
  it('dates and times must be real calendar values', () => {
    const dates = new Table('dates', new MetaData(), {
      id: new Column(t.Integer, { primaryKey: true }),
      d: new Column(t.Date),
      tm: new Column(t.Time),
      at: new Column(t.DateTime()),
    })
    for (const d of ['2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])
      expect(() => insert(dates).values({ id: 1, d })).not.toThrow()
    for (const d of ['2024-13-45', '1900-02-29', '2024-04-31', '0000-01-01', '2024-1-01', '2024-01-01 '])
      expect(() => insert(dates).values({ id: 1, d })).toThrow(DataError)
    for (const tm of ['99:99:99', '24:00:00', '12:60:00', '12:30', '12:30:00.5', '1:30:00'])
      expect(() => insert(dates).values({ id: 1, tm })).toThrow(DataError)
    expect(() => insert(dates).values({ id: 1, at: new Date(Number.NaN) })).toThrow(/Invalid Date/)
    expect(() => insert(dates).values({ id: 1, at: new Date(Date.UTC(-1, 0, 1)) })).toThrow(/years 1 to 9999/)
  })
})
