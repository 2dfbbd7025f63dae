/**
 * Writes through the session: ORM bulk INSERT and bulk UPDATE by primary key, ORM UPDATE/DELETE
 * keeping the identity map in step (`synchronizeSession`), and optimistic concurrency through a
 * version counter (`versionIdCol`).
 */
import {
  delete_,
  func,
  InvalidRequestError,
  insert,
  StaleDataError,
  select,
  update,
} from '../../core/index.js'
import { AsyncSession, inspect } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Gadget, Ledger } from './orm-schema.js'
import type { Topic } from './types.js'

const MODES = ['auto', 'evaluate', 'fetch', false] as const

export function ormWritesTopic(s: Topic): void {
  const { test, expect } = s
  const session = () => new AsyncSession(s.engine, { expireOnCommit: false })

  /** Rows of a fresh batch with keys of their own; returns the batch name and the keys. */
  const seed = async (labels: readonly string[]) => {
    const batch = crypto.randomUUID()
    const ids = labels.map(() => s.nextId())
    await s.engine.execute(
      insert(Gadget),
      labels.map((label, i) => ({ id: ids[i]!, batch, label, qty: i + 1 })),
    )
    return { batch, ids }
  }
  const stored = async (batch: string) =>
    (
      await s.engine.execute(
        select(Gadget.c.label, Gadget.c.qty).where(Gadget.c.batch.eq(batch)).orderBy(Gadget.c.id),
      )
    )
      .all()
      .map((r) => [r[0], r[1]])

  test('a bulk INSERT of 1,000 plain objects stays within the parameter limit', {
    timeout: 120_000,
  }, async () => {
    const db = session()
    const batch = crypto.randomUUID()
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: s.nextId(), batch, label: `g${i}` }))
    await db.execute(insert(Gadget), rows)
    await db.commit()
    const [count, sum] = (
      await s.engine.execute(
        select(func.count(), func.sum(Gadget.c.qty))
          .selectFrom(Gadget.__table__)
          .where(Gadget.c.batch.eq(batch)),
      )
    ).one() as unknown as [number, number | string]
    expect(count).toBe(1000)
    expect(Number(sum)).toBe(0) // the client-side default of every row
    await db.close()
  })

  test('a bulk write on a batch-only adapter waits for commit and goes in its one request', {
    requires: ['batchOnly', 'requestCount'],
  }, async () => {
    const db = session()
    const batch = crypto.randomUUID()
    const before = s.requests()!
    const result = await db.execute(
      insert(Gadget),
      Array.from({ length: 300 }, (_, i) => ({ id: s.nextId(), batch, label: `h${i}` })),
    )
    expect(result.rowsAffected).toBe(-1) // not known until commit
    expect(s.requests()! - before).toBe(0)
    expect(await stored(batch)).toEqual([])
    const beforeCommit = s.requests()!
    await db.commit()
    expect(s.requests()! - beforeCommit).toBe(1)
    expect((await stored(batch)).length).toBe(300)
    await db.close()
  })

  test('a write given to execute() runs in the session transaction: rollback undoes it', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const { batch } = await seed(['a'])
    const db = session()
    await db.execute(update(Gadget).where(Gadget.c.batch.eq(batch)).values({ label: 'changed' }))
    await db.rollback()
    expect(await stored(batch)).toEqual([['a', 1]])
    await db.close()
  })

  test('a bulk UPDATE by primary key writes each row and the objects in the identity map', async () => {
    const { batch, ids } = await seed(['a', 'b', 'c'])
    const db = session()
    const a = (await db.get(Gadget, ids[0]))!
    await db.execute(update(Gadget), [
      { id: ids[0], label: 'A', qty: 10 },
      { id: ids[2], label: 'C' },
    ])
    expect([a.label, a.qty]).toEqual(['A', 10])
    await db.commit()
    expect(await stored(batch)).toEqual([
      ['A', 10],
      ['b', 2],
      ['C', 3],
    ])
    await db.close()
  })

  test('a bulk UPDATE by primary key of a missing row is StaleDataError; nothing is written', async () => {
    const { batch, ids } = await seed(['a'])
    const db = session()
    const err = await caught(async () => {
      await db.execute(update(Gadget), [
        { id: ids[0], label: 'A' },
        { id: s.nextId(), label: 'gone' },
      ])
      await db.commit()
    })
    expect(err).toBeInstanceOf(StaleDataError)
    await db.rollback()
    expect(await stored(batch)).toEqual([['a', 1]])
    await db.close()
  })

  for (const mode of MODES)
    test(`an ORM UPDATE with synchronizeSession ${String(mode)} keeps the identity map in step`, async () => {
      const { batch, ids } = await seed(['a', 'b', 'c'])
      const db = session()
      const objs = (
        await db.scalars(select(Gadget).where(Gadget.c.batch.eq(batch)).orderBy(Gadget.c.id))
      ).all()
      // integer criteria: 'evaluate' answers them in JavaScript on every database (strings follow collations)
      await db.execute(
        update(Gadget)
          .where(Gadget.c.id.in(ids), Gadget.c.qty.ge(2))
          .values({ qty: Gadget.c.qty.mul(10) })
          .executionOptions({ synchronizeSession: mode }),
      )
      expect(objs.map((o) => o.qty)).toEqual(mode === false ? [1, 2, 3] : [1, 20, 30])
      await db.commit()
      expect(await stored(batch)).toEqual([
        ['a', 1],
        ['b', 20],
        ['c', 30],
      ])
      await db.close()
    })

  for (const mode of MODES)
    test(`an ORM DELETE with synchronizeSession ${String(mode)} keeps the identity map in step`, async () => {
      const { batch, ids } = await seed(['keep', 'drop'])
      const db = session()
      const [keep, drop] = (
        await db.scalars(select(Gadget).where(Gadget.c.batch.eq(batch)).orderBy(Gadget.c.id))
      ).all()
      await db.execute(
        delete_(Gadget)
          .where(Gadget.c.id.in(ids), Gadget.c.qty.eq(2))
          .executionOptions({ synchronizeSession: mode }),
      )
      if (mode !== false) {
        expect(inspect(drop!).status).toBe('deleted')
        expect(await db.get(Gadget, ids[1])).toBeNull()
      } else expect(inspect(drop!).status).toBe('persistent')
      await db.commit()
      if (mode !== false) expect(inspect(drop!).status).toBe('detached')
      expect(inspect(keep!).status).toBe('persistent')
      expect(await stored(batch)).toEqual([['keep', 1]])
      await db.close()
    })

  test("'evaluate' refuses criteria it cannot evaluate; 'auto' then fetches the affected keys", async () => {
    const { batch } = await seed(['apple', 'berry'])
    const db = session()
    const [apple, berry] = (
      await db.scalars(select(Gadget).where(Gadget.c.batch.eq(batch)).orderBy(Gadget.c.id))
    ).all()
    const stmt = update(Gadget)
      .where(Gadget.c.batch.eq(batch), Gadget.c.label.like('app%'))
      .values({ qty: 7 })
    const err = await caught(db.execute(stmt.executionOptions({ synchronizeSession: 'evaluate' })))
    expect(err).toBeInstanceOf(InvalidRequestError)
    expect(err.message).toMatch(/synchronizeSession: 'fetch'/)
    await db.execute(stmt)
    expect([apple!.qty, berry!.qty]).toEqual([7, 2])
    await db.commit()
    expect(await stored(batch)).toEqual([
      ['apple', 7],
      ['berry', 2],
    ])
    await db.close()
  })

  test('a new value the session cannot compute is expired and loads what was written', async () => {
    const { batch, ids } = await seed(['mixed'])
    const db = session()
    const obj = (await db.get(Gadget, ids[0]))!
    await db.execute(
      update(Gadget)
        .where(Gadget.c.id.eq(ids[0]!))
        .values({ label: func.upper(Gadget.c.label), qty: 9 }),
    )
    expect(inspect(obj).unloaded).toContain('label')
    expect(obj.qty).toBe(9)
    await db.commit()
    await db.refresh(obj)
    expect(obj.label).toBe('MIXED')
    expect(await stored(batch)).toEqual([['MIXED', 9]])
    await db.close()
  })

  test('a held write runs after the flush of its commit, on rows the commit adds', {
    requires: ['batchOnly'],
  }, async () => {
    const db = session()
    const batch = crypto.randomUUID()
    const added = new Gadget({ id: s.nextId(), batch, label: 'new', qty: 1 })
    db.add(added)
    await db.execute(update(Gadget).where(Gadget.c.batch.eq(batch)).values({ qty: 5 }))
    await db.commit()
    expect(await stored(batch)).toEqual([['new', 5]])
    expect(inspect(added).unloaded).toContain('qty') // written by the held UPDATE after the INSERT
    await db.refresh(added)
    expect(added.qty).toBe(5)
    await db.close()
  })

  test('a versioned row starts at version 1 and counts up with each UPDATE', async () => {
    const db = session()
    const ledger = new Ledger({ owner: 'v', balance: 10 })
    db.add(ledger)
    await db.commit()
    expect(ledger.version).toBe(1)
    ledger.balance = 20
    await db.commit()
    ledger.balance = 30
    await db.commit()
    expect(ledger.version).toBe(3)
    expect(await s.engine.scalar(select(Ledger.c.version).where(Ledger.c.id.eq(ledger.id)))).toBe(3)
    await db.close()
  })

  test('a concurrent change in another session is StaleDataError; nothing of the commit is written', async () => {
    const ledger = new Ledger({ owner: 'race', balance: 100 })
    const first = session()
    first.add(ledger)
    await first.commit()
    const second = session()
    const theirs = (await second.get(Ledger, ledger.id))!
    theirs.balance = 50
    await second.commit()
    expect(theirs.version).toBe(2)
    ledger.balance = 80 // still at version 1
    const other = new Ledger({ owner: 'race-bystander', balance: 1 })
    first.add(other)
    expect(await caught(first.commit())).toBeInstanceOf(StaleDataError)
    await first.rollback()
    const row = (
      await s.engine.execute(select(Ledger.c.balance, Ledger.c.version).where(Ledger.c.id.eq(ledger.id)))
    ).one()
    expect([row[0], row[1]]).toEqual([50, 2])
    expect(
      await s.engine.scalar(
        select(func.count()).selectFrom(Ledger.__table__).where(Ledger.c.owner.eq('race-bystander')),
      ),
    ).toBe(0)
    await first.close()
    await second.close()
  })

  test('an UPDATE behind the session makes its versioned DELETE stale', async () => {
    const db = session()
    const ledger = new Ledger({ owner: 'behind', balance: 1 })
    db.add(ledger)
    await db.commit()
    await s.engine.execute(
      update(Ledger.__table__).where(Ledger.c.id.eq(ledger.id)).values({ balance: 2, version: 2 }),
    )
    await db.delete(ledger)
    expect(await caught(db.commit())).toBeInstanceOf(StaleDataError)
    await db.rollback()
    expect(await s.engine.scalar(select(Ledger.c.balance).where(Ledger.c.id.eq(ledger.id)))).toBe(2)
    await db.close()
  })

  test('an ORM UPDATE of a versioned class counts the version up, in the row and the object', async () => {
    const db = session()
    const ledger = new Ledger({ owner: 'bulk-version', balance: 1 })
    db.add(ledger)
    await db.commit()
    await db.execute(update(Ledger).where(Ledger.c.id.eq(ledger.id)).values({ balance: 5 }))
    expect([ledger.balance, ledger.version]).toEqual([5, 2])
    await db.commit()
    expect(await s.engine.scalar(select(Ledger.c.version).where(Ledger.c.id.eq(ledger.id)))).toBe(2)
    ledger.balance = 6
    await db.commit()
    expect(ledger.version).toBe(3)
    await db.close()
  })
}
