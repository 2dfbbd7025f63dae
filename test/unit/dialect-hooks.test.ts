/**
 * The hooks through which the engine, the ORM and the suites ask a dialect instead of checking
 * its name: the row-count guard of a batched commit, key reservation, value encoding, error
 * classification, driver type codecs, JSON aggregation, raised errors.
 */
import { describe, expect, it } from 'vitest'
import {
  Column,
  DataError,
  DBAPIError,
  IntegrityError,
  MetaData,
  mysql,
  OperationalError,
  postgresql,
  SqliteDialect,
  select,
  sqlite,
  Table,
  t,
  UnsupportedCapabilityError,
} from '../../core/index.js'

const items = new Table('items', new MetaData(), {
  id: new Column(t.Integer, { primaryKey: true }),
  flag: new Column(t.Boolean),
  n: new Column(t.BigInteger),
})
const stmt = { sql: 'UPDATE items SET n = $1 WHERE id = $2', params: [1, 2] }

describe('row-count guard of a batched commit', () => {
  it('PostgreSQL wraps the statement in a counted CTE that divides by zero on a mismatch', () => {
    expect(postgresql.rowCountGuard(stmt, 1)).toEqual([
      {
        sql: 'WITH ea_guard AS (UPDATE items SET n = $1 WHERE id = $2 RETURNING 1) SELECT 1 / (CASE WHEN count(*) = $3 THEN 1 ELSE 0 END) FROM ea_guard',
        params: [1, 2, 1],
      },
    ])
    expect(postgresql.isRowCountGuardError({ code: '22012', message: 'division by zero' })).toBe(true)
    expect(postgresql.isRowCountGuardError({ code: '23505', message: 'integer overflow' })).toBe(false)
  })
  it('SQLite follows the statement with a SELECT that overflows unless changes() matches', () => {
    const plain = { sql: 'DELETE FROM items WHERE id = ?', params: [3] }
    const [first, guard] = sqlite.rowCountGuard(plain, 2)
    expect(first).toBe(plain)
    expect(guard).toEqual({
      sql: 'SELECT CASE WHEN changes() = ? THEN 0 ELSE abs(-9223372036854775808) END',
      params: [2],
    })
    expect(sqlite.isRowCountGuardError(new Error('SQLITE_ERROR: integer overflow'))).toBe(true)
    expect(sqlite.isRowCountGuardError({ code: '22012' })).toBe(false)
  })
  it('MySQL has none (its adapters commit interactively)', () => {
    expect(() => mysql.rowCountGuard(stmt, 1)).toThrow(UnsupportedCapabilityError)
    expect(mysql.isRowCountGuardError(new Error('integer overflow'))).toBe(false)
  })
})

describe('key reservation before a batch', () => {
  it('PostgreSQL reserves keys from the serial sequence', () => {
    expect(postgresql.features.keyPrefetch).toBe(true)
    expect(postgresql.compile(postgresql.reserveKeys('Order Items', 'id', 3))).toEqual({
      sql: 'SELECT nextval(pg_get_serial_sequence($1::VARCHAR, $2::VARCHAR)) FROM generate_series(1, $3::INTEGER)',
      params: ['"Order Items"', 'id', 3],
    })
  })
  it('SQLite and MySQL say they cannot', () => {
    for (const d of [sqlite, mysql]) {
      expect(d.features.keyPrefetch).toBe(false)
      expect(() => d.reserveKeys('items', 'id', 1)).toThrow(UnsupportedCapabilityError)
    }
  })
})

describe('value encoding', () => {
  const insertOne = (d: typeof postgresql | typeof sqlite | typeof mysql) =>
    d.compile(select(items.c.id).where(items.c.flag.eq(true), items.c.n.eq(5n))).params
  it('booleans native on PostgreSQL, 1/0 elsewhere; 64-bit integers as text on PostgreSQL', () => {
    expect(insertOne(postgresql)).toEqual([true, '5'])
    expect(insertOne(sqlite)).toEqual([1, 5n])
    expect(insertOne(mysql)).toEqual([1, 5n])
  })
  it('zone-aware timestamps carry +00 on PostgreSQL only', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))
    const tz = t.DateTime({ timezone: true })
    expect(tz.encode(at, postgresql.valueEncoding)).toBe('2024-01-02 03:04:05.006+00')
    expect(tz.encode(at, sqlite.valueEncoding)).toBe('2024-01-02 03:04:05.006')
    expect(t.DateTime().encode(at, postgresql.valueEncoding)).toBe('2024-01-02 03:04:05.006')
  })
  it('FOR UPDATE OF is a feature flag', () => {
    const q = select(items.c.id).forUpdate({ of: [items] })
    expect(postgresql.compile(q).sql).toBe('SELECT items.id FROM items FOR UPDATE OF items')
    expect(() => mysql.compile(q)).toThrow(/FOR UPDATE OF is PostgreSQL only/)
  })
})

describe('errors and driver type codecs', () => {
  it('each dialect classifies its own codes', () => {
    expect(postgresql.errorClass({ code: '23505', message: 'x' })).toBe(IntegrityError)
    expect(postgresql.isRetryableAnswer({ code: '40001', message: 'x' })).toBe(true)
    expect(mysql.errorClass({ code: '1062', message: 'x' })).toBe(IntegrityError)
    expect(mysql.errorClass({ code: '9999', message: 'boom (sqlstate 22003)' })).toBe(DataError)
    expect(mysql.isRetryableAnswer({ code: '1213', message: 'x' })).toBe(true)
    expect(sqlite.errorClass({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'x' })).toBe(IntegrityError)
    expect(sqlite.isRetryableAnswer({ code: 'SQLITE_BUSY', message: 'x' })).toBe(true)
    expect(sqlite.errorClass({ message: 'something else' })).toBe(DBAPIError)
  })
  it('translateError makes the typed error; a transport failure is operational', () => {
    const e = postgresql.translateError({ code: '40P01', message: 'deadlock' }, { sql: 'SELECT 1' })
    expect(e).toBeInstanceOf(OperationalError)
    expect(e.retryable).toBe(true)
    expect(
      sqlite.translateError({ code: 'SQLITE_CONSTRAINT', message: 'x', transport: true }, {}),
    ).toBeInstanceOf(OperationalError)
  })
  it('untyped columns decode by the driver type id the dialect knows', () => {
    expect(postgresql.columnDecoders([undefined, undefined], [16, 25]).map((d) => d?.('t') ?? null)).toEqual([
      true,
      null,
    ])
    expect(mysql.columnDecoders([undefined], ['INT64'])[0]!('12')).toBe(12)
    expect(sqlite.driverTypeDecoder(undefined)(10n)).toBe(10)
  })
})

describe('features the ORM and the suites ask', () => {
  it('JSON aggregation, with the kinds cast to text', () => {
    expect(postgresql.jsonAggregation?.agg).toBe('json_agg')
    expect([...(sqlite.jsonAggregation?.textKinds ?? [])]).toEqual(['bigint'])
    expect(mysql.jsonAggregation?.ordered).toBe(false)
  })
  it('what JavaScript evaluates differently, DDL, lastInsertId, character counts', () => {
    expect(mysql.features.caseInsensitiveText && mysql.features.decimalDivision).toBe(true)
    expect(postgresql.features.caseInsensitiveText || sqlite.features.decimalDivision).toBe(false)
    expect(mysql.features.transactionalDdl).toBe(false)
    expect(postgresql.features.lastInsertId).toBe(false)
    expect(sqlite.features.characterLengthFunction).toBe('length')
  })
  it('raised errors of a chosen SQLSTATE', () => {
    expect(postgresql.raiseErrorSql('40001', "it's forced")).toBe(
      "DO $$ BEGIN RAISE EXCEPTION 'it''s forced' USING ERRCODE = '40001'; END $$",
    )
    expect(mysql.raiseErrorSql('40001', 'forced')).toBe(
      "SIGNAL SQLSTATE '40001' SET MESSAGE_TEXT = 'forced', MYSQL_ERRNO = 1213",
    )
    expect(mysql.raiseErrorSql('45000', 'x')).toBe("SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'x'")
    expect(sqlite.raiseErrorSql('40001', 'x')).toBeUndefined()
    expect(() => postgresql.raiseErrorSql("1'; --", 'x')).toThrow(/Not a SQLSTATE/)
  })
  it('a SQLite dialect reading BigInteger as text keeps the other features', () => {
    const d1 = new SqliteDialect({ bigIntegerAsText: true })
    expect(d1.features.bigIntegerAsText).toBe(true)
    expect(d1.features.keyPrefetch).toBe(false)
    expect(d1.jsonAggregation).toEqual(sqlite.jsonAggregation)
  })
})
