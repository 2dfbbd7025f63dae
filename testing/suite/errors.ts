/** Database errors arrive typed, with code, SQL and parameters, and without credentials. */
import {
  ArgumentError,
  bindparam,
  CommitOutcomeUnknownError,
  CompileError,
  createAsyncEngine,
  DBAPIError,
  delete_,
  EdgeAlchemyError,
  IntegrityError,
  insert,
  OperationalError,
  ProgrammingError,
  StatementError,
  select,
  t,
  text,
} from '../../core/index.js'
import { caught, errorTexts } from './helpers.js'
import { owners, pets, types } from './schema.js'
import type { Topic } from './types.js'

export function errorsTopic(s: Topic): void {
  const { test, expect, api } = s
  api.beforeAll(async () => {
    await s.engine.execute(delete_(pets))
    await s.engine.execute(delete_(owners))
  })
  /**
   * Waits until the database takes writes again: a transaction abandoned by a lost connection
   * holds its locks until the remote expires it (a Hrana stream, a pinned session).
   */
  const untilWritable = async () => {
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        await s.engine.execute(delete_(owners).where(owners.c.id.eq(-1)))
        return
      } catch (err) {
        if (!(err instanceof OperationalError) || Date.now() > deadline) throw err
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }
  /** An owner row written now; returns its values. */
  const owner = async () => {
    const id = s.nextId()
    const o = { id, email: `owner${id}@example.com` }
    await s.engine.execute(insert(owners).values(o))
    return o
  }
  const uniqueViolation = async () => {
    const o = await owner()
    return caught(s.engine.execute(insert(owners).values({ id: s.nextId(), email: o.email })))
  }
  const secrets = () => [...(s.config.secrets ?? []), ...(s.engine.adapter.secrets ?? [])]

  test('a unique violation is an IntegrityError', async () => {
    expect(await uniqueViolation()).toBeInstanceOf(IntegrityError)
  })
  test('a primary key violation is an IntegrityError', async () => {
    const o = await owner()
    const err = await caught(
      s.engine.execute(insert(owners).values({ id: o.id, email: 'other@example.com' })),
    )
    expect(err).toBeInstanceOf(IntegrityError)
  })
  test('an IntegrityError carries the native code', async () => {
    const err = (await uniqueViolation()) as DBAPIError
    expect(typeof err.code).toBe('string')
    expect(err.code!.length).toBeGreaterThan(0)
  })
  test('an IntegrityError sits in the DBAPI error tree', async () => {
    const err = await uniqueViolation()
    expect(err).toBeInstanceOf(DBAPIError)
    expect(err).toBeInstanceOf(StatementError)
    expect(err).toBeInstanceOf(EdgeAlchemyError)
    expect(err.name).toBe('IntegrityError')
  })
  test("the error keeps the statement's SQL and parameters", async () => {
    const err = (await uniqueViolation()) as DBAPIError
    expect(err.sql).toMatch(/INSERT INTO/i)
    expect(err.sql).toContain('ea_owners')
    expect(err.params).toBeDefined()
    expect(err.params!.some((p) => typeof p === 'string' && p.includes('@example.com'))).toBe(true)
  })
  test('the driver error is kept as cause, also named orig', async () => {
    const err = (await uniqueViolation()) as DBAPIError
    expect(err.cause).toBeInstanceOf(Error)
    expect(err.orig).toBe(err.cause)
  })
  test('NOT NULL violation is an IntegrityError', async () => {
    const err = await caught(
      s.engine.execute(text('INSERT INTO ea_owners (id, email) VALUES (:id, NULL)'), { id: s.nextId() }),
    )
    expect(err).toBeInstanceOf(IntegrityError)
  })
  test('a foreign key violation is an IntegrityError', { requires: ['foreignKeys'] }, async () => {
    const err = await caught(s.engine.execute(insert(pets).values({ id: s.nextId(), ownerId: 987_654_321 })))
    expect(err).toBeInstanceOf(IntegrityError)
  })
  test('deleting a referenced row is an IntegrityError', { requires: ['foreignKeys'] }, async () => {
    const o = await owner()
    await s.engine.execute(insert(pets).values({ id: s.nextId(), ownerId: o.id }))
    const err = await caught(s.engine.execute(delete_(owners).where(owners.c.id.eq(o.id))))
    expect(err).toBeInstanceOf(IntegrityError)
  })
  test('a syntax error is a ProgrammingError', async () => {
    const err = await caught(s.engine.execute(text('SELEKT 1')))
    expect(err).toBeInstanceOf(ProgrammingError)
    expect((err as DBAPIError).sql).toBe('SELEKT 1')
  })
  test('an unknown table is a ProgrammingError', async () => {
    expect(await caught(s.engine.execute(text('SELECT * FROM ea_no_such_table')))).toBeInstanceOf(
      ProgrammingError,
    )
  })
  test('an unknown column is a ProgrammingError', async () => {
    expect(await caught(s.engine.execute(text('SELECT no_such_column FROM ea_owners')))).toBeInstanceOf(
      ProgrammingError,
    )
  })
  test('errors inside a connection are typed the same way', async () => {
    const o = await owner()
    const conn = await s.engine.connect()
    try {
      const err = await caught(conn.execute(insert(owners).values({ id: s.nextId(), email: o.email })))
      expect(err).toBeInstanceOf(IntegrityError)
      expect((err as DBAPIError).sql).toContain('ea_owners')
    } finally {
      await conn.close()
    }
  })
  test('errors of a batch are typed', async () => {
    const o = await owner()
    const err = await caught(s.engine.batch([insert(owners).values({ id: s.nextId(), email: o.email })]))
    expect(err).toBeInstanceOf(IntegrityError)
  })
  test('a failing executemany error carries its SQL', async () => {
    const o = await owner()
    const conn = await s.engine.connect()
    try {
      const err = await caught(
        conn.execute(insert(owners), [
          { id: s.nextId(), email: `new${o.id}@example.com` },
          { id: s.nextId(), email: o.email },
        ]),
      )
      expect(err).toBeInstanceOf(IntegrityError)
      expect((err as DBAPIError).sql).toMatch(/INSERT INTO/i)
    } finally {
      await conn.close()
    }
  })
  test('echo with BigInteger parameters in an executemany logs them', async () => {
    const lines: string[] = []
    const loud = createAsyncEngine(s.engine.adapter, { echo: true, logger: (l) => lines.push(l) })
    const conn = await loud.connect()
    try {
      await conn.execute(select(types.c.id).where(types.c.vBig.eq(bindparam('k', t.BigInteger))), [
        { k: 1n },
        { k: 9007199254740993n },
      ])
    } finally {
      await conn.close()
    }
    expect(lines.join('\n')).toContain('9007199254740993')
  })
  test('the engine keeps working after errors', async () => {
    await uniqueViolation()
    await caught(s.engine.execute(text('SELEKT 1')))
    const o = await owner()
    expect(await s.engine.scalar(select(owners.c.email).where(owners.c.id.eq(o.id)))).toBe(o.email)
  })
  test('no secret appears in String(err), err.stack or the cause chain', async () => {
    const errs = [
      await uniqueViolation(),
      await caught(s.engine.execute(text('SELEKT 1'))),
      await caught(s.engine.execute(text('SELECT * FROM ea_no_such_table'))),
    ]
    const all = errs.flatMap((e) => errorTexts(e)).join('\n')
    for (const secret of secrets()) expect(all).not.toContain(secret)
  })
  test('hideParameters keeps parameters out of errors and logs', async () => {
    const lines: string[] = []
    // A second engine over the same adapter (not disposed: that would close the adapter).
    const quiet = createAsyncEngine(s.engine.adapter, {
      hideParameters: true,
      echo: true,
      logger: (l) => lines.push(l),
    })
    const o = await owner()
    const err = (await caught(
      quiet.execute(insert(owners).values({ id: s.nextId(), email: o.email })),
    )) as DBAPIError
    expect(err).toBeInstanceOf(IntegrityError)
    expect(err.params).toBeUndefined()
    expect(lines.join('\n')).toContain('ea_owners')
    expect(lines.join('\n')).not.toContain(o.email)
  })
  test('echo logs each statement with its parameters', async () => {
    const lines: string[] = []
    const loud = createAsyncEngine(s.engine.adapter, { echo: true, logger: (l) => lines.push(l) })
    await loud.execute(select(owners.c.id).where(owners.c.email.eq('echo@example.com')))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('ea_owners')
    expect(lines[0]).toContain('echo@example.com')
  })
  test('an unreachable remote is an OperationalError that leaks no secret', {
    requires: ['unreachableEngine'],
  }, async () => {
    const broken = await s.config.createUnreachableEngine!()
    try {
      const err = await caught(broken.execute(select(owners.c.id).where(owners.c.id.eq(1))))
      expect(err).toBeInstanceOf(OperationalError)
      const all = errorTexts(err).join('\n')
      for (const secret of [...secrets(), ...(broken.adapter.secrets ?? [])])
        expect(all).not.toContain(secret)
    } finally {
      await broken.dispose()
    }
  })
  test('a lost connection is an OperationalError, and the engine recovers', {
    requires: ['networkFaults'],
  }, async () => {
    const o = await owner()
    await s.config.injectNetworkFault!()
    const err = await caught(s.engine.execute(select(owners.c.email).where(owners.c.id.eq(o.id))))
    expect(err).toBeInstanceOf(OperationalError)
    for (const secret of secrets()) expect(errorTexts(err).join('\n')).not.toContain(secret)
    expect(await s.engine.scalar(select(owners.c.email).where(owners.c.id.eq(o.id)))).toBe(o.email)
  })
  test('a batch whose request is lost raises CommitOutcomeUnknownError (SQL, no values) and nothing is left behind', {
    requires: ['networkFaults'],
  }, async () => {
    const id = s.nextId()
    await s.config.injectNetworkFault!()
    const email = `lost${id}@example.com`
    const err = await caught(s.engine.batch([insert(owners).values({ id, email }), select(owners.c.id)]))
    expect(err).toBeInstanceOf(CommitOutcomeUnknownError)
    const unknown = err as CommitOutcomeUnknownError
    expect(unknown.statements.join('\n')).toMatch(/INSERT INTO/i)
    expect(errorTexts(err).join('\n')).not.toContain(email)
    for (const secret of secrets()) expect(errorTexts(err).join('\n')).not.toContain(secret)
    expect(await s.engine.scalar(select(owners.c.id).where(owners.c.id.eq(id)))).toBeNull()
  })
  test('a connection that lost its transaction closes without throwing, and nothing is committed', {
    requires: ['networkFaults', 'interactiveTransactions'],
    timeout: 60_000,
  }, async () => {
    const id = s.nextId()
    const conn = await s.engine.connect()
    await conn.execute(insert(owners).values({ id, email: `txlost${id}@example.com` }))
    await s.config.injectNetworkFault!()
    const err = await caught(conn.execute(select(owners.c.id).where(owners.c.id.eq(id))))
    expect(err).toBeInstanceOf(OperationalError)
    await conn.close()
    expect(conn.closed).toBe(true)
    expect(await s.engine.scalar(select(owners.c.id).where(owners.c.id.eq(id)))).toBeNull()
    await untilWritable()
  })
  test('closing a connection whose rollback is lost does not throw, and nothing is committed', {
    requires: ['networkFaults', 'interactiveTransactions'],
    timeout: 60_000,
  }, async () => {
    const id = s.nextId()
    const conn = await s.engine.connect()
    await conn.execute(insert(owners).values({ id, email: `rblost${id}@example.com` }))
    await s.config.injectNetworkFault!()
    await conn.close()
    expect(conn.closed).toBe(true)
    expect(await s.engine.scalar(select(owners.c.id).where(owners.c.id.eq(id)))).toBeNull()
    await untilWritable()
  })
  test('a missing parameter is an ArgumentError raised before sending', async () => {
    const before = s.requests()
    const err = await caught(s.engine.execute(text('SELECT :x AS x')))
    expect(err).toBeInstanceOf(ArgumentError)
    expect(s.requests()).toBe(before)
  })
  test('RETURNING is a CompileError where the dialect has none', { requires: ['noReturning'] }, async () => {
    const before = s.requests()
    const err = await caught(async () =>
      s.engine.execute(
        insert(owners).values({ id: s.nextId(), email: 'r@example.com' }).returning(owners.c.id),
      ),
    )
    expect(err).toBeInstanceOf(CompileError)
    expect(s.requests()).toBe(before)
  })
}
