/**
 * Faults and timeouts: each fault kind of the configuration's server at each request of a commit
 * over three tables (inserts, updates, a delete), with the database checked directly afterwards;
 * and stalled replies under short timeouts.
 * @module
 */
import {
  ArgumentError,
  CommitOutcomeUnknownError,
  createAsyncEngine,
  func,
  PendingRollbackError,
  StatementTimeoutError,
  select,
} from '../../core/index.js'
import { AsyncSession } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Author, Book, Chapter } from './orm-schema.js'
import { reliabilityHelpers } from './reliability.js'
import type { Topic } from './types.js'

interface Existing {
  readonly author: string
  readonly book: string
  readonly chapter: string
}

/** The rows one commit changes in three tables, and a look at each change in the database. */
export function commitOverThreeTables(s: Topic) {
  const { tag } = reliabilityHelpers(s)
  const count = (q: ReturnType<typeof select>) => s.engine.scalar(q).then(Number)

  /** An author with a book with a chapter, committed: the commit under test changes them. */
  const prepare = async (): Promise<Existing> => {
    const setup = new AsyncSession(s.engine, { expireOnCommit: false })
    const author = new Author({ name: tag() })
    const book = new Book({ title: 'before', author })
    const chapter = new Chapter({ n: 1, book })
    setup.addAll([author, book, chapter])
    await setup.commit()
    await setup.close()
    return { author: author.id, book: book.id, chapter: chapter.id }
  }

  /** Inserts a new author, book and chapter; renames the author, retitles the book, deletes the chapter. */
  const change = async (db: AsyncSession, existing: Existing, name: string): Promise<void> => {
    const author = (await db.get(Author, existing.author))!
    const book = (await db.get(Book, existing.book))!
    const chapter = (await db.get(Chapter, existing.chapter))!
    author.name = `${name}-renamed`
    book.title = name
    await db.delete(chapter)
    const created = new Author({ name })
    db.add(new Chapter({ n: 7, book: new Book({ title: name, author: created }) }))
  }

  /** Each change, as the database shows it: true where it was applied. */
  const applied = async (existing: Existing, name: string): Promise<boolean[]> => [
    (await count(select(func.count()).selectFrom(Author.__table__).where(Author.c.name.eq(name)))) === 1,
    (await count(
      select(func.count())
        .selectFrom(Book.__table__)
        .where(Book.c.title.eq(name), Book.c.authorId.ne(existing.author)),
    )) === 1,
    (await count(
      select(func.count())
        .selectFrom(Chapter.__table__)
        .where(Chapter.c.n.eq(7), Chapter.c.bookId.in(select(Book.c.id).where(Book.c.title.eq(name)))),
    )) === 1,
    (await count(
      select(func.count())
        .selectFrom(Author.__table__)
        .where(Author.c.id.eq(existing.author), Author.c.name.eq(`${name}-renamed`)),
    )) === 1,
    (await count(
      select(func.count())
        .selectFrom(Book.__table__)
        .where(Book.c.id.eq(existing.book), Book.c.title.eq(name)),
    )) === 1,
    (await count(
      select(func.count()).selectFrom(Chapter.__table__).where(Chapter.c.id.eq(existing.chapter)),
    )) === 0,
  ]

  return { tag, prepare, change, applied }
}

/** Each fault of the server at each request of a commit: all or nothing, and the outcome said. */
export function faultsTopic(s: Topic): void {
  const { test, expect } = s
  const { nothingLeftOpen } = reliabilityHelpers(s)
  const { tag, prepare, change, applied } = commitOverThreeTables(s)
  /** Requests the commit under test makes, measured once without faults. */
  let requests: number | undefined
  const requestsOfCommit = async (): Promise<number> => {
    if (requests !== undefined) return requests
    const existing = await prepare()
    const db = new AsyncSession(s.engine)
    await change(db, existing, tag())
    const before = s.config.faults!.count()
    await db.commit()
    requests = s.config.faults!.count() - before
    await db.close()
    return requests
  }

  const kinds = s.config.faults?.kinds ?? [{ kind: 'none', ran: false }]
  const stall = s.config.faults?.stall
  const cases = [
    ...kinds.map((k) => ({ ...k, stalls: false })),
    ...(stall ? [{ kind: stall, ran: false, stalls: true }] : []),
  ]
  for (const { kind, ran, stalls } of cases) {
    test(`${kind} at each request of a commit over three tables: all or nothing, CommitOutcomeUnknownError exactly when the commit's last request was hit`, {
      requires: ['faults'],
      timeout: 120_000,
    }, async () => {
      const n = await requestsOfCommit()
      expect(n).toBeGreaterThan(0)
      for (let at = 0; at < n; at++) {
        const existing = await prepare()
        const name = tag()
        const db = new AsyncSession(s.engine, { expireOnCommit: false, ...(stalls ? { timeout: 300 } : {}) })
        await change(db, existing, name)
        s.config.faults!.inject(kind, at)
        const t0 = Date.now()
        const err = await caught(db.commit())
        if (stalls) expect(Date.now() - t0).toBeLessThan(1_500)
        const last = at === n - 1
        const seen = await applied(existing, name)
        // all or nothing
        expect(seen.every((x) => x === seen[0])).toBe(true)
        if (last) {
          expect(err).toBeInstanceOf(CommitOutcomeUnknownError)
          expect((err as CommitOutcomeUnknownError).statements.length).toBeGreaterThan(0)
          if (stalls) expect((err as Error).cause).toBeInstanceOf(StatementTimeoutError)
          expect(seen[0]).toBe(ran)
          // the changes are still pending; nothing is retried behind the caller's back
          expect(db.new.size).toBeGreaterThan(0)
          expect(await caught(db.commit())).toBeInstanceOf(PendingRollbackError)
        } else {
          expect(err).not.toBeInstanceOf(CommitOutcomeUnknownError)
          if (stalls) expect(err).toBeInstanceOf(StatementTimeoutError)
          expect(seen[0]).toBe(false)
        }
        await db.rollback()
        await db.close()
        await nothingLeftOpen()
      }
    })
  }
}

/** Stalled replies and short timeouts: a typed error within the time, then everything works. */
export function timeoutsTopic(s: Topic): void {
  const { test, expect } = s
  const { tag, nothingLeftOpen } = reliabilityHelpers(s)

  test('the engine has a 30 s default timeout; a bad timeout is an ArgumentError before anything is sent', async () => {
    expect(s.engine.timeout).toBe(30_000)
    const before = s.requests()
    expect(
      await caught(
        s.engine.execute(select(func.count()).selectFrom(Author.__table__), undefined, { timeout: -1 }),
      ),
    ).toBeInstanceOf(ArgumentError)
    const db = new AsyncSession(s.engine)
    expect(await caught(db.get(Author, 'x', { timeout: 0 }))).toBeInstanceOf(ArgumentError)
    expect(() => createAsyncEngine(s.engine.adapter, { timeout: Number.NaN })).toThrow(ArgumentError)
    if (before !== undefined) expect(s.requests()).toBe(before)
    await db.close()
  })

  test('a stalled read through engine.execute raises StatementTimeoutError within 1 s', {
    requires: ['stalls'],
  }, async () => {
    s.config.faults!.inject(s.config.faults!.stall!, 0)
    const t0 = Date.now()
    const err = await caught(
      s.engine.execute(select(func.count()).selectFrom(Author.__table__), undefined, { timeout: 200 }),
    )
    expect(err).toBeInstanceOf(StatementTimeoutError)
    expect(Date.now() - t0).toBeLessThan(1_000)
    expect(
      Number(await s.engine.scalar(select(func.count()).selectFrom(Author.__table__))),
    ).toBeGreaterThanOrEqual(0)
  })

  test('a stalled session.get raises StatementTimeoutError within 1 s; the session works afterwards', {
    requires: ['stalls'],
  }, async () => {
    const db = new AsyncSession(s.engine, { timeout: 200, expireOnCommit: false })
    const author = new Author({ name: tag() })
    db.add(author)
    await db.commit()
    db.expungeAll()
    s.config.faults!.inject(s.config.faults!.stall!, 0)
    const t0 = Date.now()
    const err = await caught(db.get(Author, author.id))
    expect(err).toBeInstanceOf(StatementTimeoutError)
    expect(Date.now() - t0).toBeLessThan(1_000)
    await db.rollback()
    expect((await db.get(Author, author.id, { timeout: 5_000 }))?.name).toBe(author.name)
    await db.close()
    await nothingLeftOpen()
  })

  test("an aborted signal ends the operation with the signal's reason", {
    requires: ['stalls'],
  }, async () => {
    const db = new AsyncSession(s.engine)
    const controller = new AbortController()
    s.config.faults!.inject(s.config.faults!.stall!, 0)
    const pending = caught(
      db.execute(select(Author).where(Author.c.name.eq('nobody')), undefined, { signal: controller.signal }),
    )
    setTimeout(() => controller.abort(new Error('the client went away')), 100)
    const err = await pending
    expect(err.message).toBe('the client went away')
    await db.rollback()
    await db.close()
    await nothingLeftOpen()
  })
}
