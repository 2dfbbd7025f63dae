/**
 * Writes through the session: bulk INSERT and bulk UPDATE by key, ORM UPDATE/DELETE keeping the
 * identity map in step, writes held for commit on a batch-only adapter, and version counters.
 */
import { describe, expect, it } from 'vitest'
import { libsql } from '../../adapters/libsql/node.js'
import type { Adapter } from '../../core/engine/adapter.js'
import {
  ArgumentError,
  type AsyncEngine,
  createAsyncEngine,
  delete_,
  InvalidRequestError,
  insert,
  StaleDataError,
  select,
  t,
  UnsupportedCapabilityError,
  update,
} from '../../core/index.js'
import { AsyncSession, DeclarativeBase, inspect, mappedColumn, mapperArgs } from '../../core/orm/index.js'
import { memoryEngine } from './support.js'

class Base extends DeclarativeBase {}
class Item extends Base.mapped('items', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(t.String(20), { nullable: false }),
  qty: mappedColumn(t.Integer, { nullable: false, default: 0 }),
}) {}
class Doc extends Base.mapped('docs', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  title: mappedColumn(t.String(20), { nullable: false }),
  version: mappedColumn(t.Integer, { nullable: false }),
}) {
  static {
    mapperArgs(this, { versionIdCol: 'version' })
  }
}

/** libSQL in memory, seen as an adapter without interactive transactions (as d1 is), 100 parameters. */
function batchOnly(): Adapter {
  const inner = libsql(':memory:')
  return Object.create(inner, {
    name: { value: 'batch-only' },
    capabilities: {
      value: { ...inner.capabilities, interactiveTransactions: false, savepoints: false, maxParams: 100 },
    },
  }) as Adapter
}

async function setup(kind: 'interactive' | 'batch-only', log: string[] = []): Promise<AsyncEngine> {
  const engine =
    kind === 'interactive'
      ? await memoryEngine(log)
      : createAsyncEngine(batchOnly(), { echo: true, logger: (l) => log.push(l) })
  await Base.metadata.createAll(engine)
  log.length = 0
  return engine
}

const names = async (engine: AsyncEngine) =>
  (await engine.execute(select(Item.c.name).orderBy(Item.c.id))).scalars().all()

describe.each(['interactive', 'batch-only'] as const)('session writes (%s)', (kind) => {
  it('a bulk INSERT of plain objects is chunked to the parameter limit', async () => {
    const log: string[] = []
    const engine = await setup(kind, log)
    const session = new AsyncSession(engine)
    const rows = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, name: `n${i}` }))
    await session.execute(insert(Item), rows)
    await session.commit()
    expect(await engine.scalar(select(Item.c.qty).where(Item.c.id.eq(7)))).toBe(0) // the client default
    expect((await names(engine)).length).toBe(250)
    const inserts = log.filter((l) => l.startsWith('INSERT'))
    if (kind === 'batch-only') {
      expect(inserts.length).toBe(Math.ceil(250 / 33)) // 3 parameters a row, at most 100 a statement
      for (const l of inserts) expect((l.match(/\?/g) ?? []).length).toBeLessThanOrEqual(100)
    }
  })

  it('a bulk UPDATE by primary key writes each row and updates the objects in memory', async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    await engine.execute(insert(Item), [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ])
    const a = (await session.get(Item, 1))!
    await session.execute(update(Item), [
      { id: 1, name: 'A', qty: 5 },
      { id: 3, name: 'C' },
    ])
    expect([a.name, a.qty]).toEqual(['A', 5])
    await session.commit()
    expect(await names(engine)).toEqual(['A', 'b', 'C'])
  })

  it('a bulk UPDATE of a missing key raises StaleDataError and writes nothing', async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine)
    await engine.execute(insert(Item).values({ id: 1, name: 'a' }))
    const run = async () => {
      await session.execute(update(Item), [
        { id: 1, name: 'A' },
        { id: 99, name: 'x' },
      ])
      await session.commit()
    }
    await expect(run()).rejects.toThrow(StaleDataError)
    await session.rollback()
    expect(await names(engine)).toEqual(['a'])
  })

  it('rows of a bulk UPDATE must name their key', async () => {
    const session = new AsyncSession(await setup(kind))
    await expect(session.execute(update(Item), [{ name: 'x' }])).rejects.toThrow(ArgumentError)
  })

  it.each(['auto', 'evaluate', 'fetch', false] as const)(
    'update().where() with synchronizeSession %s',
    async (mode) => {
      const engine = await setup(kind)
      const session = new AsyncSession(engine, { expireOnCommit: false })
      await engine.execute(insert(Item), [
        { id: 1, name: 'a', qty: 1 },
        { id: 2, name: 'b', qty: 2 },
        { id: 3, name: 'c', qty: 3 },
      ])
      const items = (await session.scalars(select(Item).orderBy(Item.c.id))).all()
      const stmt = update(Item)
        .where(Item.c.qty.ge(2))
        .values({ qty: Item.c.qty.add(10) })
        .executionOptions({ synchronizeSession: mode })
      await session.execute(stmt)
      if (mode === false) expect(items.map((i) => i.qty)).toEqual([1, 2, 3])
      else expect(items.map((i) => i.qty)).toEqual([1, 12, 13])
      await session.commit()
      const qty = (await engine.execute(select(Item.c.qty).orderBy(Item.c.id))).scalars().all()
      expect(qty).toEqual([1, 12, 13])
    },
  )

  it.each(['auto', 'evaluate', 'fetch'] as const)(
    'delete_().where() with synchronizeSession %s',
    async (mode) => {
      const engine = await setup(kind)
      const session = new AsyncSession(engine, { expireOnCommit: false })
      await engine.execute(insert(Item), [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ])
      const [a, b] = (await session.scalars(select(Item).orderBy(Item.c.id))).all()
      await session.execute(
        delete_(Item).where(Item.c.name.eq('b')).executionOptions({ synchronizeSession: mode }),
      )
      expect(inspect(b!).status).toBe('deleted')
      expect(await session.get(Item, 2)).toBeNull()
      await session.commit()
      expect(inspect(b!).status).toBe('detached')
      expect(inspect(a!).status).toBe('persistent')
      expect(await names(engine)).toEqual(['a'])
    },
  )

  it("'evaluate' refuses criteria it cannot evaluate; 'auto' falls back to fetch", async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    await engine.execute(insert(Item), [
      { id: 1, name: 'apple' },
      { id: 2, name: 'berry' },
    ])
    const [apple] = (await session.scalars(select(Item).orderBy(Item.c.id))).all()
    const like = update(Item).where(Item.c.name.like('app%')).values({ qty: 7 })
    const err = await session
      .execute(like.executionOptions({ synchronizeSession: 'evaluate' }))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidRequestError)
    expect((err as Error).message).toMatch(/Could not evaluate .*LIKE|like/i)
    await session.execute(like)
    expect(apple!.qty).toBe(7)
    await session.commit()
  })

  it('a rollback undoes what a write did to the objects', async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    await engine.execute(insert(Item).values({ id: 1, name: 'a', qty: 1 }))
    const a = (await session.get(Item, 1))!
    await session.execute(delete_(Item).where(Item.c.id.eq(1)))
    expect(inspect(a).status).toBe('deleted')
    await session.rollback()
    expect(await session.get(Item, 1)).toBe(a)
    expect(await names(engine)).toEqual(['a'])
  })

  it('a versioned row counts up; a concurrent change is StaleDataError and nothing is written', async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const doc = new Doc({ id: 1, title: 'v1' })
    session.add(doc)
    await session.commit()
    expect(doc.version).toBe(1)
    doc.title = 'v2'
    await session.commit()
    expect(doc.version).toBe(2)
    expect(await engine.scalar(select(Doc.c.version).where(Doc.c.id.eq(1)))).toBe(2)
    await engine.execute(update(Doc.__table__).where(Doc.c.id.eq(1)).values({ version: 3, title: 'other' }))
    doc.title = 'mine'
    session.add(new Doc({ id: 2, title: 'new' }))
    await expect(session.commit()).rejects.toThrow(StaleDataError)
    await session.rollback()
    expect(await engine.scalar(select(Doc.c.title).where(Doc.c.id.eq(1)))).toBe('other')
    expect(await engine.scalar(select(Doc.c.id).where(Doc.c.id.eq(2)))).toBeNull()
  })

  it('a versioned DELETE checks the version', async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const doc = new Doc({ id: 1, title: 'v1' })
    session.add(doc)
    await session.commit()
    await engine.execute(update(Doc.__table__).where(Doc.c.id.eq(1)).values({ version: 5 }))
    await session.delete(doc)
    await expect(session.commit()).rejects.toThrow(StaleDataError)
    await session.rollback()
    expect(await engine.scalar(select(Doc.c.version).where(Doc.c.id.eq(1)))).toBe(5)
  })

  it('an expired version is counted up by the database and read back', async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine)
    session.add(new Doc({ id: 1, title: 'v1' }))
    await session.commit()
    const doc = (await session.get(Doc, 1))!
    await session.commit() // expires everything
    doc.title = 'v2'
    await session.commit()
    expect(await engine.scalar(select(Doc.c.version).where(Doc.c.id.eq(1)))).toBe(2)
  })

  it('an ORM UPDATE of a versioned class counts the version up', async () => {
    const engine = await setup(kind)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const doc = new Doc({ id: 1, title: 'v1' })
    session.add(doc)
    await session.commit()
    await session.execute(update(Doc).where(Doc.c.id.eq(1)).values({ title: 'bulk' }))
    expect([doc.title, doc.version]).toEqual(['bulk', 2])
    await session.commit()
    expect(await engine.scalar(select(Doc.c.version).where(Doc.c.id.eq(1)))).toBe(2)
  })
})

describe('session writes on a batch-only adapter', () => {
  it('are held until commit and sent in its one batch, after the flush', async () => {
    const log: string[] = []
    const engine = await setup('batch-only', log)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    session.add(new Item({ id: 1, name: 'a', qty: 1 }))
    const result = await session.execute(update(Item).where(Item.c.qty.eq(1)).values({ qty: 2 }))
    expect(result.rowsAffected).toBe(-1)
    expect(log).toEqual([])
    expect(await names(engine)).toEqual([])
    await session.commit()
    expect(session.lastFlush.requests).toBe(1)
    expect(await engine.scalar(select(Item.c.qty).where(Item.c.id.eq(1)))).toBe(2)
  })

  it('an object the commit flushed has what a held UPDATE set expired', async () => {
    const engine = await setup('batch-only')
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const item = new Item({ id: 1, name: 'a', qty: 1 })
    session.add(item)
    await session.execute(update(Item).values({ qty: 9 }))
    await session.commit()
    expect(inspect(item).unloaded).toContain('qty')
    await session.refresh(item)
    expect(item.qty).toBe(9)
  })

  it('an object changed after a held UPDATE counted its version keeps a sound version check', async () => {
    const engine = await setup('batch-only')
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const doc = new Doc({ id: 1, title: 'v1' })
    session.add(doc)
    await session.commit()
    await session.execute(update(Doc).where(Doc.c.id.eq(1)).values({ title: 'bulk' }))
    expect(doc.version).toBe(2)
    doc.title = 'mine' // flushed first (version 1 -> 2), then the held UPDATE (2 -> 3)
    await session.commit()
    const row = (await engine.execute(select(Doc.c.title, Doc.c.version))).one()
    expect([row[0], row[1]]).toEqual(['bulk', 3])
    await session.refresh(doc)
    expect([doc.title, doc.version]).toEqual(['bulk', 3])
  })

  it('refuses RETURNING, which could only come back at commit', async () => {
    const session = new AsyncSession(await setup('batch-only'))
    await expect(
      session.execute(insert(Item).values({ id: 1, name: 'a' }).returning(Item.c.id)),
    ).rejects.toThrow(UnsupportedCapabilityError)
  })

  it('a rollback drops held writes', async () => {
    const engine = await setup('batch-only')
    const session = new AsyncSession(engine)
    await session.execute(insert(Item), [{ id: 1, name: 'a' }])
    await session.rollback()
    await session.commit()
    expect(await names(engine)).toEqual([])
  })
})

describe('DML of mapped classes', () => {
  it('insert/update/delete_ take a mapped class', () => {
    expect(insert(Item).table).toBe(Item.__table__)
    expect(update(Item).table).toBe(Item.__table__)
    expect(delete_(Item).table).toBe(Item.__table__)
    expect(() => update({} as never)).toThrow(ArgumentError)
  })

  it('versionIdCol must name an integer column', () => {
    class Other extends DeclarativeBase {}
    class Bad extends Other.mapped('bad_versions', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      v: mappedColumn(t.String(5)),
    }) {
      static {
        mapperArgs(this, { versionIdCol: 'v' })
      }
    }
    expect(() => new Bad()).toThrow(/integer column/)
    class Missing extends Other.mapped('missing_versions', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
    }) {
      static {
        mapperArgs(this, { versionIdCol: 'nope' })
      }
    }
    expect(() => new Missing()).toThrow(/not a column/)
  })
})
