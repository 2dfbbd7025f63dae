/**
 * migrations/0001_init.sql is the app's schema as the library writes it for SQLite
 * (`npm run examples:migration`), and it builds the tables the app maps.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createAllDdl, createAsyncEngine, sqlite, text } from 'edgealchemy'
import { libsql } from 'edgealchemy/libsql/node'
import { describe, expect, it } from 'vitest'
import { schemaSql } from '../../edge-examples/app/ddl.ts'
import { metadata } from '../../edge-examples/app/index.ts'

const dir = fileURLToPath(new URL('../../migrations/', import.meta.url))

describe('edge-examples migrations', () => {
  it('migrations/ holds one file, named as wrangler names them', () => {
    expect(readdirSync(dir)).toEqual(['0001_init.sql'])
  })

  it("0001_init.sql is createAllDdl(metadata, sqlite) of the app's MetaData (run npm run examples:migration after changing the models)", () => {
    const file = readFileSync(`${dir}0001_init.sql`, 'utf8')
    expect(file).toBe(schemaSql())
    for (const statement of createAllDdl(metadata, sqlite)) expect(file).toContain(`${statement};`)
  })

  it('creates every table and column the app maps, and the seed loads into them', async () => {
    const engine = createAsyncEngine(libsql(':memory:'))
    try {
      const sql = readFileSync(`${dir}0001_init.sql`, 'utf8')
      const statements = sql
        .replace(/^--.*$/gm, '')
        .split(/;\s*$/m)
        .map((s) => s.trim())
        .filter((s) => s !== '')
      await engine.batch(statements.map((s) => text(s)))
      for (const table of metadata.tables.values()) {
        const columns = (await engine.execute(text(`SELECT name FROM pragma_table_info('${table.name}')`)))
          .scalars()
          .all()
        expect(columns.sort()).toEqual(table.columns.map((c) => c.name).sort())
      }
      const seed = readFileSync(
        fileURLToPath(new URL('../../edge-examples/seed.sql', import.meta.url)),
        'utf8',
      )
      const inserts = seed
        .replace(/^--.*$/gm, '')
        .split(/;\s*$/m)
        .map((s) => s.trim())
        .filter((s) => s !== '')
      await engine.batch(inserts.map((s) => text(s)))
      await engine.batch(inserts.map((s) => text(s))) // INSERT OR IGNORE: a second run changes nothing
      const counts = await engine.execute(
        text(
          'SELECT (SELECT count(*) FROM authors), (SELECT count(*) FROM posts), (SELECT count(*) FROM post_tags)',
        ),
      )
      expect(counts.one()._tuple()).toEqual([2, 3, 5])
    } finally {
      await engine.dispose()
    }
  })
})
