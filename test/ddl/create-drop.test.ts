/** createAll / dropAll on the three real databases: the DDL runs, defaults round-trip, checkFirst is idempotent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTable,
  dropTable,
  getColumns,
  getForeignKeys,
  getTableNames,
  hasTable,
  insert,
  inspect,
} from '../../core/index.js'
import { closeAll, type DialectKey, openAll, type TestDatabase } from '../support/databases.js'
import { buildSchema, tricky } from './fixtures.js'

const keys = ['postgresql', 'sqlite', 'mysql'] as const

describe.each([true, false])('createAll / dropAll (naming convention: %s)', (named) => {
  let dbs: Record<DialectKey, TestDatabase>
  beforeAll(async () => {
    dbs = await openAll(`ddl_cd_${named}`)
  })
  afterAll(() => closeAll(dbs))

  it.each(keys)('%s: creates every table, inserts, reads defaults back, drops everything', async (key) => {
    const db = dbs[key]
    const { metadata, users, kinds, memberships, grants } = buildSchema(named)
    await metadata.createAll(db)
    expect(await getTableNames(db)).toEqual(['grants', 'kinds', 'memberships', 'users'])

    // A row relying on server defaults, through the plain runner.
    await db.run(db.dialect.compile(insert(users).values({ name: 'Ann', email: 'a@x', team: 'red' })))
    await db.run(
      db.dialect.compile(
        insert(kinds).values({
          ownerId: 1,
          tm: '10:11:12',
          j: { a: [1, 'two'] },
          u: '0b6d2a0e-51a5-4c1c-9c61-7b6f7e8f1a2b',
          bin: new Uint8Array([0, 1, 255]),
        }),
      ),
    )
    const [row] = await db.exec('SELECT id, i, si, f, n, s, tx, b, d, created_at, e, expr FROM kinds')
    const [id, i, si, f, n, s, tx, b, d, createdAt, e, expr] = row!
    expect(Number(id)).toBe(1)
    expect([Number(i), Number(si), Number(f), Number(n), Number(expr)]).toEqual([7, -3, 1.5, 12.5, 42])
    // Quotes and backslashes survive the literal escaping on every dialect.
    expect(s).toBe(tricky)
    expect(tx).toBe(tricky)
    expect(b === true || Number(b) === 1).toBe(true)
    expect(String(d instanceof Date ? d.toISOString() : d)).toMatch(/^2024-01-0[12]/)
    expect(createdAt).not.toBeNull()
    expect(e).toBe('a')
    if (key === 'sqlite') {
      // The lone integer key is a rowid alias: it takes only integers and numbers rows by itself.
      await expect(db.exec("INSERT INTO kinds (id) VALUES ('x')")).rejects.toThrow(/datatype mismatch/)
      expect(await db.exec('SELECT typeof(id), id = rowid FROM kinds')).toEqual([['integer', 1]])
    }

    await db.run(db.dialect.compile(insert(memberships).values({ userId: 1, groupName: 'g', kindId: 1 })))
    await db.run(db.dialect.compile(insert(grants).values({ id: 10, userId: 1, groupName: 'g' })))
    expect(await db.exec('SELECT role FROM memberships')).toEqual([['member']])

    // Constraints are really there.
    await expect(db.exec("UPDATE kinds SET e = 'z'")).rejects.toThrow()
    await expect(db.exec('UPDATE kinds SET i = -1')).rejects.toThrow()
    await expect(
      db.exec(`UPDATE users SET name = ${db.dialect.placeholder(1)}`, ["o'brien\\"]),
    ).rejects.toThrow()
    await expect(
      db.run(db.dialect.compile(insert(users).values({ name: 'Bob', email: 'a@x' }))),
    ).rejects.toThrow()
    await expect(
      db.run(db.dialect.compile(insert(memberships).values({ userId: 99, groupName: 'g', kindId: 1 }))),
    ).rejects.toThrow()
    // ON DELETE CASCADE reaches grants through the composite key.
    await db.exec('DELETE FROM memberships')
    expect(await db.exec('SELECT count(*) FROM grants')).toEqual([[key === 'postgresql' ? '0' : 0]])

    await metadata.dropAll(db)
    expect(await getTableNames(db)).toEqual([])
  })

  it.each(keys)('%s: the inspector sees the columns', async (key) => {
    const db = dbs[key]
    const { metadata } = buildSchema(named)
    await metadata.createAll(db)
    const insp = inspect(db)
    expect(await insp.hasTable('kinds')).toBe(true)
    expect(await hasTable(db, 'nope')).toBe(false)
    const cols = await getColumns(db, 'kinds')
    expect(cols.map((c) => c.name)).toEqual([
      'id',
      'i',
      'si',
      'f',
      'n',
      's',
      'tx',
      'b',
      'd',
      'created_at',
      'tm',
      'j',
      'u',
      'bin',
      'e',
      'owner_id',
      'expr',
    ])
    const byName = Object.fromEntries(cols.map((c) => [c.name, c]))
    expect(byName.id!.nullable).toBe(false)
    expect(byName.i!.nullable).toBe(false)
    expect(byName.si!.nullable).toBe(true)
    expect(byName.i!.default).toContain('7')
    expect(byName.s!.default).not.toBeNull()
    expect(byName.tm!.default).toBeNull()
    const mem = Object.fromEntries((await insp.getColumns('memberships')).map((c) => [c.name, c]))
    // Columns of a PrimaryKeyConstraint are NOT NULL even without nullable: false.
    expect(mem.user_id!.nullable).toBe(false)
    expect(mem.group_name!.nullable).toBe(false)
    expect(await getColumns(db, 'nope')).toEqual([])
    if (key !== 'sqlite') {
      const fks = await getForeignKeys(db, 'memberships')
      expect(fks.map((f) => f.referredTable).sort()).toEqual(['kinds', 'users'])
      if (named) expect(fks.map((f) => f.name)).toContain('fk_memberships_user_id_users')
      expect(fks.map((f) => f.name)).toContain('membership_kind')
    }
    await metadata.dropAll(db)
    expect(await insp.getTableNames()).toEqual([])
  })

  it.each(keys)('%s: checkFirst twice is idempotent, both ways', async (key) => {
    const db = dbs[key]
    const { metadata, users, kinds } = buildSchema(named)
    // Part of the schema exists already.
    await createTable(users, db)
    await metadata.createAll(db, { checkFirst: true })
    await metadata.createAll(db, { checkFirst: true })
    expect(await getTableNames(db)).toEqual(['grants', 'kinds', 'memberships', 'users'])
    await expect(metadata.createAll(db)).rejects.toThrow()
    await metadata.dropAll(db, { tables: [metadata.tables.get('grants')!] })
    await metadata.dropAll(db, { checkFirst: true })
    await metadata.dropAll(db, { checkFirst: true })
    expect(await getTableNames(db)).toEqual([])
    await createTable(users, db, { checkFirst: true })
    await createTable(users, db, { checkFirst: true })
    await dropTable(kinds, db, { checkFirst: true })
    await dropTable(users, db)
    expect(await getTableNames(db)).toEqual([])
    void key
  })
})
