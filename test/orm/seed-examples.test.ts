/**
 * The "Usage Examples" of SQLAlchemy's asyncio page (docs.sqlalchemy.org, "Asynchronous I/O (asyncio)"),
 * translated to edgealchemy's ORM and run on two targets: libsql embedded (a file under .tmp/)
 * and neon-http in front of a fresh PostgreSQL database. Where neon-http cannot hold a
 * transaction open, `async with engine.begin()` becomes `engine.batch([...])`, `create_all`
 * becomes `Base.metadata.createAll(engine)`, and what has no translation (`conn.begin()`) must
 * reject with UnsupportedCapabilityError.
 */
import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { libsql } from '../../adapters/libsql/node.js'
import { neonHttp } from '../../adapters/neon-http/index.js'
import {
  type AsyncEngine,
  createAsyncEngine,
  type EngineOptions,
  IntegrityError,
  InvalidRequestError,
  insert,
  NoResultFound,
  PendingRollbackError,
  select,
  t,
  text,
  UnsupportedCapabilityError,
} from '../../core/index.js'
import { AsyncSession, asyncSessionmaker, DeclarativeBase, mappedColumn } from '../../core/orm/index.js'
import { type NeonHttpServer, startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { createPgDatabase, freshFile } from '../conformance/support.js'

class Base extends DeclarativeBase {}
class User extends Base.mapped('users', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  name: mappedColumn(t.String(50), { nullable: false }),
  email: mappedColumn(t.String(100), { nullable: false, unique: true }),
  active: mappedColumn(t.Boolean, { nullable: false, default: true }),
}) {}

/** One place the examples run: how to open an engine on its database, and what it can do. */
interface Target {
  readonly name: string
  /** Interactive transactions (engine.begin, conn.begin); false on neon-http. */
  readonly interactive: boolean
  start(): Promise<void>
  open(options?: EngineOptions): AsyncEngine
  stop(): Promise<void>
}

function libsqlTarget(): Target {
  const file = freshFile('orm_seed')
  return {
    name: 'libsql embedded',
    interactive: true,
    async start() {
      const engine = this.open()
      await engine.execute(text('PRAGMA journal_mode = WAL'))
      await engine.dispose()
    },
    open: (options) => createAsyncEngine(libsql(`file:${file}`), options),
    async stop() {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
    },
  }
}

function neonHttpTarget(): Target {
  let server: NeonHttpServer | undefined
  let db: Awaited<ReturnType<typeof createPgDatabase>> | undefined
  return {
    name: 'neon-http',
    interactive: false,
    async start() {
      db = await createPgDatabase('orm_seed')
      server = await startNeonHttpServer()
    },
    open: (options) =>
      createAsyncEngine(
        neonHttp(`postgresql://postgres:pw@127.0.0.1:5432/${db!.name}`, { fetchEndpoint: server!.endpoint }),
        options,
      ),
    async stop() {
      await server?.close()
      await db?.drop()
    },
  }
}

describe.each([libsqlTarget(), neonHttpTarget()])('seed usage examples on $name', (target) => {
  let engine: AsyncEngine

  beforeAll(() => target.start())
  afterAll(() => target.stop())
  beforeEach(async () => {
    engine = target.open()
    await Base.metadata.dropAll(engine, { checkFirst: true })
  })
  // `await engine.dispose()` at the end of every example
  afterEach(() => engine.dispose())

  /** The tables, for the examples that expect them to exist. */
  const createTables = () => Base.metadata.createAll(engine)

  it('basic async engine usage: create tables, add and commit, query with like', async () => {
    const lines: string[] = []
    // create_async_engine(url, echo=True), in place of the plain engine of beforeEach
    await engine.dispose()
    engine = target.open({ echo: true, logger: (line) => lines.push(line) })
    // async with engine.begin() as conn: await conn.run_sync(Base.metadata.create_all)
    if (target.interactive) await engine.begin((conn) => conn.runSync((c) => Base.metadata.createAll(c)))
    else {
      await expect(engine.begin(async () => undefined)).rejects.toThrow(UnsupportedCapabilityError)
      await Base.metadata.createAll(engine)
    }
    await using session = new AsyncSession(engine)
    const newUser = new User({ name: 'Alice', email: 'alice@example.com' })
    session.add(newUser)
    await session.commit()

    const stmt = select(User).where(User.c.name.like('%Alice%'))
    const result = await session.execute(stmt)
    const users = result.scalars().all()
    expect(users).toHaveLength(1)
    expect(users[0]).toBe(newUser) // the identity map gives back the committed object
    expect(users.map((u) => [u.name, u.email, u.active])).toEqual([['Alice', 'alice@example.com', true]])
    expect(lines.some((l) => l.includes('INSERT INTO'))).toBe(true) // echo=True logged the SQL
  })

  it('async connection context management: SELECT 1, then a transaction', async () => {
    await createTables()
    {
      await using conn = await engine.connect()
      const result = await conn.execute(text('SELECT 1'))
      expect(result.scalar()).toBe(1)

      // async with conn.begin(): await conn.execute(users.insert().values(...))
      const users = User.__table__
      if (target.interactive) {
        // As in SQLAlchemy 2, the SELECT autobegan a transaction and begin() is refused until it
        // ends (the seed's example raises there too); commit it first ("commit as you go").
        expect(conn.inTransaction()).toBe(true)
        await expect(conn.begin()).rejects.toThrow(InvalidRequestError)
        await conn.commit()
        await using tx = await conn.begin()
        await conn.execute(insert(users).values({ name: 'Bob', email: 'bob@example.com' }))
        await tx.commit()
      } else {
        await expect(conn.begin()).rejects.toThrow(UnsupportedCapabilityError)
        await engine.batch([insert(users).values({ name: 'Bob', email: 'bob@example.com' })])
      }
    }
    // committed: another connection sees it
    const rows = (await engine.execute(select(User.c.name, User.c.email, User.c.active))).all()
    expect(rows.map((r) => [r.name, r.email, r.active])).toEqual([['Bob', 'bob@example.com', true]])
  })

  it('streaming results: for await over session.stream(...).scalars()', async () => {
    await createTables()
    {
      await using session = new AsyncSession(engine)
      session.addAll(
        Array.from(
          { length: 7 },
          (_, i) => new User({ name: `user${i}`, email: `u${i}@example.com`, active: i % 3 !== 1 }),
        ),
      )
      await session.commit()
    }
    await using session = new AsyncSession(engine)
    // as the seed writes it: no ORDER BY (a paged stream orders by the primary key itself)
    const stmt = select(User).where(User.c.active.eq(true))
    const result = await session.stream(stmt)
    const names: string[] = []
    for await (const user of result.scalars()) {
      expect(user).toBeInstanceOf(User)
      names.push(user.name)
    }
    expect(names).toEqual(['user0', 'user2', 'user3', 'user5', 'user6'])
  })

  it('async session factory: createUser and getUserById', async () => {
    await createTables()
    const asyncSession = asyncSessionmaker(engine, { expireOnCommit: false })

    async function getUserById(userId: number): Promise<User | null> {
      await using session = asyncSession()
      return await session.get(User, userId)
    }
    async function createUser(name: string, email: string): Promise<User> {
      await using session = asyncSession()
      const user = new User({ name, email })
      session.add(user)
      await session.commit()
      return user
    }

    const carol = await createUser('Carol', 'carol@example.com')
    const dave = await createUser('Dave', 'dave@example.com')
    // expire_on_commit=False: the attributes stay readable after the session closed
    const fields = (u: User) => [u.id, u.name, u.email, u.active]
    expect(fields(carol)).toEqual([1, 'Carol', 'carol@example.com', true])
    expect(dave.id).toBe(2)

    const found = await getUserById(carol.id)
    expect(found).not.toBeNull()
    expect(found).not.toBe(carol) // another session, another object
    expect(fields(found!)).toEqual([1, 'Carol', 'carol@example.com', true])
    expect(await getUserById(99999)).toBeNull()
  })

  it('mixing sync and async: createAll on the engine, then a session query with limit', async () => {
    // sync_engine = engine.sync_engine; Base.metadata.create_all(sync_engine)
    await Base.metadata.createAll(engine)
    await engine.execute(
      insert(User.__table__),
      Array.from({ length: 12 }, (_, i) => ({ name: `n${i}`, email: `n${i}@example.com` })),
    )
    await using session = new AsyncSession(engine)
    const stmt = select(User).orderBy(User.c.id).limit(10)
    const result = await session.execute(stmt)
    const users = result.scalars().all()
    expect(users.map((u) => u.name)).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}`))
  })

  it('error handling: IntegrityError then rollback, NoResultFound from scalarOne', async () => {
    await createTables()
    await engine.execute(insert(User.__table__).values({ name: 'Existing', email: 'existing@example.com' }))

    await using session = new AsyncSession(engine)
    const user = new User({ name: 'Test', email: 'existing@example.com' })
    session.add(user)
    await expect(session.commit()).rejects.toThrow(IntegrityError)
    // until rollback() the session refuses work
    expect(() => session.add(new User({ name: 'Other', email: 'other@example.com' }))).toThrow(
      PendingRollbackError,
    )
    await session.rollback()
    expect(session.new.size).toBe(0)
    expect(session.contains(user)).toBe(false)

    // the session is usable again
    const other = new User({ name: 'Other', email: 'other@example.com' })
    session.add(other)
    await session.commit()
    const names = (await session.scalars(select(User).orderBy(User.c.id))).all().map((u) => u.name)
    expect(names).toEqual(['Existing', 'Other'])
    expect(await engine.scalar(select(User.c.name).where(User.c.email.eq('other@example.com')))).toBe('Other')

    const stmt = select(User).where(User.c.id.eq(99999))
    const result = await session.execute(stmt)
    expect(() => result.scalarOne()).toThrow(NoResultFound)
  })
})
