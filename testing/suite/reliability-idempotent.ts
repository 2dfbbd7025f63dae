/**
 * Idempotent commits and the retry helper: a commit retried after each lost-reply fault writes
 * each row exactly once (the commit token decides), a key from another request writes nothing,
 * and `session.run()` re-runs a unit of work after a retryable error (a real deadlock, a forced
 * serialization failure) but never after an unknown outcome unless the commit is idempotent.
 * The database is checked directly.
 * @module
 */
import {
  CommitOutcomeUnknownError,
  createAllDdl,
  func,
  IntegrityError,
  insert,
  isRetryable,
  MetaData,
  StaleDataError,
  select,
  text,
} from '../../core/index.js'
import {
  AsyncSession,
  type CommitTokenTable,
  commitTokenTable,
  pruneCommitTokens,
} from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Author, Ledger } from './orm-schema.js'
import { reliabilityHelpers } from './reliability.js'
import { commitOverThreeTables } from './reliability-faults.js'
import { ledger } from './schema.js'
import type { Topic } from './types.js'

/** The token table of one suite run, created once. */
function tokenTable(s: Topic) {
  let ready: Promise<CommitTokenTable> | undefined
  return (): Promise<CommitTokenTable> => {
    ready ??= (async () => {
      const metadata = new MetaData()
      const table = commitTokenTable(metadata)
      await metadata.createAll(s.engine, { checkFirst: true })
      return table
    })()
    return ready
  }
}

/** Idempotent commits on one configuration. */
export function idempotentCommitTopic(s: Topic): void {
  const { test, expect } = s
  const { nothingLeftOpen } = reliabilityHelpers(s)
  const { tag, prepare, change, applied } = commitOverThreeTables(s)
  const tokens = tokenTable(s)
  const tokenCount = async (table: CommitTokenTable) =>
    Number(await s.engine.scalar(select(func.count()).selectFrom(table)))

  /** Requests (in the fault counter's unit) of a commit over three tables, measured without a fault. */
  const requestsOfCommit = async (commitTokens?: CommitTokenTable): Promise<number> => {
    const probe = new AsyncSession(s.engine, { commitTokens })
    await change(probe, await prepare(), tag())
    const before = s.config.faults!.count()
    await probe.commit()
    const n = s.config.faults!.count() - before
    await probe.close()
    return n
  }

  test('commitTokenTable() is in createAll() and the DDL output; a commit writes one token in its own request', async () => {
    const metadata = new MetaData()
    commitTokenTable(metadata)
    const ddl = createAllDdl(metadata, s.engine.dialect).join('\n')
    // the table, its two columns and its primary key (what a retried commit's uniqueness rests on)
    expect(ddl).toMatch(/CREATE TABLE \W?edgealchemy_commit_tokens/)
    expect(ddl).toMatch(/\W?committed_at\W? BIGINT NOT NULL/i)
    expect(ddl).toMatch(/PRIMARY KEY \(\W?token\W?\)/)
    const table = await tokens()
    const before = await tokenCount(table)
    const existing = await prepare()
    const name = tag()
    const plain = new AsyncSession(s.engine)
    await change(plain, existing, `${name}-plain`)
    const r0 = s.config.requestCount?.() ?? 0
    await plain.commit()
    const plainRequests = (s.config.requestCount?.() ?? 0) - r0
    await plain.close()
    const db = new AsyncSession(s.engine, { commitTokens: table })
    await change(db, await prepare(), name)
    const r1 = s.config.requestCount?.() ?? 0
    expect(await db.commit()).toEqual({ replayed: false })
    const tokenRequests = (s.config.requestCount?.() ?? 0) - r1
    await db.close()
    expect(await tokenCount(table)).toBe(before + 1)
    // one statement more; on a one-request batch adapter, no request more
    if (
      s.config.requestCount &&
      s.config.capabilities.batchRoundTrips === 'one' &&
      !s.config.capabilities.interactiveTransactions
    )
      expect(tokenRequests).toBe(plainRequests)
    // a commit with nothing to write writes no token
    const empty = new AsyncSession(s.engine, { commitTokens: table })
    expect(await empty.commit()).toEqual({ replayed: false })
    await empty.close()
    expect(await tokenCount(table)).toBe(before + 1)
  })

  const kinds = s.config.faults?.kinds ?? [{ kind: 'none', ran: false }]
  for (const { kind, ran } of kinds) {
    test(`${kind} at the last request of an idempotent commit: commit() again writes each row exactly once`, {
      requires: ['faults'],
      timeout: 60_000,
    }, async () => {
      const table = await tokens()
      const n = await requestsOfCommit(table)

      const existing = await prepare()
      const name = tag()
      const db = new AsyncSession(s.engine, { commitTokens: table })
      await change(db, existing, name)
      s.config.faults!.inject(kind, n - 1)
      const err = await caught(db.commit())
      expect(err).toBeInstanceOf(CommitOutcomeUnknownError)
      expect((await applied(existing, name)).every((x) => x === ran)).toBe(true)
      // the retry: the token decides
      const result = await db.commit()
      expect(result.replayed).toBe(ran)
      // every change applied, exactly once (applied() counts rows: 1 each)
      expect(await applied(existing, name)).toEqual([true, true, true, true, true, true])
      expect(db.new.size).toBe(0)
      const created = (await db.scalars(select(Author).where(Author.c.name.eq(name)))).all()
      expect(created).toHaveLength(1)
      await db.close()
      await nothingLeftOpen()
    })
  }

  test('commit({ idempotencyKey }) with a key another session committed writes nothing and discards this session’s changes', async () => {
    const table = await tokens()
    const key = `key-${tag()}`
    const name = tag()
    const first = new AsyncSession(s.engine, { commitTokens: table })
    first.add(new Author({ name }))
    expect(await first.commit({ idempotencyKey: key })).toEqual({ replayed: false })
    await first.close()
    const again = new AsyncSession(s.engine, { commitTokens: table })
    const copy = new Author({ name })
    again.add(copy)
    expect(await again.commit({ idempotencyKey: key })).toEqual({ replayed: true })
    expect(again.new.size).toBe(0)
    expect(again.contains(copy)).toBe(false)
    await again.close()
    const count = await s.engine.scalar(
      select(func.count()).selectFrom(Author.__table__).where(Author.c.name.eq(name)),
    )
    expect(Number(count)).toBe(1)
    // a key needs the token table; a bad key is refused before anything is sent
    const plain = new AsyncSession(s.engine)
    plain.add(new Author({ name: tag() }))
    expect((await caught(plain.commit({ idempotencyKey: key }))).name).toBe('ArgumentError')
    expect((await caught(again.commit({ idempotencyKey: '' }))).name).toBe('ArgumentError')
    expect((await caught(again.commit({ idempotencyKey: 'x'.repeat(129) }))).name).toBe('ArgumentError')
    await plain.close()
    // pruning: tokens older than the limit go
    const pruned = await pruneCommitTokens(s.engine, table, { olderThan: 0, now: Date.now() + 1_000 })
    expect(pruned).toBeGreaterThan(0)
    expect(await tokenCount(table)).toBe(0)
  })

  test('session.run(): a lost reply on its commit is settled by the token: the unit is applied once', {
    requires: ['faults'],
    timeout: 60_000,
  }, async () => {
    const table = await tokens()
    const lost = s.config.faults!.kinds.find((k) => k.ran)
    expect(lost).toBeDefined()
    const n = await requestsOfCommit(table)

    const existing = await prepare()
    const name = tag()
    const db = new AsyncSession(s.engine, { commitTokens: table })
    let runs = 0
    const retried: unknown[] = []
    const out = await db.run(
      async (session) => {
        runs++
        await change(session, existing, name)
        if (runs === 1) s.config.faults!.inject(lost!.kind, n - 1)
        return 'done'
      },
      { retries: 3, backoff: 1, onRetry: (e) => retried.push(e) },
    )
    expect(out).toBe('done')
    expect(runs).toBe(1) // the unit ran once: only its commit was asked again
    expect(retried[0]).toBeInstanceOf(CommitOutcomeUnknownError)
    expect(await applied(existing, name)).toEqual([true, true, true, true, true, true])
    await db.close()
    await nothingLeftOpen()
  })

  test('session.run() without commit tokens never retries after CommitOutcomeUnknownError', {
    requires: ['faults'],
    timeout: 60_000,
  }, async () => {
    const lost = s.config.faults!.kinds.find((k) => k.ran)!
    const n = await requestsOfCommit()
    const existing = await prepare()
    const name = tag()
    const db = new AsyncSession(s.engine)
    let runs = 0
    const err = await caught(
      db.run(async (session) => {
        runs++
        await change(session, existing, name)
        s.config.faults!.inject(lost.kind, n - 1)
      }),
    )
    expect(err).toBeInstanceOf(CommitOutcomeUnknownError)
    expect(runs).toBe(1)
    // the first attempt ran (the reply was lost): applied once, never twice
    expect(await applied(existing, name)).toEqual([true, true, true, true, true, true])
    expect(db.inTransaction()).toBe(false)
    await db.close()
    await nothingLeftOpen()
  })

  test('session.run() does not retry an error that is not retryable; the session is rolled back', async () => {
    const name = tag()
    const db = new AsyncSession(s.engine)
    const existing = new Author({ name })
    db.add(existing)
    await db.commit()
    let runs = 0
    const err = await caught(
      db.run(async (session) => {
        runs++
        session.add(new Author({ id: existing.id, name: `${name}-dup` }))
      }),
    )
    expect(err).toBeInstanceOf(IntegrityError)
    expect(isRetryable(err)).toBe(false)
    expect(runs).toBe(1)
    expect(db.inTransaction()).toBe(false)
    // a unit of work starts clean
    db.add(new Author({ name: tag() }))
    expect((await caught(db.run(async () => undefined))).name).toBe('InvalidRequestError')
    await db.rollback()
    await db.close()
  })

  test('session.run() re-runs the unit of work after a forced serialization failure (SQLSTATE 40001)', {
    requires: ['raisesSqlstate'],
  }, async () => {
    // a serialization failure (SQLSTATE 40001) as the database raises it
    const forced = s.engine.dialect.raiseErrorSql('40001', 'forced')!
    const name = tag()
    const db = new AsyncSession(s.engine)
    let runs = 0
    await db.run(
      async (session) => {
        runs++
        session.add(new Author({ name }))
        if (runs === 1) await session.execute(text(forced))
      },
      { backoff: 1 },
    )
    expect(runs).toBe(2)
    const count = await s.engine.scalar(
      select(func.count()).selectFrom(Author.__table__).where(Author.c.name.eq(name)),
    )
    expect(Number(count)).toBe(1)
    await db.close()
    await nothingLeftOpen()
  })

  test('engine.begin(fn, { retries }) re-runs the transaction after a forced serialization failure; without retries it raises', {
    requires: ['raisesSqlstate', 'interactiveTransactions'],
  }, async () => {
    // a serialization failure (SQLSTATE 40001) as the database raises it
    const forced = s.engine.dialect.raiseErrorSql('40001', 'forced')!
    const id = s.nextId()
    let runs = 0
    const retried: unknown[] = []
    await s.engine.begin(
      async (conn) => {
        runs++
        await conn.execute(insert(ledger).values({ id, label: 'retried' }))
        if (runs === 1) await conn.execute(text(forced))
      },
      { retries: 2, backoff: 1, onRetry: (e) => retried.push(e) },
    )
    expect(runs).toBe(2)
    expect(isRetryable(retried[0])).toBe(true)
    expect(
      Number(await s.engine.scalar(select(func.count()).selectFrom(ledger).where(ledger.c.id.eq(id)))),
    ).toBe(1)
    const err = await caught(s.engine.begin(async (conn) => conn.execute(text(forced))))
    expect(isRetryable(err)).toBe(true)
    expect((await caught(s.engine.begin(async () => undefined, { retries: -1 }))).name).toBe('ArgumentError')
    await nothingLeftOpen()
  })

  test('two session.run() units that change the same versioned row at once: the loser (StaleDataError) is re-run, both applied once', {
    timeout: 60_000,
  }, async () => {
    const setup = new AsyncSession(s.engine)
    const account = new Ledger({ owner: tag(), balance: 0 })
    setup.add(account)
    await setup.commit()
    await setup.close()
    let arrived = 0
    let release: () => void = () => undefined
    const bothRead = new Promise<void>((r) => {
      release = r
    })
    let runs = 0
    const retried: unknown[] = []
    const unit = async (session: AsyncSession) => {
      runs++
      const row = (await session.get(Ledger, account.id, { populateExisting: true }))!
      if (runs <= 2) {
        arrived++
        if (arrived === 2) release()
        await Promise.race([bothRead, new Promise((r) => setTimeout(r, 1_000))])
      }
      row.balance += 1
    }
    const options = { retries: 10, backoff: 20, onRetry: (e: unknown) => retried.push(e) }
    const s1 = new AsyncSession(s.engine)
    const s2 = new AsyncSession(s.engine)
    await Promise.all([s1.run(unit, options), s2.run(unit, options)])
    expect(runs).toBeGreaterThanOrEqual(3)
    // the version check refuses the loser (on a libSQL file, its write from a stale snapshot may be
    // refused first, as a retryable SQLITE_BUSY)
    expect(retried.length).toBeGreaterThan(0)
    for (const e of retried) expect(e instanceof StaleDataError || isRetryable(e)).toBe(true)
    const balance = await s.engine.scalar(select(Ledger.c.balance).where(Ledger.c.id.eq(account.id)))
    expect(Number(balance)).toBe(2)
    await s1.close()
    await s2.close()
    await nothingLeftOpen()
  })

  test('two session.run() units that deadlock both complete: the victim is re-run, each applied once', {
    requires: ['rowLocks', 'interactiveTransactions'],
    timeout: 60_000,
  }, async () => {
    const a = new Author({ name: tag() })
    const b = new Author({ name: tag() })
    const setup = new AsyncSession(s.engine)
    setup.addAll([a, b])
    await setup.commit()
    await setup.close()
    // each unit locks and changes one row, waits (at most 1 s) for the other to do the same with
    // the other row, then changes the other's row: the row locks deadlock
    let arrived = 0
    let release: () => void = () => undefined
    const bothLocked = new Promise<void>((r) => {
      release = r
    })
    const runs = [0, 0]
    const unit = (i: number, first: Author, second: Author) => async (session: AsyncSession) => {
      runs[i]!++
      const locked = (id: string) =>
        session.scalars(
          select(Author).where(Author.c.id.eq(id)).forUpdate().executionOptions({ populateExisting: true }),
        )
      const x = (await locked(first.id)).one()
      x.name = `${x.name}+${i}`
      await session.flush()
      if (runs[i] === 1) {
        arrived++
        if (arrived === 2) release()
        await Promise.race([bothLocked, new Promise((r) => setTimeout(r, 1_000))])
      }
      const y = (await locked(second.id)).one()
      y.name = `${y.name}+${i}`
    }
    const s1 = new AsyncSession(s.engine)
    const s2 = new AsyncSession(s.engine)
    const retried: unknown[] = []
    const options = { retries: 10, backoff: 20, onRetry: (e: unknown) => retried.push(e) }
    await Promise.all([s1.run(unit(0, a, b), options), s2.run(unit(1, b, a), options)])
    expect(runs[0]! + runs[1]!).toBeGreaterThanOrEqual(3) // the database picked a victim, run again
    expect(retried.length).toBeGreaterThan(0)
    for (const e of retried) expect(isRetryable(e)).toBe(true)
    const names = (await s.engine.execute(select(Author.c.name).where(Author.c.id.in([a.id, b.id]))))
      .scalars()
      .all()
    expect(names).toHaveLength(2)
    for (const n of names) expect(n.split('+')).toHaveLength(3) // each unit applied exactly once to each row
    await s1.close()
    await s2.close()
    await nothingLeftOpen()
  })
}
