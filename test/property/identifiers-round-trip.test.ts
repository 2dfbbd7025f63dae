/**
 * Property: random identifiers within each dialect's limits (reserved words, spaces, quotes,
 * mixed case, unicode) round-trip through CREATE TABLE, INSERT and SELECT on the real databases.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Column, insert, MetaData, select, Table, t } from '../../core/index.js'
import { closeAll, type DialectKey, openAll, type TestDatabase } from '../support/databases.js'

const runs = Number(process.env.PROPERTY_IDENTIFIER_RUNS ?? 25)
const seed = 20261124

const piece = fc.constantFrom(
  'select',
  'order',
  'user',
  'group',
  'Table',
  'from',
  ' ',
  '"',
  '`',
  "'",
  'MiXeD',
  'é',
  'ß',
  '中',
  '1',
  '-',
  '.',
  '$',
  '%',
  '?',
  '\\',
  'x',
)

/** An identifier every dialect accepts: 1..40 characters (<= 63 UTF-8 bytes), no trailing space. */
const identifier = fc
  .array(piece, { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('').trimEnd())
  .filter((s) => s.length > 0 && new TextEncoder().encode(s).length <= 63 && [...s].length <= 64)

const schemaNames = fc
  .uniqueArray(identifier, { minLength: 3, maxLength: 3, selector: (s) => s.toLowerCase() })
  .filter(([table]) => !table!.startsWith(' '))

describe('identifiers round-trip through DDL, INSERT and SELECT', () => {
  let dbs: Record<DialectKey, TestDatabase>
  beforeAll(async () => {
    dbs = await openAll('identifiers')
  })
  afterAll(() => closeAll(dbs))

  it.each(['postgresql', 'sqlite', 'mysql'] as const)('%s', async (key) => {
    const db = dbs[key]
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        schemaNames,
        fc.string({ maxLength: 20 }),
        async ([tableName, keyCol, textCol], value) => {
          const metadata = new MetaData()
          const table = new Table(`${tableName!}${n++}`, metadata, {
            k: new Column(t.Integer, { name: keyCol!, primaryKey: true, autoincrement: false }),
            v: new Column(t.String(80), { name: textCol! }),
          })
          const clean = value.replaceAll('\0', '')
          await metadata.createAll(db)
          try {
            await db.run(insert(table).values({ k: 7, v: clean }).compile(db.dialect))
            const rows = await db.run(select(table).where(table.c.k.eq(7)).compile(db.dialect))
            expect(rows).toEqual([[7, clean]])
          } finally {
            await metadata.dropAll(db)
          }
        },
      ),
      { numRuns: runs, seed },
    )
  })
})
