/** What an ORM commit sends: round trips, keys, stale-row guards, chunking. */
import {
  CommitOutcomeUnknownError,
  delete_,
  func,
  OperationalError,
  PendingRollbackError,
  StaleDataError,
  select,
  UnsupportedCapabilityError,
} from '../../core/index.js'
import { AsyncSession, inspect } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Author, Book, Chapter, Owner, Pet, Reading } from './orm-schema.js'
import type { Topic } from './types.js'

export function ormCommitTopic(s: Topic): void {
  const { test, expect } = s
  const session = () => new AsyncSession(s.engine, { expireOnCommit: false })
  const caps = () => s.config.capabilities

  test('a commit inserting three related tables with client keys is one request', {
    requires: ['requestCount', 'oneRoundTripBatch'],
  }, async () => {
    const db = session()
    const a = new Author({ name: 'one-trip' })
    const b = new Book({ title: 't', author: a })
    b.chapters.push(new Chapter({ n: 1 }), new Chapter({ n: 2 }))
    db.add(a)
    const before = s.requests()!
    await db.commit()
    expect(s.requests()! - before).toBe(1)
    expect(
      await s.engine.scalar(
        select(func.count()).selectFrom(Chapter.__table__).where(Chapter.c.bookId.eq(b.id)),
      ),
    ).toBe(2)
    await db.close()
  })

  test('an update and a delete in one commit are one request', {
    requires: ['requestCount', 'oneRoundTripBatch'],
  }, async () => {
    const db = session()
    const a = new Author({ name: 'upd' })
    const b1 = new Book({ title: 'x', author: a })
    const b2 = new Book({ title: 'y', author: a })
    db.add(a)
    await db.commit()
    b1.title = 'x2'
    await db.delete(b2)
    const before = s.requests()!
    await db.commit()
    expect(s.requests()! - before).toBe(1)
    const titles = (await s.engine.execute(select(Book.c.title).where(Book.c.authorId.eq(a.id))))
      .scalars()
      .all()
    expect(titles).toEqual(['x2'])
    await db.close()
  })

  test('parents and children with database-generated keys commit together where the adapter can', async () => {
    const db = session()
    const o = new Owner({ name: 'gen-keys' })
    o.pets.push(new Pet({ name: 'g1' }), new Pet({ name: 'g2' }))
    db.add(o)
    if (!caps().interactiveTransactions && !s.config.dialect.features.keyPrefetch) {
      // one batch cannot read a new key back in time for the rows that need it
      const err = await caught(db.commit())
      expect(err).toBeInstanceOf(UnsupportedCapabilityError)
      expect(err.message).toMatch(/client-side default/)
      await db.rollback()
      expect((await s.engine.execute(select(Owner.c.id).where(Owner.c.name.eq('gen-keys')))).all()).toEqual(
        [],
      )
      return
    }
    const before = s.requests()
    await db.commit()
    expect(typeof o.id).toBe('number')
    expect(o.pets.map((p) => p.ownerId)).toEqual([o.id, o.id])
    if (before !== undefined && s.config.dialect.features.keyPrefetch && !caps().interactiveTransactions)
      expect(s.requests()! - before).toBe(2) // nextval prefetch, then the batch
    const names = (
      await s.engine.execute(select(Pet.c.name).where(Pet.c.ownerId.eq(o.id)).orderBy(Pet.c.name))
    )
      .scalars()
      .all()
    expect(names).toEqual(['g1', 'g2'])
    await db.close()
  })

  test('a new row without dependents gets its database key back', async () => {
    const db = session()
    const a = new Owner({ name: 'solo' })
    const b = new Owner({ name: 'solo-2' })
    db.addAll([a, b])
    await db.commit()
    expect(typeof a.id).toBe('number')
    expect(b.id).not.toBe(a.id)
    expect(await db.get(Owner, a.id)).toBe(a)
    expect(await s.engine.scalar(select(Owner.c.name).where(Owner.c.id.eq(b.id)))).toBe('solo-2')
    await db.close()
  })

  test('StaleDataError when a row to update is gone; nothing of the commit is written', async () => {
    const db = session()
    const a = new Author({ name: 'stale' })
    const b1 = new Book({ title: 'keep', author: a })
    const b2 = new Book({ title: 'gone', author: a })
    db.add(a)
    await db.commit()
    await s.engine.execute(delete_(Book.__table__).where(Book.c.id.eq(b2.id)))
    b1.title = 'keep-changed'
    b2.title = 'gone-changed'
    const err = await caught(db.commit())
    expect(err).toBeInstanceOf(StaleDataError)
    expect(await s.engine.scalar(select(Book.c.title).where(Book.c.id.eq(b1.id)))).toBe('keep')
    await db.rollback()
    expect(b1.title).toBe('keep')
    await db.close()
  })

  test('StaleDataError when a row to delete is gone', async () => {
    const db = session()
    const a = new Author({ name: 'stale-delete' })
    const b = new Book({ title: 'x', author: a })
    db.add(a)
    await db.commit()
    await s.engine.execute(delete_(Book.__table__).where(Book.c.id.eq(b.id)))
    a.name = 'stale-delete-2'
    await db.delete(b)
    expect(await caught(db.commit())).toBeInstanceOf(StaleDataError)
    expect(await s.engine.scalar(select(Author.c.name).where(Author.c.id.eq(a.id)))).toBe('stale-delete')
    await db.rollback()
    await db.close()
  })

  test('a commit whose request is lost raises CommitOutcomeUnknownError (or OperationalError before COMMIT), keeps its changes pending, and commits once after rollback', {
    requires: ['networkFaults'],
    timeout: 60_000,
  }, async () => {
    const db = session()
    const a = new Author({ name: `lost-${s.nextId()}` })
    a.books.push(new Book({ title: 'lost' }))
    db.add(a)
    await s.config.injectNetworkFault!()
    const err = await caught(db.commit())
    // one-request commits: the request left, so its outcome is unknown; interactive ones lose a
    // statement before COMMIT, which rolls the transaction back
    if (s.config.capabilities.interactiveTransactions && s.config.capabilities.batchRoundTrips !== 'one')
      expect(err).toBeInstanceOf(OperationalError)
    else expect(err).toBeInstanceOf(CommitOutcomeUnknownError)
    if (err instanceof CommitOutcomeUnknownError) expect(db.new.has(a)).toBe(true)
    expect(await caught(db.commit())).toBeInstanceOf(PendingRollbackError)
    await db.rollback()
    expect(inspect(a).status).toBe('transient')
    const count = () =>
      s.engine.scalar(select(func.count()).selectFrom(Author.__table__).where(Author.c.name.eq(a.name)))
    // the lost request may hold SQLite's write lock until the server drops its stream: retry
    const deadline = Date.now() + 30_000
    while ((await count().catch(() => -1)) === -1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200))
    expect(await count()).toBe(0)
    db.add(a)
    for (;;) {
      const err = await db.commit().then(
        () => undefined,
        (e: unknown) => e,
      )
      if (err === undefined) break
      if (!(err instanceof OperationalError) || Date.now() > deadline) throw err
      await db.rollback()
      db.add(a)
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(await count()).toBe(1)
    expect(
      await s.engine.scalar(select(func.count()).selectFrom(Book.__table__).where(Book.c.authorId.eq(a.id))),
    ).toBe(1)
    await db.close()
  })

  test('5,000 rows in one commit stay within the parameter limit', { timeout: 120_000 }, async () => {
    const db = session()
    const batch = crypto.randomUUID()
    db.addAll(Array.from({ length: 5000 }, (_, i) => new Reading({ batch, value: i })))
    await db.commit()
    const row = (
      await s.engine.execute(
        select(func.count(), func.sum(Reading.c.value))
          .selectFrom(Reading.__table__)
          .where(Reading.c.batch.eq(batch)),
      )
    ).one() as unknown as [number, number | string]
    const [count, sum] = [row[0], row[1]]
    expect(count).toBe(5000)
    expect(Number(sum)).toBe((4999 * 5000) / 2)
    await db.close()
  })
}
