import { describe, expect, it } from 'vitest'
import { DBAPIError, EdgeAlchemyError, IntegrityError, StatementError } from '../../core/index.js'

describe('error tree', () => {
  it('an IntegrityError is a DBAPIError, a StatementError and an EdgeAlchemyError', () => {
    const cause = new Error('duplicate key')
    const err = new IntegrityError('unique violation', { sql: 'INSERT', params: [1], code: '23505', cause })
    expect(err).toBeInstanceOf(DBAPIError)
    expect(err).toBeInstanceOf(StatementError)
    expect(err).toBeInstanceOf(EdgeAlchemyError)
    expect(err.orig).toBe(cause)
    expect(err.code).toBe('23505')
    expect(err.name).toBe('IntegrityError')
  })
})
