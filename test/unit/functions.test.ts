import { describe, expect, it } from 'vitest'
import { ArgumentError, func, literal, postgresql, select, sqlFunction, sqlite } from '../../core/index.js'

describe('func', () => {
  it('calls any function by name, with values bound', () => {
    expect(select(func.json_agg(literal(1)).label('j')).compile(postgresql).sql).toBe(
      'SELECT json_agg($1::INTEGER) AS j',
    )
    expect(select(sqlFunction('my_udf', 'x').label('u')).compile(sqlite)).toEqual({
      sql: 'SELECT my_udf(?) AS u',
      params: ['x'],
    })
  })
  it('refuses a name that is not an identifier', () => {
    expect(() => sqlFunction('drop table x;--', 1)).toThrow(ArgumentError)
  })
  it('is not thenable, so it can be returned from async code', () => {
    expect((func as unknown as { then?: unknown }).then).toBeUndefined()
  })
})
