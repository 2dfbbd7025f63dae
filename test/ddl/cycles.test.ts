/** Foreign key cycles: created with ALTER TABLE on PostgreSQL and MySQL, inline on SQLite; dropped cleanly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAllDdl, dropAllDdl, getForeignKeys, getTableNames, insert, update } from '../../core/index.js'
import { closeAll, type DialectKey, openAll, type TestDatabase } from '../support/databases.js'
import { buildCycle } from './fixtures.js'

const keys = ['postgresql', 'sqlite', 'mysql'] as const

describe('foreign key cycles', () => {
  let dbs: Record<DialectKey, TestDatabase>
  beforeAll(async () => {
    dbs = await openAll('ddl_cycles')
  })
  afterAll(() => closeAll(dbs))

  it.each(keys)(
    '%s: both directions of the cycle are enforced, and dropAll removes everything',
    async (key) => {
      const db = dbs[key]
      const { metadata, departments, employees } = buildCycle(false)
      await metadata.createAll(db)
      expect(await getTableNames(db)).toEqual(['departments', 'employees'])
      const run = (stmt: Parameters<typeof db.dialect.compile>[0]) => db.run(db.dialect.compile(stmt))
      await run(insert(departments).values({ id: 1 }))
      await run(insert(employees).values({ id: 1, departmentId: 1 }))
      await run(insert(employees).values({ id: 2, departmentId: 1, bossId: 1 }))
      await run(update(departments).values({ managerId: 2 }))
      await expect(run(insert(employees).values({ id: 3, departmentId: 99 }))).rejects.toThrow()
      await expect(run(update(departments).values({ managerId: 99 }))).rejects.toThrow()
      await expect(run(insert(employees).values({ id: 4, bossId: 99 }))).rejects.toThrow()
      if (key !== 'sqlite') {
        const fks = await getForeignKeys(db, 'employees')
        expect(fks.map((f) => f.name)).toContain('fk_employees_department_id_departments')
      }
      if (key === 'sqlite') {
        // SQLite's DROP TABLE deletes the rows first, and fails while other rows reference them
        // (documented on dropAll); PostgreSQL and MySQL drop the cycle's constraint first instead.
        await run(update(departments).values({ managerId: null }))
        await db.exec('DELETE FROM employees')
      }
      await metadata.dropAll(db)
      expect(await getTableNames(db)).toEqual([])
    },
  )

  it.each(keys)('%s: checkFirst on a cycle is idempotent both ways', async (key) => {
    const db = dbs[key]
    const { metadata, departments, employees } = buildCycle(true)
    // SQLite takes a reference to a table that does not exist yet; the others need both halves.
    if (key === 'sqlite') await metadata.createAll(db, { tables: [employees] })
    await metadata.createAll(db, { checkFirst: true })
    await metadata.createAll(db, { checkFirst: true })
    expect(await getTableNames(db)).toEqual(['departments', 'employees'])
    const run = (stmt: Parameters<typeof db.dialect.compile>[0]) => db.run(db.dialect.compile(stmt))
    await run(insert(departments).values({ id: 1 }))
    await expect(run(update(departments).values({ managerId: 7 }))).rejects.toThrow()
    await metadata.dropAll(db, { checkFirst: true })
    await metadata.dropAll(db, { checkFirst: true })
    expect(await getTableNames(db)).toEqual([])
  })

  it('plans ALTER TABLE for the back edge only, and nothing extra on SQLite', () => {
    const { metadata } = buildCycle(true)
    for (const d of [dbs.postgresql.dialect, dbs.mysql.dialect]) {
      const create = createAllDdl(metadata, d)
      expect(create.filter((s) => s.startsWith('ALTER'))).toHaveLength(1)
      expect(create.at(-1)).toMatch(
        /^ALTER TABLE employees ADD CONSTRAINT fk_employees_department_id_departments /,
      )
      expect(dropAllDdl(metadata, d)[0]).toMatch(/^ALTER TABLE employees DROP (CONSTRAINT|FOREIGN KEY) /)
    }
    const lite = createAllDdl(metadata, dbs.sqlite.dialect)
    expect(lite.some((s) => s.startsWith('ALTER'))).toBe(false)
    expect(lite[0]).toContain('REFERENCES departments (id)')
  })
})
