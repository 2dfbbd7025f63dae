/**
 * Reliability under misuse: concurrent calls on one session or connection are refused before
 * anything is sent, and closing (a session, a connection, the engine) while an operation is in
 * flight waits for it and leaves no transaction or lock behind. The database is checked directly.
 * @module
 */
import {
  type Adapter,
  type AsyncConnection,
  ConcurrentOperationError,
  createAsyncEngine,
  func,
  insert,
  select,
} from '../../core/index.js'
import { AsyncSession } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Author, Book } from './orm-schema.js'
import { ledger } from './schema.js'
import type { Topic } from './types.js'

/** An adapter that shares `adapter`'s connections but whose `close()` leaves them open. */
export function borrowed(adapter: Adapter): Adapter {
  return new Proxy(adapter, {
    get(target, key) {
      if (key === 'close') return async () => undefined
      const v = Reflect.get(target, key, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

/** What the reliability cases share: fresh names, direct counts, the "nothing left open" check. */
export function reliabilityHelpers(s: Topic) {
  const tag = () => `rel-${s.nextId()}`
  const authors = (name: string) =>
    s.engine.scalar(select(func.count()).selectFrom(Author.__table__).where(Author.c.name.eq(name)))
  /** Waits until the remote reports no open transaction and a second engine can write. */
  const nothingLeftOpen = async () => {
    const deadline = Date.now() + 10_000
    if (s.config.openTransactions) {
      let open = await s.config.openTransactions()
      while (open > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50))
        open = await s.config.openTransactions()
      }
      s.expect(open).toBe(0)
    }
    // a write from a second engine (SQLite: no write lock is left held)
    const second = s.config.createSecondEngine ? await s.config.createSecondEngine() : undefined
    try {
      const engine = second ?? s.engine
      await engine.execute(insert(ledger).values({ id: s.nextId(), label: 'rel-writable' }), undefined, {
        timeout: 5_000,
      })
    } finally {
      await second?.dispose()
    }
  }
  return { tag, authors, nothingLeftOpen }
}

/** One call on a session, started and not awaited. */
interface SessionCall {
  readonly name: string
  readonly requires?: 'interactive' | 'savepoints' | 'streaming'
  run(db: AsyncSession, ctx: { readonly persistent: Author; readonly name: string }): Promise<unknown>
}

const sessionCalls: readonly SessionCall[] = [
  { name: 'execute', run: (db) => db.execute(select(Author).where(Author.c.name.eq('nobody'))) },
  { name: 'scalars', run: (db) => db.scalars(select(Author.c.id).where(Author.c.name.eq('nobody'))) },
  { name: 'get', run: (db, c) => db.get(Author, c.persistent.id, { populateExisting: true }) },
  { name: 'refresh', run: (db, c) => db.refresh(c.persistent) },
  {
    name: 'awaitableAttrs',
    run: (_db, c) =>
      (c.persistent as unknown as { awaitableAttrs: Record<string, Promise<unknown>> }).awaitableAttrs.books!,
  },
  { name: 'merge', run: (db, c) => db.merge(new Author({ id: c.persistent.id, name: c.persistent.name })) },
  { name: 'flush', requires: 'interactive', run: (db) => db.flush() },
  { name: 'commit', run: (db) => db.commit() },
  { name: 'rollback', run: (db) => db.rollback() },
  { name: 'begin', run: (db) => db.begin() },
  { name: 'beginNested', requires: 'savepoints', run: (db) => db.beginNested() },
  {
    name: 'stream',
    requires: 'streaming',
    run: async (db, c) => {
      const stream = await db.stream(select(Author).where(Author.c.name.eq(c.name)).orderBy(Author.c.id))
      await stream.all()
    },
  },
]

/** One call on a connection, started and not awaited. */
interface ConnectionCall {
  readonly name: string
  readonly requires?: 'interactive' | 'savepoints' | 'streaming'
  run(conn: AsyncConnection): Promise<unknown>
}

const connectionCalls: readonly ConnectionCall[] = [
  { name: 'execute', run: (c) => c.execute(select(ledger.c.id).where(ledger.c.label.eq('nobody'))) },
  { name: 'scalar', run: (c) => c.scalar(select(func.count()).selectFrom(ledger)) },
  { name: 'commit', run: (c) => c.commit() },
  { name: 'rollback', run: (c) => c.rollback() },
  { name: 'beginNested', requires: 'savepoints', run: (c) => c.beginNested() },
  {
    name: 'stream',
    requires: 'streaming',
    run: async (c) => {
      const stream = await c.stream(select(ledger).where(ledger.c.label.eq('nobody')).orderBy(ledger.c.id))
      await stream.all()
    },
  },
]

function usable(requires: 'interactive' | 'savepoints' | 'streaming' | undefined, s: Topic): boolean {
  const caps = s.config.capabilities
  if (requires === 'interactive') return caps.interactiveTransactions
  if (requires === 'savepoints') return caps.interactiveTransactions && caps.savepoints
  if (requires === 'streaming') return caps.streaming !== 'none'
  return true
}

/** Concurrent calls on one session or connection: the second is refused, nothing is written twice. */
export function concurrencyTopic(s: Topic): void {
  const { test, expect } = s
  const { tag, authors, nothingLeftOpen } = reliabilityHelpers(s)

  for (const first of sessionCalls) {
    if (!usable(first.requires, s)) continue
    test(`session: while ${first.name}() is in flight every other call is refused before sending, and one commit writes once`, {
      timeout: 30_000,
    }, async () => {
      for (const second of sessionCalls) {
        if (!usable(second.requires, s)) continue
        const setup = new AsyncSession(s.engine, { expireOnCommit: false })
        const made = new Author({ name: tag() })
        setup.add(made)
        await setup.commit()
        const id = made.id
        await setup.close()
        const db = new AsyncSession(s.engine, { expireOnCommit: false })
        try {
          // loaded columns, an unloaded relationship (books)
          const persistent = (await db.get(Author, id))!
          const name = tag()
          db.add(new Author({ name }))
          const ctx = { persistent, name }
          const inFlight = first.run(db, ctx)
          const err = await caught(second.run(db, ctx))
          expect(err).toBeInstanceOf(ConcurrentOperationError)
          expect(err.message).toContain(`${first.name === 'scalars' ? 'execute' : first.name}()`)
          expect(err.message).toMatch(/concurrent operations are not permitted/)
          const done = await inFlight.then(
            () => undefined,
            (e: unknown) => e,
          )
          expect(done).toBeUndefined()
          if (first.name !== 'rollback') await db.commit()
          expect(await authors(name)).toBe(first.name === 'rollback' ? 0 : 1)
        } finally {
          await db.close()
        }
      }
    })
  }

  for (const first of connectionCalls) {
    if (!usable(first.requires, s)) continue
    test(`connection: while ${first.name}() is in flight every other call is refused before sending`, {
      timeout: 30_000,
    }, async () => {
      for (const second of connectionCalls) {
        if (!usable(second.requires, s)) continue
        const conn = await s.engine.connect()
        const label = tag()
        try {
          await conn.execute(insert(ledger).values({ id: s.nextId(), label }))
          const inFlight = first.run(conn)
          const err = await caught(second.run(conn))
          expect(err).toBeInstanceOf(ConcurrentOperationError)
          expect(err.message).toContain(`${first.name === 'scalar' ? 'execute' : first.name}()`)
          await inFlight
          await conn.commit()
        } finally {
          await conn.close()
        }
        const rows = await s.engine.scalar(
          select(func.count()).selectFrom(ledger).where(ledger.c.label.eq(label)),
        )
        // batch-only connections autocommit each statement; a rollback undoes an interactive one
        const kept = !s.config.capabilities.interactiveTransactions || first.name !== 'rollback'
        expect(rows).toBe(kept ? 1 : 0)
      }
    })
  }

  test('two commits at once (Promise.all on one session): one writes each row once, the other is refused', async () => {
    const db = new AsyncSession(s.engine)
    const names = [tag(), tag(), tag()]
    for (const name of names) db.add(new Author({ name }))
    const settled = await Promise.allSettled([db.commit(), db.commit()])
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentOperationError)
    for (const name of names) expect(await authors(name)).toBe(1)
    await db.close()
    await nothingLeftOpen()
  })

  test('a query started while commit() runs is refused, and the new row is inserted once', async () => {
    const db = new AsyncSession(s.engine)
    const name = tag()
    db.add(new Author({ name }))
    const commit = db.commit()
    expect(await caught(db.execute(select(Author).where(Author.c.name.eq(name))))).toBeInstanceOf(
      ConcurrentOperationError,
    )
    await commit
    expect(await authors(name)).toBe(1)
    expect((await db.scalars(select(Author).where(Author.c.name.eq(name)))).all()).toHaveLength(1)
    await db.close()
  })

  test('two flushes at once: the second is refused, the first commits, no lock is left held', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const db = new AsyncSession(s.engine)
    const name = tag()
    db.add(new Author({ name }))
    const settled = await Promise.allSettled([db.flush(), db.flush()])
    expect(settled[0]!.status).toBe('fulfilled')
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentOperationError)
    await db.commit()
    expect(await authors(name)).toBe(1)
    await nothingLeftOpen()
  })

  test('a get() between the chunks of an open stream works (an open stream is not in flight)', {
    requires: ['streaming'],
  }, async () => {
    const db = new AsyncSession(s.engine)
    const name = tag()
    const made = Array.from({ length: 5 }, () => new Author({ name }))
    db.addAll(made)
    await db.commit()
    const stream = await db.stream(select(Author).where(Author.c.name.eq(name)).orderBy(Author.c.id), {
      chunkSize: 2,
    })
    let seen = 0
    for await (const row of stream) {
      const author = (row as unknown as readonly Author[])[0]!
      expect((await db.get(Author, author.id))?.name).toBe(name)
      seen++
    }
    expect(seen).toBe(5)
    await db.close()
    await nothingLeftOpen()
  })

  test('Promise.all over one connection: the first statement runs, the rest are refused, nothing is sent twice', async () => {
    const conn = await s.engine.connect()
    const label = tag()
    try {
      const settled = await Promise.allSettled(
        [0, 1, 2].map(() => conn.execute(insert(ledger).values({ id: s.nextId(), label }))),
      )
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected'])
      await conn.commit()
    } finally {
      await conn.close()
    }
    expect(
      await s.engine.scalar(select(func.count()).selectFrom(ledger).where(ledger.c.label.eq(label))),
    ).toBe(1)
  })
}

/** Closing while an operation is in flight: it waits, then rolls back; nothing is left open. */
export function closingTopic(s: Topic): void {
  const { test, expect } = s
  const { tag, authors, nothingLeftOpen } = reliabilityHelpers(s)

  test('`await using` around `return session.get(...)` (no await): the get finishes, then nothing is left open', async () => {
    const db0 = new AsyncSession(s.engine, { expireOnCommit: false })
    const author = new Author({ name: tag() })
    db0.add(author)
    await db0.commit()
    await db0.close()
    const load = async () => {
      await using db = new AsyncSession(s.engine)
      return db.get(Author, author.id)
    }
    const got = await load()
    expect(got?.id).toBe(author.id)
    await nothingLeftOpen()
  })

  test('session.close() while a flush is in flight waits for it, then rolls back', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const db = new AsyncSession(s.engine)
    const name = tag()
    db.add(new Author({ name }))
    const flush = db.flush()
    await db.close()
    await flush
    expect(await authors(name)).toBe(0)
    await nothingLeftOpen()
  })

  test('session.close() while a commit is in flight waits for it: the commit lands once', async () => {
    const db = new AsyncSession(s.engine)
    const name = tag()
    db.add(new Author({ name }))
    const commit = db.commit()
    await db.close()
    await commit
    expect(await authors(name)).toBe(1)
    await nothingLeftOpen()
  })

  test('connection.close() while a statement is in flight waits for it, then rolls back', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const conn = await s.engine.connect()
    const label = tag()
    const pending = conn.execute(insert(ledger).values({ id: s.nextId(), label }))
    await conn.close()
    await pending
    expect(
      await s.engine.scalar(select(func.count()).selectFrom(ledger).where(ledger.c.label.eq(label))),
    ).toBe(0)
    await nothingLeftOpen()
  })

  test('engine.dispose() while sessions are in flight waits, rolls back, and reports what it closed', async () => {
    const engine = createAsyncEngine(borrowed(s.engine.adapter))
    const name = tag()
    const caps = s.config.capabilities
    // sessions hold a connection only where commits are not one batch request (neon-ws, planetscale)
    const holdsConnections = caps.interactiveTransactions && caps.batchRoundTrips !== 'one'
    const writer = new AsyncSession(engine)
    writer.add(new Author({ name }))
    if (holdsConnections) await writer.flush()
    // a session with an open transaction (interactive adapters) and changes it never commits
    const open = new AsyncSession(engine, { autoflush: false })
    const never = tag()
    open.add(new Book({ title: never, author: new Author({ name: never }) }))
    await open.execute(select(Author).where(Author.c.name.eq(never)))
    const commit = writer.commit()
    const report = await engine.dispose()
    await commit
    expect(report.forced).toBe(0)
    expect(report.connections).toBe(holdsConnections ? 2 : 0)
    expect(await authors(name)).toBe(1)
    expect(await authors(never)).toBe(0)
    await nothingLeftOpen()
  })

  test('engine.dispose() cuts short an operation that outlives its grace period and discards its connection', {
    requires: ['stalls', 'interactiveTransactions'],
    timeout: 20_000,
  }, async () => {
    const engine = createAsyncEngine(borrowed(s.engine.adapter))
    const db = new AsyncSession(engine)
    const name = tag()
    db.add(new Author({ name }))
    await db.flush()
    s.config.faults!.inject(s.config.faults!.stall!, 0)
    const stalled = db.execute(select(Author).where(Author.c.name.eq(name))).catch((e: unknown) => e)
    // let the select reach the remote, so the stall holds it (not the ROLLBACK of close)
    await new Promise((r) => setTimeout(r, 100))
    const t0 = Date.now()
    const report = await engine.dispose({ grace: 200 })
    expect(Date.now() - t0).toBeLessThan(5_000)
    expect(report).toEqual({ connections: 1, forced: 1 })
    await stalled
    expect(await authors(name)).toBe(0)
    await nothingLeftOpen()
  })
}
