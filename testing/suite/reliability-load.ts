/**
 * Waiting, not failing, under load: many sessions at once on one engine each get a connection and
 * the write lock in turn, within their operation timeout; a wait that outlasts the timeout ends in
 * StatementTimeoutError with nothing of the session committed. The database is checked directly.
 * @module
 */
import { func, StatementTimeoutError, select } from '../../core/index.js'
import { AsyncSession } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Author } from './orm-schema.js'
import { reliabilityHelpers } from './reliability.js'
import type { Topic } from './types.js'

/** Sessions started at once by the load case. */
export const loadSessions = 200

/** Concurrent sessions: each waits for a connection and the write lock instead of failing. */
export function loadTopic(s: Topic): void {
  const { test, expect } = s
  const { tag, nothingLeftOpen } = reliabilityHelpers(s)
  const countNamed = async (prefix: string) =>
    Number(
      await s.engine.scalar(
        select(func.count())
          .selectFrom(Author.__table__)
          .where(Author.c.name.like(`${prefix}%`)),
      ),
    )

  /** `loadSessions` sessions at once, each running `unit`; all must succeed. */
  const load = async (unit: (db: AsyncSession, author: Author) => Promise<void>) => {
    const prefix = `${tag()}-`
    const one = async (i: number): Promise<void> => {
      const db = new AsyncSession(s.engine, { expireOnCommit: false })
      try {
        const author = new Author({ name: `${prefix}${i}` })
        db.add(author)
        await unit(db, author)
      } finally {
        await db.close()
      }
    }
    const outcomes = await Promise.allSettled(Array.from({ length: loadSessions }, (_, i) => one(i)))
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []))
    // the distinct failure messages, so a regression says what went wrong
    const messages = [
      ...new Set(failures.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)))),
    ]
    expect({ failed: failures.length, messages: messages.slice(0, 5) }).toEqual({ failed: 0, messages: [] })
    expect(await countNamed(prefix)).toBe(loadSessions)
    await nothingLeftOpen()
  }
  const readBack = async (db: AsyncSession, author: Author) =>
    expect((await db.scalars(select(Author.c.name).where(Author.c.id.eq(author.id)))).all()).toEqual([
      author.name,
    ])

  test(`${loadSessions} concurrent sessions each flush, read back and commit: all succeed, nothing left open`, {
    requires: ['interactiveTransactions'],
    timeout: 120_000,
  }, async () => {
    await load(async (db, author) => {
      await db.flush()
      await readBack(db, author)
      await db.commit()
    })
  })

  test(`${loadSessions} concurrent sessions each commit and read back: all succeed, nothing left open`, {
    requires: ['batchOnly'],
    timeout: 120_000,
  }, async () => {
    await load(async (db, author) => {
      await db.commit()
      await readBack(db, author)
    })
  })

  test('a session whose write waits for another session’s lock goes on once that commits', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const prefix = `${tag()}-`
    const first = new AsyncSession(s.engine, { expireOnCommit: false })
    const second = new AsyncSession(s.engine, { expireOnCommit: false })
    try {
      first.add(new Author({ name: `${prefix}first` }))
      await first.flush()
      second.add(new Author({ name: `${prefix}second` }))
      const waiting = second.flush()
      await new Promise((r) => setTimeout(r, 200))
      await first.commit()
      await waiting
      await second.commit()
      expect(await countNamed(prefix)).toBe(2)
    } finally {
      await first.close()
      await second.close()
    }
    await nothingLeftOpen()
  })

  test('a wait for a row another session holds, longer than the timeout, raises StatementTimeoutError; none of it is committed', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const name = tag()
    const seed = new AsyncSession(s.engine, { expireOnCommit: false })
    const author = new Author({ name })
    seed.add(author)
    await seed.commit()
    await seed.close()

    const holder = new AsyncSession(s.engine, { expireOnCommit: false })
    const waiter = new AsyncSession(s.engine, { expireOnCommit: false, timeout: 300 })
    try {
      const held = await holder.get(Author, author.id)
      held!.name = `${name}-holder`
      await holder.flush()
      const mine = await waiter.get(Author, author.id, { timeout: 5_000 })
      mine!.name = `${name}-waiter`
      const t0 = Date.now()
      const pending = caught(waiter.flush())
      // the holder commits only after the waiter's timeout: over a Hrana stream the waiter's
      // ROLLBACK queues behind its waiting request, so its error comes once the lock is free
      await new Promise((r) => setTimeout(r, 600))
      await holder.commit()
      const err = await pending
      expect(err).toBeInstanceOf(StatementTimeoutError)
      // the timeout, then at most the engine's 5 s grace for rolling back the transaction cut short
      expect(Date.now() - t0).toBeLessThan(6_000)
      await waiter.rollback()
    } finally {
      await holder.close()
      await waiter.close()
    }
    expect(await s.engine.scalar(select(Author.c.name).where(Author.c.id.eq(author.id)))).toBe(
      `${name}-holder`,
    )
    await nothingLeftOpen()
  })
}
