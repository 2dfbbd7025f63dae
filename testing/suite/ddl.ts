/** DDL through the engine: `metadata.createAll` / `dropAll`, with and without `checkFirst`. */
import {
  Column,
  ForeignKey,
  getColumns,
  getTableNames,
  hasTable,
  Index,
  insert,
  MetaData,
  ProgrammingError,
  select,
  Table,
  t,
  text,
  UniqueConstraint,
} from '../../core/index.js'
import { caught } from './helpers.js'
import type { Topic } from './types.js'

function ddlMetadata() {
  const md = new MetaData()
  const authors = new Table('ea_ddl_authors', md, {
    id: new Column(t.Integer, { primaryKey: true }),
    name: new Column(t.String(60), { nullable: false }),
    country: new Column(t.String(2), { nullable: false, serverDefault: 'NZ' }),
  })
  const books = new Table(
    'ea_ddl_books',
    md,
    {
      id: new Column(t.Integer, { primaryKey: true }),
      authorId: new Column(t.Integer, {
        name: 'author_id',
        nullable: false,
        foreignKey: new ForeignKey(() => authors.c.id),
      }),
      isbn: new Column(t.String(20), { nullable: false }),
      title: new Column(t.String(200), { nullable: false }),
    },
    new UniqueConstraint(['isbn']),
    new Index('ix_ea_ddl_books_title', ['title']),
  )
  return { md, authors, books }
}

export function ddlTopic(s: Topic): void {
  const { test, expect } = s
  const { md, authors, books } = ddlMetadata()
  const names = ['ea_ddl_authors', 'ea_ddl_books']

  test('createAll creates every table of the metadata', async () => {
    await md.dropAll(s.engine, { checkFirst: true })
    await md.createAll(s.engine)
    for (const name of names) expect(await hasTable(s.engine, name)).toBe(true)
  })

  test('createAll with checkFirst skips tables that exist', async () => {
    await md.createAll(s.engine, { checkFirst: true })
    await md.createAll(s.engine, { checkFirst: true })
    expect(await hasTable(s.engine, 'ea_ddl_books')).toBe(true)
  })

  test('createAll without checkFirst fails on an existing table with ProgrammingError', async () => {
    await md.createAll(s.engine, { checkFirst: true })
    const err = await caught(md.createAll(s.engine, { tables: [authors] }))
    expect(err).toBeInstanceOf(ProgrammingError)
  })

  test('getTableNames lists the created tables', async () => {
    await md.createAll(s.engine, { checkFirst: true })
    const all = await getTableNames(s.engine)
    for (const name of names) expect(all).toContain(name)
  })

  test('getColumns reports the columns and their nullability', async () => {
    await md.createAll(s.engine, { checkFirst: true })
    const cols = await getColumns(s.engine, 'ea_ddl_books')
    expect(cols.map((c) => c.name)).toEqual(['id', 'author_id', 'isbn', 'title'])
    expect(cols.find((c) => c.name === 'title')!.nullable).toBe(false)
  })

  test('created tables take rows, generate keys and apply server defaults', async () => {
    await md.createAll(s.engine, { checkFirst: true })
    await s.engine.execute(insert(authors).values({ name: 'Janet Frame' }))
    const row = (
      await s.engine.execute(select(authors.c.id, authors.c.country).where(authors.c.name.eq('Janet Frame')))
    ).one()
    expect(typeof row.id).toBe('number')
    expect(row.country).toBe('NZ')
  })

  test('a UniqueConstraint from the metadata is enforced', async () => {
    await md.createAll(s.engine, { checkFirst: true })
    await s.engine.execute(insert(authors).values({ id: 900, name: 'A' }))
    await s.engine.execute(insert(books).values({ authorId: 900, isbn: 'X-1', title: 'One' }))
    const err = await caught(
      s.engine.execute(insert(books).values({ authorId: 900, isbn: 'X-1', title: 'Two' })),
    )
    expect(err.name).toBe('IntegrityError')
  })

  test('dropAll removes every table of the metadata', async () => {
    await md.createAll(s.engine, { checkFirst: true })
    await md.dropAll(s.engine)
    for (const name of names) expect(await hasTable(s.engine, name)).toBe(false)
  })

  test('dropAll with checkFirst on missing tables does nothing', async () => {
    await md.dropAll(s.engine, { checkFirst: true })
    await md.dropAll(s.engine, { checkFirst: true })
    expect(await hasTable(s.engine, 'ea_ddl_authors')).toBe(false)
  })

  test('dropAll without checkFirst fails on a missing table with ProgrammingError', async () => {
    await md.dropAll(s.engine, { checkFirst: true })
    const err = await caught(md.dropAll(s.engine, { tables: [books] }))
    expect(err).toBeInstanceOf(ProgrammingError)
  })

  test('createAll and dropAll run on a connection too', async () => {
    const conn = await s.engine.connect()
    try {
      await conn.runSync((c) => md.createAll(c, { checkFirst: true }))
      await conn.commit()
      expect(await hasTable(s.engine, 'ea_ddl_books')).toBe(true)
      await conn.runSync((c) => md.dropAll(c))
      await conn.commit()
    } finally {
      await conn.close()
    }
    expect(await hasTable(s.engine, 'ea_ddl_books')).toBe(false)
  })

  test('createAll inside a transaction that rolls back leaves no table (PostgreSQL, SQLite)', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const conn = await s.engine.connect()
    const tx = await conn.begin()
    await md.createAll(conn, { tables: [authors] })
    await tx.rollback()
    await conn.close()
    // MySQL commits DDL implicitly (documented), so the table stays there.
    const expected = !s.engine.dialect.features.transactionalDdl
    expect(await hasTable(s.engine, 'ea_ddl_authors')).toBe(expected)
    await md.dropAll(s.engine, { checkFirst: true })
  })

  test('DDL as text() runs through engine.execute', async () => {
    await s.engine.execute(text('CREATE TABLE ea_ddl_text (id INTEGER PRIMARY KEY, v VARCHAR(10))'))
    expect(await hasTable(s.engine, 'ea_ddl_text')).toBe(true)
    await s.engine.execute(text('DROP TABLE ea_ddl_text'))
    expect(await hasTable(s.engine, 'ea_ddl_text')).toBe(false)
  })
}
