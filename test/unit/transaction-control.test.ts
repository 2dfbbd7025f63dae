/** The dialect's transaction statements, and the one reading of isolation level names. */
import { describe, expect, it } from 'vitest'
import { isolationLevel } from '../../core/dialects/transaction-control.js'
import { ArgumentError, mysql, postgresql, sqlite } from '../../core/index.js'

describe('transaction control', () => {
  it('reads every spelling adapters have accepted', () => {
    for (const name of [
      'repeatable read',
      'REPEATABLE READ',
      'REPEATABLE_READ',
      'repeatable-read',
      'RepeatableRead',
    ])
      expect(isolationLevel(name)).toBe('repeatable read')
    expect(isolationLevel('Serializable')).toBe('serializable')
    expect(isolationLevel(' read  uncommitted ')).toBe('read uncommitted')
  })

  it('refuses an unknown name with an ArgumentError listing the levels', () => {
    expect(() => isolationLevel('chaos; DROP TABLE items')).toThrow(ArgumentError)
    expect(() => isolationLevel('snapshot')).toThrow(
      /Unknown isolation level "snapshot"; use one of 'read uncommitted', 'read committed', 'repeatable read', 'serializable'/,
    )
  })

  it('PostgreSQL: one BEGIN with its modes', () => {
    const c = postgresql.transactionControl()
    expect(c.begin()).toEqual(['BEGIN'])
    expect(c.begin({ readOnly: true })).toEqual(['BEGIN READ ONLY'])
    expect(c.begin({ isolation: 'serializable', readOnly: true })).toEqual([
      'BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY',
    ])
    expect([c.commit, c.rollback]).toEqual(['COMMIT', 'ROLLBACK'])
    expect(c.cursor?.declare('ea_cursor_1', 'SELECT 1')).toBe(
      'DECLARE ea_cursor_1 NO SCROLL CURSOR FOR SELECT 1',
    )
    expect(c.cursor?.fetch('ea_cursor_1', 50)).toBe('FETCH FORWARD 50 FROM ea_cursor_1')
    expect(c.cursor?.close('ea_cursor_1')).toBe('CLOSE ea_cursor_1')
  })

  it('MySQL: SET TRANSACTION before the transaction, then BEGIN or START TRANSACTION READ ONLY', () => {
    const c = mysql.transactionControl()
    expect(c.begin()).toEqual(['BEGIN'])
    expect(c.begin({ isolation: 'read committed', readOnly: true })).toEqual([
      'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
      'START TRANSACTION READ ONLY',
    ])
    expect(c.cursor).toBeUndefined()
  })

  it('SQLite: BEGIN alone (its transactions are serializable)', () => {
    expect(sqlite.transactionControl().begin({ isolation: 'serializable' })).toEqual(['BEGIN'])
    expect(sqlite.transactionControl().readOnlyGuard).toEqual({
      enable: 'PRAGMA query_only = 1',
      disable: 'PRAGMA query_only = 0',
    })
  })
})
