/** Bad schemas fail with a CompileError before any statement reaches the database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CheckConstraint,
  Column,
  CompileError,
  createAllDdl,
  DdlCompiler,
  dropAllDdl,
  ForeignKey,
  getTableNames,
  Index,
  MetaData,
  mysql,
  postgresql,
  type SqlRunner,
  sqlite,
  Table,
  t,
  UniqueConstraint,
} from '../../core/index.js'
import { closeAll, type DialectKey, openAll, type TestDatabase } from '../support/databases.js'

/** A runner that counts what it is asked to run before passing it on. */
function counting(db: TestDatabase): SqlRunner & { sent: string[] } {
  const sent: string[] = []
  return {
    dialect: db.dialect,
    sent,
    runCompiled(stmt) {
      sent.push(stmt.sql)
      return db.runCompiled(stmt)
    },
  }
}

/** A valid table first, so a failure part way would leave it behind. */
function schemaWith(bad: (metadata: MetaData) => void): MetaData {
  const metadata = new MetaData()
  new Table('fine', metadata, { id: new Column(t.Integer, { primaryKey: true }) })
  bad(metadata)
  return metadata
}

describe('DDL bad input', () => {
  let dbs: Record<DialectKey, TestDatabase>
  beforeAll(async () => {
    dbs = await openAll('ddl_bad')
  })
  afterAll(() => closeAll(dbs))

  it('a 64-byte identifier is a CompileError on PostgreSQL, before anything runs', async () => {
    // 32 two-byte characters: 64 bytes, too long for PostgreSQL's 63-byte limit.
    const long = 'é'.repeat(32)
    const metadata = schemaWith(
      (m) => new Table(long, m, { id: new Column(t.Integer, { primaryKey: true }) }),
    )
    const runner = counting(dbs.postgresql)
    await expect(metadata.createAll(runner)).rejects.toThrow(CompileError)
    await expect(metadata.createAll(runner)).rejects.toThrow(/64 bytes long; postgresql allows at most 63/)
    await expect(metadata.createAll(runner, { checkFirst: true })).rejects.toThrow(CompileError)
    expect(runner.sent).toEqual([])
    expect(await getTableNames(dbs.postgresql)).toEqual([])
    // A 63-byte column name is fine; MySQL counts characters, so the long name passes there.
    expect(() => createAllDdl(metadata, mysql)).not.toThrow()
    const ok = schemaWith(
      (m) => new Table('ok', m, { [`${'é'.repeat(31)}x`]: new Column(t.Integer, { primaryKey: true }) }),
    )
    await ok.createAll(dbs.postgresql)
    await ok.dropAll(dbs.postgresql)
  })

  it('a MariaDB name with a trailing space is a CompileError, before anything runs', async () => {
    const metadata = schemaWith(
      (m) =>
        new Table('spaced', m, {
          id: new Column(t.Integer, { primaryKey: true }),
          name: new Column(t.String(10), { name: 'name ' }),
        }),
    )
    const runner = counting(dbs.mysql)
    await expect(metadata.createAll(runner)).rejects.toThrow(/ends with a space/)
    expect(runner.sent).toEqual([])
    expect(await getTableNames(dbs.mysql)).toEqual([])
    // The same name is quoted and accepted by PostgreSQL and SQLite.
    for (const key of ['postgresql', 'sqlite'] as const) {
      await metadata.createAll(dbs[key])
      expect(await getTableNames(dbs[key])).toEqual(['fine', 'spaced'])
      await metadata.dropAll(dbs[key])
    }
  })

  it('String() without a length is a CompileError on MySQL only', async () => {
    const metadata = schemaWith(
      (m) =>
        new Table('nolen', m, { id: new Column(t.Integer, { primaryKey: true }), s: new Column(t.String()) }),
    )
    const runner = counting(dbs.mysql)
    await expect(metadata.createAll(runner)).rejects.toThrow(/String columns need a length on MySQL/)
    await expect(metadata.createAll(runner)).rejects.toBeInstanceOf(CompileError)
    expect(runner.sent).toEqual([])
    expect(createAllDdl(metadata, postgresql)[1]).toContain('s VARCHAR')
    expect(createAllDdl(metadata, sqlite)[1]).toContain('s VARCHAR')
  })

  it('TEXT/BLOB/JSON keys, SET DEFAULT and ALTER on SQLite are refused where the database would refuse them', () => {
    const m = new MetaData()
    const docs = new Table(
      'docs',
      m,
      { id: new Column(t.Integer, { primaryKey: true }), body: new Column(t.Text), j: new Column(t.JSON()) },
      new UniqueConstraint(['body']),
    )
    expect(() => createAllDdl(m, mysql)).toThrow(
      /column body \(LONGTEXT\) cannot be used in a UNIQUE constraint on MySQL/,
    )
    expect(() => createAllDdl(m, postgresql)).not.toThrow()
    const m2 = new MetaData()
    new Table(
      'docs',
      m2,
      { id: new Column(t.Integer, { primaryKey: true }), j: new Column(t.JSON()) },
      new Index('ix_j', ['j']),
    )
    expect(() => createAllDdl(m2, mysql)).toThrow(/in an index on MySQL/)
    const m3 = new MetaData()
    const a = new Table('a', m3, { id: new Column(t.Integer, { primaryKey: true }) })
    const b = new Table('b', m3, {
      id: new Column(t.Integer, { primaryKey: true }),
      aId: new Column(t.Integer, { foreignKey: new ForeignKey(() => a.c.id, { onDelete: 'SET DEFAULT' }) }),
    })
    expect(() => createAllDdl(m3, mysql)).toThrow(/InnoDB rejects ON DELETE SET DEFAULT/)
    expect(createAllDdl(m3, postgresql)[1]).toContain('ON DELETE SET DEFAULT')
    expect(() => new DdlCompiler(sqlite).addConstraint(b, b.foreignKeys[0]!)).toThrow(CompileError)
    expect(() => new DdlCompiler(sqlite).dropConstraint(b, b.foreignKeys[0]!)).toThrow(CompileError)
    void docs
  })

  it('naming conventions: %(constraint_name)s needs a name, unknown tokens are errors', () => {
    const m = new MetaData({ namingConvention: { ck: 'ck_%(table_name)s_%(constraint_name)s' } })
    new Table('t', m, { id: new Column(t.Integer, { primaryKey: true }) }, new CheckConstraint('id > 0'))
    expect(() => createAllDdl(m, postgresql)).toThrow(
      /uses %\(constraint_name\)s, so this constraint needs an explicit name/,
    )
    const m2 = new MetaData({ namingConvention: { uq: 'uq_%(nonsense)s' } })
    new Table('t', m2, {
      id: new Column(t.Integer, { primaryKey: true }),
      u: new Column(t.Integer, { unique: true }),
    })
    expect(() => createAllDdl(m2, sqlite)).toThrow(/uses %\(nonsense\)s, which has no value here/)
    const m3 = new MetaData({ namingConvention: { pk: 'pk_%(referred_table_name)s' } })
    new Table('t', m3, { id: new Column(t.Integer, { primaryKey: true }) })
    expect(() => createAllDdl(m3, sqlite)).toThrow(CompileError)
  })

  it('an unnamed constraint cannot be dropped by name', () => {
    const m = new MetaData()
    const tb = new Table('t', m, {
      id: new Column(t.Integer, { primaryKey: true }),
      u: new Column(t.Integer, { unique: true }),
    })
    expect(() =>
      new DdlCompiler(postgresql).dropConstraint(tb, tb.constraints[0] as UniqueConstraint),
    ).toThrow(/unnamed unique constraint/)
    expect(dropAllDdl(m, postgresql)).toEqual(['DROP TABLE t'])
  })
})
