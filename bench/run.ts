/**
 * `npm run bench`: edgealchemy beside the raw driver, Drizzle and Kysely on one embedded libSQL
 * file, in one run. Prints one Markdown table per case group, times as medians per op and
 * ratios to the raw `@libsql/client` call. See bench/README.md.
 * @module
 */
import os from 'node:os'
import { eq, sql } from 'drizzle-orm'
import { bindparam, insert, select, t } from '../core/index.js'
import { AsyncSession, DeclarativeBase } from '../core/orm/index.js'
import { type Case, formatTable, type Group, runGroup } from './harness.js'
import { createDatabase, dzInserts, dzUsers, eaInserts, eaUsers, openHandles, tableRows } from './setup.js'

const quick = process.argv.includes('--quick')
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)

await createDatabase()
const h = await openHandles()
const { raw, rawBigint, native, engine, dz, ky } = h

/** A pseudo-random spread of existing ids, so each op reads another row. */
const idOf = (i: number) => ((i * 7919) % tableRows) + 1

// --- primary-key select -------------------------------------------------------------------
const pkSql = 'SELECT id, name, email, age FROM bench_users WHERE id = ?'
const nativePk = native.prepare(pkSql)
const eaPk = select(eaUsers).where(eaUsers.c.id.eq(bindparam('id', t.Integer)))
const dzPk = dz
  .select()
  .from(dzUsers)
  .where(eq(dzUsers.id, sql.placeholder('id')))
  .prepare()

const pkCases: Case[] = [
  {
    name: 'raw @libsql/client execute',
    run: async (i) => (await raw.execute({ sql: pkSql, args: [idOf(i)] })).rows,
  },
  {
    name: 'raw, intMode bigint',
    reference: true,
    run: async (i) => (await rawBigint.execute({ sql: pkSql, args: [idOf(i)] })).rows,
  },
  { name: 'libsql native, prepared once', reference: true, run: async (i) => nativePk.all(idOf(i)) },
  {
    name: 'edgealchemy, stmt at module scope',
    run: async (i) => (await engine.execute(eaPk, { id: idOf(i) })).all(),
  },
  {
    name: 'edgealchemy, stmt rebuilt',
    run: async (i) => (await engine.execute(select(eaUsers).where(eaUsers.c.id.eq(idOf(i))))).all(),
  },
  { name: 'drizzle prepared', run: (i) => dzPk.all({ id: idOf(i) }) },
  {
    name: 'drizzle unprepared',
    run: (i) =>
      dz
        .select()
        .from(dzUsers)
        .where(eq(dzUsers.id, idOf(i)))
        .all(),
  },
  {
    name: 'kysely',
    run: (i) => ky.selectFrom('bench_users').selectAll().where('id', '=', idOf(i)).execute(),
  },
]

// --- hydration ------------------------------------------------------------------------------
const allSql = 'SELECT id, name, email, age FROM bench_users'
const nativeAll = native.prepare(allSql).raw(true)
const eaAll = select(eaUsers)
const dzAll = dz.select().from(dzUsers).prepare()

/** The same table mapped to a class, for the ORM cases. */
class BenchBase extends DeclarativeBase {}
class BenchUser extends BenchBase.mapped(eaUsers) {}

const hydrationCases: Case[] = [
  { name: 'raw @libsql/client execute', run: async () => (await raw.execute(allSql)).rows },
  { name: 'raw, intMode bigint', reference: true, run: async () => (await rawBigint.execute(allSql)).rows },
  { name: 'libsql native, raw arrays', reference: true, run: async () => nativeAll.all() },
  { name: 'edgealchemy .all()', run: async () => (await engine.execute(eaAll)).all() },
  {
    name: 'edgealchemy ORM objects (new session)',
    run: async () => (await new AsyncSession(engine).scalars(select(BenchUser))).all(),
  },
  { name: 'drizzle prepared', run: () => dzAll.all() },
  { name: 'kysely', run: () => ky.selectFrom('bench_users').selectAll().execute() },
]

// --- insert ---------------------------------------------------------------------------------
const insSql = 'INSERT INTO bench_inserts (name, email, age) VALUES (?, ?, ?)'
const nativeIns = native.prepare(insSql)
const eaIns = insert(eaInserts).values({
  name: bindparam('name', t.Text),
  email: bindparam('email', t.Text),
  age: bindparam('age', t.Integer),
})
const dzIns = dz
  .insert(dzInserts)
  .values({ name: sql.placeholder('name'), email: sql.placeholder('email'), age: sql.placeholder('age') })
  .prepare()
const rowOf = (i: number) => ({ name: `name ${i}`, email: `u${i}@example.com`, age: i % 90 })

const insertCases: Case[] = [
  {
    name: 'raw @libsql/client execute',
    run: (i) => {
      const r = rowOf(i)
      return raw.execute({ sql: insSql, args: [r.name, r.email, r.age] })
    },
  },
  {
    name: 'libsql native, prepared once',
    reference: true,
    run: async (i) => {
      const r = rowOf(i)
      return nativeIns.run(r.name, r.email, r.age)
    },
  },
  { name: 'edgealchemy, stmt at module scope', run: (i) => engine.execute(eaIns, rowOf(i)) },
  { name: 'edgealchemy, stmt rebuilt', run: (i) => engine.execute(insert(eaInserts).values(rowOf(i))) },
  { name: 'drizzle prepared', run: (i) => dzIns.run(rowOf(i)) },
  { name: 'drizzle unprepared', run: (i) => dz.insert(dzInserts).values(rowOf(i)).run() },
  { name: 'kysely', run: (i) => ky.insertInto('bench_inserts').values(rowOf(i)).execute() },
]

// --- ORM identity map -----------------------------------------------------------------------
const mapSession = new AsyncSession(engine, { expireOnCommit: false })
const mapped = (await mapSession.scalars(select(BenchUser).where(BenchUser.c.id.le(1000)))).all()
const plainMap = new Map(mapped.map((u) => [u.id, u]))
const identityCases: Case[] = [
  { name: 'Map.get of the same objects (floor)', run: async (i) => plainMap.get((i % 1000) + 1) },
  {
    name: 'edgealchemy session.get, identity map hit',
    run: (i) => mapSession.get(BenchUser, (i % 1000) + 1),
  },
]

const scale = quick ? 0.25 : 1
const groups: Group[] = [
  {
    title: 'Primary-key select of one row (4 columns)',
    cases: pkCases,
    opsPerRound: Math.round(400 * scale),
    warmupOps: Math.round(2000 * scale),
    rounds: quick ? 10 : 50,
  },
  {
    title: `Hydration: ${tableRows.toLocaleString('en')} rows x 4 columns into row objects`,
    cases: hydrationCases,
    opsPerRound: 1,
    warmupOps: 2,
    rounds: quick ? 3 : 9,
  },
  {
    title: 'session.get of an object already in the identity map (no I/O)',
    cases: identityCases,
    opsPerRound: Math.round(20000 * scale),
    warmupOps: Math.round(20000 * scale),
    rounds: quick ? 10 : 30,
  },
  {
    title: 'Insert of one row (autocommit, WAL, synchronous=NORMAL)',
    cases: insertCases,
    opsPerRound: Math.round(300 * scale),
    warmupOps: Math.round(1000 * scale),
    rounds: quick ? 10 : 50,
  },
]

console.log(
  `# edgealchemy bench: Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.arch()}`,
)
console.log(
  `libSQL file database under .tmp/bench/ (WAL); gc before each sample: ${typeof (globalThis as { gc?: unknown }).gc === 'function'}`,
)
const started = Date.now()
for (const g of groups) {
  if (only !== undefined && !g.title.toLowerCase().includes(only.toLowerCase())) continue
  console.log(`\n${formatTable(g, await runGroup(g))}`)
}
console.log(`\n(total ${((Date.now() - started) / 1000).toFixed(1)} s)`)
await h.close()
