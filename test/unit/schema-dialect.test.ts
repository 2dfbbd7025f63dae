/**
 * The schema layer reaches a dialect only through SchemaDialect (core/schema/schema-dialect.ts):
 * createAll's plan follows the dialect's DDL flags, the inspector runs the dialect's catalog
 * queries and reads their rows as text. A stand-in dialect shows nothing else is asked.
 */
import { describe, expect, it } from 'vitest'
import {
  Column,
  createAll,
  createAllDdl,
  dropAllDdl,
  ForeignKey,
  getColumns,
  getForeignKeys,
  getTableNames,
  hasTable,
  type InspectionQueries,
  MetaData,
  type SchemaDdlCompiler,
  type SchemaDialect,
  type SqlRunner,
  Table,
  t,
} from '../../core/index.js'

/** Two tables that refer to each other, declared child first. */
function cycle() {
  const metadata = new MetaData()
  const children: Table = new Table('children', metadata, {
    id: new Column(t.Integer, { primaryKey: true }),
    parentId: new Column(t.Integer, {
      foreignKey: new ForeignKey((): Column<any, any> => parents.columnByKey('id')),
    }),
  })
  const parents: Table = new Table('parents', metadata, {
    id: new Column(t.Integer, { primaryKey: true }),
    favoriteId: new Column(t.Integer, { foreignKey: new ForeignKey(() => children.columnByKey('id')) }),
  })
  return metadata
}

/** A DDL compiler that names what it is asked for. */
const words: SchemaDdlCompiler = {
  createTableStatements: (table, options) => [
    `create ${table.name}${options?.omitForeignKeys?.size ? ` without ${options.omitForeignKeys.size}` : ''}`,
  ],
  dropTable: (table) => `drop ${table.name}`,
  addConstraint: (table, c) => `add ${c.kind} to ${table.name}`,
  dropConstraint: (table, c) => `remove ${c.kind} from ${table.name}`,
  foreignKeyName: (table) => `fk_${table.name}`,
}

const queries: InspectionQueries = {
  tableNames: 'tables',
  hasTable: (p) => `has ${p}`,
  columns: (p) => `columns ${p}`,
  column: (cells) => ({
    name: String(cells[0]),
    type: String(cells[1]),
    nullable: cells[2] === 'y',
    default: cells[3] ?? null,
  }),
  foreignKeys: () => undefined,
}

function dialect(ddl: SchemaDialect['ddl'], inspection = queries): SchemaDialect {
  return { placeholder: (n) => `:${n}`, createDdlCompiler: () => words, ddl, inspection }
}

/** A runner that records the statements and answers each with `rows(sql)`. */
function runner(d: SchemaDialect, rows: (sql: string) => unknown[][] = () => []) {
  const sent: { sql: string; params: readonly unknown[] }[] = []
  const r: SqlRunner = {
    dialect: d,
    runCompiled: async (stmt) => {
      sent.push({ sql: stmt.sql, params: stmt.params })
      return { rows: rows(stmt.sql) }
    },
  }
  return { r, sent }
}

describe('the schema layer through SchemaDialect', () => {
  const strict = { inlineForwardForeignKeys: false, caseInsensitiveTableNames: false }
  const lenient = { inlineForwardForeignKeys: true, caseInsensitiveTableNames: true }

  it('adds the forward keys of a cycle by ALTER TABLE unless the dialect keeps them inline', () => {
    expect(createAllDdl(cycle(), dialect(strict))).toEqual([
      'create parents without 1',
      'create children',
      'add foreign_key to parents',
    ])
    expect(dropAllDdl(cycle(), dialect(strict))).toEqual([
      'remove foreign_key from parents',
      'drop children',
      'drop parents',
    ])
    expect(createAllDdl(cycle(), dialect(lenient))).toEqual(['create parents', 'create children'])
    expect(dropAllDdl(cycle(), dialect(lenient))).toEqual(['drop children', 'drop parents'])
  })

  it('compares existing table names as the dialect says', async () => {
    const existing = (sql: string) => (sql === 'tables' ? [['PARENTS']] : [])
    const a = runner(dialect(strict), existing)
    await createAll(cycle(), a.r, { checkFirst: true })
    expect(a.sent.map((s) => s.sql)).toEqual([
      'tables',
      'create parents without 1',
      'create children',
      'add foreign_key to parents',
    ])
    const b = runner(dialect(lenient), existing)
    await createAll(cycle(), b.r, { checkFirst: true })
    expect(b.sent.map((s) => s.sql)).toEqual(['tables', 'create children'])
  })

  it("runs the dialect's catalog queries with the table name bound and reads cells as text", async () => {
    const { r, sent } = runner(dialect(strict), (sql) =>
      sql === 'tables'
        ? [['b'], [new TextEncoder().encode('a')]]
        : sql.startsWith('columns')
          ? [
              ['id', 'int', 'n', null],
              ['note', new TextEncoder().encode('text'), 'y', 0],
            ]
          : [[1]],
    )
    expect(await getTableNames(r)).toEqual(['a', 'b'])
    expect(await hasTable(r, 'users')).toBe(true)
    expect(await getColumns(r, 'users')).toEqual([
      { name: 'id', type: 'int', nullable: false, default: null },
      { name: 'note', type: 'text', nullable: true, default: '0' },
    ])
    expect(await getForeignKeys(r, 'users')).toEqual([])
    expect(sent).toEqual([
      { sql: 'tables', params: [] },
      { sql: 'has :1', params: ['users'] },
      { sql: 'columns :1', params: ['users'] },
    ])
  })
})
