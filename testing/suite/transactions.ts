/**
 * Transactions as SQLAlchemy 2 has them: autobegin, commit, rollback, close and dispose roll
 * back, engine.begin(cb), savepoints; and the typed refusal on batch-only adapters.
 * @module
 */
import {
  type AsyncConnection,
  ConcurrentOperationError,
  DBAPIError,
  delete_,
  func,
  IntegrityError,
  InvalidRequestError,
  insert,
  select,
  UnsupportedCapabilityError,
} from '../../core/index.js'
import { caught } from './helpers.js'
import { ledger } from './schema.js'
import type { Topic } from './types.js'

export function transactionsTopic(s: Topic): void {
  const { test, expect, api } = s
  api.beforeAll(async () => {
    await s.engine.execute(delete_(ledger))
  })
  const row = (label: string) => ({ id: s.nextId(), label })
  /** The labels committed so far with this prefix, read on a fresh connection. */
  const committed = async (prefix: string) =>
    (
      await s.engine.execute(
        select(ledger.c.label).where(ledger.c.label.startsWith(prefix)).orderBy(ledger.c.label),
      )
    )
      .scalars()
      .all()
  const withConn = async (fn: (conn: AsyncConnection) => Promise<void>) => {
    const conn = await s.engine.connect()
    try {
      await fn(conn)
    } finally {
      await conn.close()
    }
  }
  const interactive = { requires: ['interactiveTransactions'] } as const
  const savepoints = { requires: ['savepoints', 'interactiveTransactions'] } as const

  test('the first statement on a connection begins a transaction (autobegin)', interactive, async () => {
    await withConn(async (conn) => {
      expect(conn.inTransaction()).toBe(false)
      await conn.execute(insert(ledger).values(row('auto-1')))
      expect(conn.inTransaction()).toBe(true)
      await conn.commit()
      expect(conn.inTransaction()).toBe(false)
    })
  })
  test('conn.commit() keeps the autobegun work', interactive, async () => {
    await withConn(async (conn) => {
      await conn.execute(insert(ledger).values(row('commit-1')))
      await conn.execute(insert(ledger).values(row('commit-2')))
      await conn.commit()
    })
    expect(await committed('commit-')).toEqual(['commit-1', 'commit-2'])
  })
  test('conn.rollback() discards the autobegun work', interactive, async () => {
    await withConn(async (conn) => {
      await conn.execute(insert(ledger).values(row('rb-1')))
      await conn.rollback()
      await conn.execute(insert(ledger).values(row('rb-2')))
      await conn.commit()
    })
    expect(await committed('rb-')).toEqual(['rb-2'])
  })
  test('closing a connection without commit rolls back', interactive, async () => {
    const conn = await s.engine.connect()
    await conn.execute(insert(ledger).values(row('close-1')))
    await conn.close()
    expect(conn.closed).toBe(true)
    expect(await committed('close-')).toEqual([])
  })
  test('disposing a connection (await using) without commit rolls back', interactive, async () => {
    const conn = await s.engine.connect()
    await conn.execute(insert(ledger).values(row('dispose-1')))
    await conn[Symbol.asyncDispose]()
    expect(await committed('dispose-')).toEqual([])
  })
  test('uncommitted rows are invisible to other connections', interactive, async () => {
    await withConn(async (conn) => {
      await conn.execute(insert(ledger).values(row('iso-1')))
      expect(await committed('iso-')).toEqual([])
      expect(
        (await conn.execute(select(ledger.c.label).where(ledger.c.label.eq('iso-1')))).scalars().all(),
      ).toEqual(['iso-1'])
      await conn.commit()
    })
    expect(await committed('iso-')).toEqual(['iso-1'])
  })
  test('conn.begin() then tx.commit() keeps the work', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      expect(conn.getTransaction()).toBe(tx)
      expect(tx.isActive).toBe(true)
      await conn.execute(insert(ledger).values(row('begin-1')))
      await tx.commit()
      expect(tx.isActive).toBe(false)
      expect(conn.getTransaction()).toBeUndefined()
    })
    expect(await committed('begin-')).toEqual(['begin-1'])
  })
  test('tx.rollback() discards the work', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await conn.execute(insert(ledger).values(row('txrb-1')))
      await tx.rollback()
      expect(tx.isActive).toBe(false)
    })
    expect(await committed('txrb-')).toEqual([])
  })
  test('disposing a transaction (await using) without commit rolls back', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await conn.execute(insert(ledger).values(row('txdisp-1')))
      await tx[Symbol.asyncDispose]()
      expect(tx.isActive).toBe(false)
      // The connection is usable again and begins a new transaction.
      await conn.execute(insert(ledger).values(row('txdisp-2')))
      await conn.commit()
    })
    expect(await committed('txdisp-')).toEqual(['txdisp-2'])
  })
  test('disposing a committed transaction changes nothing', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await conn.execute(insert(ledger).values(row('txdone-1')))
      await tx.commit()
      await tx[Symbol.asyncDispose]()
    })
    expect(await committed('txdone-')).toEqual(['txdone-1'])
  })
  test('committing twice is an InvalidRequestError', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await tx.commit()
      expect(await caught(tx.commit())).toBeInstanceOf(InvalidRequestError)
    })
  })
  test('begin() while a transaction is open is an InvalidRequestError', interactive, async () => {
    await withConn(async (conn) => {
      await conn.begin()
      expect(await caught(conn.begin())).toBeInstanceOf(InvalidRequestError)
    })
  })
  test('engine.begin(cb) commits when the callback returns, and returns its value', interactive, async () => {
    const out = await s.engine.begin(async (conn) => {
      await conn.execute(insert(ledger).values(row('ebegin-1')))
      return 'done'
    })
    expect(out).toBe('done')
    expect(await committed('ebegin-')).toEqual(['ebegin-1'])
  })
  test('engine.begin(cb) rolls back and rethrows when the callback throws', interactive, async () => {
    const boom = new Error('boom')
    const err = await caught(
      s.engine.begin(async (conn) => {
        await conn.execute(insert(ledger).values(row('ethrow-1')))
        throw boom
      }),
    )
    expect(err).toBe(boom)
    expect(await committed('ethrow-')).toEqual([])
  })
  test('engine.begin(cb) rolls back on a database error', interactive, async () => {
    const dup = row('edup-1')
    const err = await caught(
      s.engine.begin(async (conn) => {
        await conn.execute(insert(ledger).values(row('edup-0')))
        await conn.execute(insert(ledger).values(dup))
        await conn.execute(insert(ledger).values(dup))
      }),
    )
    expect(err).toBeInstanceOf(IntegrityError)
    expect(await committed('edup-')).toEqual([])
  })
  test('after a failed statement, rollback makes the connection usable again', interactive, async () => {
    await withConn(async (conn) => {
      const dup = row('recover-1')
      await conn.execute(insert(ledger).values(dup))
      await conn.commit()
      expect(await caught(conn.execute(insert(ledger).values(dup)))).toBeInstanceOf(IntegrityError)
      await conn.rollback()
      await conn.execute(insert(ledger).values(row('recover-2')))
      await conn.commit()
    })
    expect(await committed('recover-')).toEqual(['recover-1', 'recover-2'])
  })
  test('a closed connection refuses statements', async () => {
    const conn = await s.engine.connect()
    await conn.close()
    expect(await caught(conn.execute(select(func.count()).selectFrom(ledger)))).toBeInstanceOf(
      InvalidRequestError,
    )
  })
  test('runSync awaits the function with the connection', async () => {
    await withConn(async (conn) => {
      const n = await conn.runSync(async (c) => c.scalar(select(func.count()).selectFrom(ledger)))
      expect(typeof n).toBe('number')
    })
  })

  test('after commit, the next statement begins a new transaction', interactive, async () => {
    await withConn(async (conn) => {
      await conn.execute(insert(ledger).values(row('again-1')))
      await conn.commit()
      await conn.execute(insert(ledger).values(row('again-2')))
      expect(conn.inTransaction()).toBe(true)
      await conn.rollback()
    })
    expect(await committed('again-')).toEqual(['again-1'])
  })
  test('executemany inside a transaction rolls back with it', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await conn.execute(insert(ledger), [row('txmany-1'), row('txmany-2')])
      await tx.rollback()
    })
    expect(await committed('txmany-')).toEqual([])
  })
  test('two connections commit their own transactions', interactive, async () => {
    const a = await s.engine.connect()
    const b = await s.engine.connect()
    try {
      await a.execute(insert(ledger).values(row('two-a')))
      await a.commit()
      await b.execute(insert(ledger).values(row('two-b')))
      await b.commit()
    } finally {
      await a.close()
      await b.close()
    }
    expect(await committed('two-')).toEqual(['two-a', 'two-b'])
  })
  test('a statement started while another runs on the connection is refused before sending; the first commits', async () => {
    const labels = Array.from({ length: 4 }, (_, i) => `cconn-${i}`)
    await withConn(async (conn) => {
      const before = s.requests()
      const settled = await Promise.allSettled(labels.map((l) => conn.execute(insert(ledger).values(row(l)))))
      expect(settled[0]!.status).toBe('fulfilled')
      for (const r of settled.slice(1)) {
        expect(r.status).toBe('rejected')
        const err = (r as PromiseRejectedResult).reason
        expect(err).toBeInstanceOf(ConcurrentOperationError)
        expect(String(err.message)).toMatch(/concurrent operations are not permitted.*/)
        expect(String(err.message)).toContain('execute()')
      }
      // only the first statement (and its BEGIN) went out
      if (before !== undefined) expect(s.requests()! - before).toBeLessThanOrEqual(2)
      await conn.commit()
    })
    expect(await committed('cconn-')).toEqual(['cconn-0'])
  })
  test(
    'a commit started while a statement runs is refused; the transaction still rolls back',
    interactive,
    async () => {
      await withConn(async (conn) => {
        await conn.execute(insert(ledger).values(row('cconnrb-0')))
        const first = conn.execute(insert(ledger).values(row('cconnrb-1')))
        expect(await caught(conn.commit())).toBeInstanceOf(ConcurrentOperationError)
        await first
        await conn.rollback()
      })
      expect(await committed('cconnrb-')).toEqual([])
      // nothing was left holding a transaction: writes still go through
      await s.engine.begin(async (conn) => {
        await conn.execute(insert(ledger).values(row('cconnrb-after')))
      })
      expect(await committed('cconnrb-')).toEqual(['cconnrb-after'])
    },
  )
  test('close() waits for the statement in flight, then rolls back', interactive, async () => {
    const conn = await s.engine.connect()
    await conn.execute(insert(ledger).values(row('cclose-0')))
    const pending = conn.execute(insert(ledger).values(row('cclose-1')))
    await conn.close()
    await pending
    expect(conn.closed).toBe(true)
    expect(await committed('cclose-')).toEqual([])
  })
  test('two connections read at the same time', { timeout: 20_000 }, async () => {
    const a = await s.engine.connect()
    const b = await s.engine.connect()
    try {
      const count = select(func.count()).selectFrom(ledger)
      const n = await a.scalar(count)
      expect(await b.scalar(count)).toBe(n)
      expect(await a.scalar(count)).toBe(n)
    } finally {
      await a.close()
      await b.close()
    }
  })
  test('a connection that has only read does not block a writer', { timeout: 20_000 }, async () => {
    const reader = await s.engine.connect()
    try {
      await reader.scalar(select(func.count()).selectFrom(ledger))
      await s.engine.execute(insert(ledger).values(row('unblocked-1')))
    } finally {
      await reader.close()
    }
    expect(await committed('unblocked-')).toEqual(['unblocked-1'])
  })
  test('twenty connections reading at once all complete (more than a pool holds)', {
    timeout: 60_000,
  }, async () => {
    const counts = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const conn = await s.engine.connect()
        try {
          return await conn.scalar(select(func.count()).selectFrom(ledger))
        } finally {
          await conn.close()
        }
      }),
    )
    expect(new Set(counts.map((n) => typeof n))).toEqual(new Set(['number']))
  })
  test('concurrent statements on one engine all complete', async () => {
    const labels = Array.from({ length: 12 }, (_, i) => `conc-${String(i).padStart(2, '0')}`)
    await Promise.all(labels.map((l) => s.engine.execute(insert(ledger).values(row(l)))))
    const counts = await Promise.all(
      labels.map((l) => s.engine.scalar(select(func.count()).selectFrom(ledger).where(ledger.c.label.eq(l)))),
    )
    expect(counts).toEqual(labels.map(() => 1))
    expect(await committed('conc-')).toEqual(labels)
  })
  test('a read-only transaction reads, and refuses writes with a DBAPIError', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin({ readOnly: true })
      expect(typeof (await conn.scalar(select(func.count()).selectFrom(ledger)))).toBe('number')
      expect(await caught(conn.execute(insert(ledger).values(row('ro-1'))))).toBeInstanceOf(DBAPIError)
      await tx.rollback()
    })
    expect(await committed('ro-')).toEqual([])
  })
  test('a serializable transaction commits', interactive, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin({ isolation: 'serializable' })
      await conn.execute(insert(ledger).values(row('ser-1')))
      await tx.commit()
    })
    expect(await committed('ser-')).toEqual(['ser-1'])
  })
  test('engine.begin(cb) takes transaction options', interactive, async () => {
    await s.engine.begin(
      async (conn) => {
        await conn.execute(insert(ledger).values(row('rr-1')))
      },
      { isolation: 'repeatable read' },
    )
    expect(await committed('rr-')).toEqual(['rr-1'])
  })
  test('beginNested(): a released savepoint is kept by the commit', savepoints, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await conn.execute(insert(ledger).values(row('sp-keep-1')))
      const sp = await conn.beginNested()
      expect(conn.inNestedTransaction()).toBe(true)
      expect(sp.nested).toBe(true)
      await conn.execute(insert(ledger).values(row('sp-keep-2')))
      await sp.commit()
      expect(conn.inNestedTransaction()).toBe(false)
      await tx.commit()
    })
    expect(await committed('sp-keep-')).toEqual(['sp-keep-1', 'sp-keep-2'])
  })
  test('beginNested(): rolling back a savepoint discards only its work', savepoints, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await conn.execute(insert(ledger).values(row('sp-rb-1')))
      const sp = await conn.beginNested()
      await conn.execute(insert(ledger).values(row('sp-rb-2')))
      await sp.rollback()
      await conn.execute(insert(ledger).values(row('sp-rb-3')))
      await tx.commit()
    })
    expect(await committed('sp-rb-')).toEqual(['sp-rb-1', 'sp-rb-3'])
  })
  test('a savepoint recovers from a failed statement', savepoints, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      const dup = row('sp-err-1')
      await conn.execute(insert(ledger).values(dup))
      const sp = await conn.beginNested()
      expect(await caught(conn.execute(insert(ledger).values(dup)))).toBeInstanceOf(IntegrityError)
      await sp.rollback()
      await conn.execute(insert(ledger).values(row('sp-err-2')))
      await tx.commit()
    })
    expect(await committed('sp-err-')).toEqual(['sp-err-1', 'sp-err-2'])
  })
  test('nested savepoints: rolling back the outer one discards the inner one', savepoints, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      const outer = await conn.beginNested()
      await conn.execute(insert(ledger).values(row('sp-nest-1')))
      const inner = await conn.beginNested()
      await conn.execute(insert(ledger).values(row('sp-nest-2')))
      await inner.commit()
      await outer.rollback()
      expect(inner.isActive).toBe(false)
      await conn.execute(insert(ledger).values(row('sp-nest-3')))
      await tx.commit()
    })
    expect(await committed('sp-nest-')).toEqual(['sp-nest-3'])
  })
  test('rolling back the transaction discards a released savepoint', savepoints, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      const sp = await conn.beginNested()
      await conn.execute(insert(ledger).values(row('sp-outer-1')))
      await sp.commit()
      await tx.rollback()
    })
    expect(await committed('sp-outer-')).toEqual([])
  })
  test('disposing a savepoint without commit rolls it back', savepoints, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      const sp = await conn.beginNested()
      await conn.execute(insert(ledger).values(row('sp-disp-1')))
      await sp[Symbol.asyncDispose]()
      await tx.commit()
    })
    expect(await committed('sp-disp-')).toEqual([])
  })
  test('beginNested() without a transaction begins one first', savepoints, async () => {
    await withConn(async (conn) => {
      const sp = await conn.beginNested()
      expect(conn.inTransaction()).toBe(true)
      await conn.execute(insert(ledger).values(row('sp-auto-1')))
      await sp.commit()
      await conn.commit()
    })
    expect(await committed('sp-auto-')).toEqual(['sp-auto-1'])
  })
  test('beginNested() is an UnsupportedCapabilityError where there are no savepoints', {
    requires: ['noSavepoints'],
  }, async () => {
    await withConn(async (conn) => {
      const err = await caught(conn.beginNested())
      expect(err).toBeInstanceOf(UnsupportedCapabilityError)
      expect(err.message).toMatch(/savepoint/i)
    })
  })

  test('conn.begin() is an UnsupportedCapabilityError naming engine.batch', {
    requires: ['batchOnly'],
  }, async () => {
    await withConn(async (conn) => {
      const err = await caught(conn.begin())
      expect(err).toBeInstanceOf(UnsupportedCapabilityError)
      expect(err.message).toContain('engine.batch')
    })
  })
  test('engine.begin(cb) is an UnsupportedCapabilityError naming engine.batch, and runs nothing', {
    requires: ['batchOnly'],
  }, async () => {
    let ran = false
    const err = await caught(
      s.engine.begin(async () => {
        ran = true
      }),
    )
    expect(err).toBeInstanceOf(UnsupportedCapabilityError)
    expect(err.message).toContain('engine.batch')
    expect(ran).toBe(false)
  })
  test('each statement on a batch-only connection commits by itself', {
    requires: ['batchOnly'],
  }, async () => {
    await withConn(async (conn) => {
      await conn.execute(insert(ledger).values(row('autocommit-1')))
      expect(conn.inTransaction()).toBe(false)
      expect(await committed('autocommit-')).toEqual(['autocommit-1'])
    })
    expect(await committed('autocommit-')).toEqual(['autocommit-1'])
  })
}
