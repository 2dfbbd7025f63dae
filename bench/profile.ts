/**
 * `npx tsx bench/profile.ts`: where edgealchemy's time per statement goes, by timing each stage
 * of `engine.execute(stmt)` on its own (same database as `run.ts`, which must have run once).
 * Stages: statement build, cache lookup (identity / shape), bind + encode, the adapter's
 * conversion to arrays, decoding, Result and Row creation, and the driver call itself.
 * Run with `node --cpu-prof --import tsx bench/profile.ts` for a V8 profile of the same loops.
 * @module
 */
import { createClient, type ResultSet } from '@libsql/client'
import { libsql, toRawResult } from '../adapters/libsql/node.js'
import { columnDecoders, decodeRows } from '../core/dialects/codecs.js'
import { shapeOf } from '../core/dialects/statement-cache.js'
import { prepare, toResult } from '../core/engine/execution.js'
import { bindparam, createAsyncEngine, Result, select, sqlite, t } from '../core/index.js'
import { rowShape } from '../core/result/row.js'
import { dbUrl, eaUsers, tableRows } from './setup.js'

const idOf = (i: number) => ((i * 7919) % tableRows) + 1
const pkSql = 'SELECT id, name, email, age FROM bench_users WHERE id = ?'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}
/** Median µs per call over `reps` runs of `n` calls. */
function timeSync(fn: (i: number) => unknown, n: number, reps = 7): number {
  for (let i = 0; i < n; i++) fn(i)
  const out: number[] = []
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn(i)
    out.push(Number(process.hrtime.bigint() - t0) / 1000 / n)
  }
  return median(out)
}
async function timeAsync(fn: (i: number) => Promise<unknown>, n: number, reps = 7): Promise<number> {
  for (let i = 0; i < n; i++) await fn(i)
  const out: number[] = []
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn(i)
    out.push(Number(process.hrtime.bigint() - t0) / 1000 / n)
  }
  return median(out)
}
const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(2)} µs`)

const client = createClient({ url: dbUrl, intMode: 'bigint' })
const adapter = libsql(client)
const engine = createAsyncEngine(adapter)
const eaPk = select(eaUsers).where(eaUsers.c.id.eq(bindparam('id', t.Integer)))

// --- one primary-key select, stage by stage ----------------------------------------------------
const sample: ResultSet = await client.execute({ sql: pkSql, args: [1n] })
const sampleRaw = toRawResult(sample)
const { template } = prepare(sqlite, eaPk, { id: 1 })
const decoded = decodeRows(
  sampleRaw.rows,
  columnDecoders(
    sqlite,
    template.resultColumns.map((c) => c.type),
    [],
  ),
)
const names = template.resultNames

const pk: [string, number][] = []
/**
 * Async loops measured in alternation, so load drift hits all alike; differences to the
 * `baseline` loop are taken per rep (paired) before the median.
 */
async function interleaved(
  baseline: number,
  fns: ((i: number) => Promise<unknown>)[],
  n: number,
  reps = 41,
): Promise<number[]> {
  for (const fn of fns) for (let i = 0; i < n; i++) await fn(i)
  const out = fns.map(() => [] as number[])
  for (let r = 0; r < reps; r++)
    for (let k = 0; k < fns.length; k++) {
      const t0 = process.hrtime.bigint()
      for (let i = 0; i < n; i++) await fns[k]!(i)
      out[k]!.push(Number(process.hrtime.bigint() - t0) / 1000 / n)
    }
  // each figure: the baseline's median plus the median of the per-rep differences to it (paired)
  const base = out[baseline]!
  return out.map((xs) => median(base) + median(xs.map((x, r) => x - base[r]!)))
}
/** Two async frames around the driver call, as engine.execute -> adapter.execute add. */
const inner = async (i: number) => await client.execute({ sql: pkSql, args: [BigInt(idOf(i))] })
const outer = async (i: number) => await inner(i)
const [endToEnd, driver, adapterCall, endToEndRebuilt, twoFrames] = (await interleaved(
  1,
  [
    async (i) => (await engine.execute(eaPk, { id: idOf(i) })).all(),
    (i) => client.execute({ sql: pkSql, args: [BigInt(idOf(i))] }),
    (i) => adapter.execute({ sql: pkSql, params: [idOf(i)] }),
    async (i) => (await engine.execute(select(eaUsers).where(eaUsers.c.id.eq(idOf(i))))).all(),
    outer,
  ],
  300,
)) as [number, number, number, number, number]
const lookupIdentity = timeSync(() => sqlite.cache.lookup(eaPk, sqlite), 200_000)
const prepareIdentity = timeSync((i) => prepare(sqlite, eaPk, { id: idOf(i) }), 200_000)
const rawConv = timeSync(() => toRawResult(sample), 200_000)
const toResultCost = timeSync(() => toResult(sqlite, template, sampleRaw), 200_000)
const decodeCost = timeSync(
  () =>
    decodeRows(
      sampleRaw.rows,
      columnDecoders(
        sqlite,
        template.resultColumns.map((c) => c.type),
        [],
      ),
    ),
  200_000,
)
const decodeOnly = (() => {
  const decs = columnDecoders(
    sqlite,
    template.resultColumns.map((c) => c.type),
    [],
  )
  return timeSync(() => decodeRows(sampleRaw.rows, decs), 200_000)
})()
const shapeLookup = timeSync(() => rowShape(names), 200_000)
const resultNew = timeSync(() => new Result(names, decoded, -1, undefined), 200_000)
const allCost = timeSync(() => new Result(names, [decoded[0]!], -1, undefined).all(), 200_000)
// rebuilt statement: build, shape key, lookup by shape
const build = timeSync((i) => select(eaUsers).where(eaUsers.c.id.eq(idOf(i))), 50_000)
const shapeKey = timeSync((i) => shapeOf(select(eaUsers).where(eaUsers.c.id.eq(idOf(i)))), 50_000) - build
const prepareShape =
  timeSync((i) => prepare(sqlite, select(eaUsers).where(eaUsers.c.id.eq(idOf(i))), undefined), 50_000) - build
const bind = prepareIdentity - lookupIdentity
const adapterConv = adapterCall - driver - rawConv
const rowsPart = toResultCost + allCost
pk.push(
  ['driver: client.execute (intMode bigint)', driver],
  ['adapter: params to args (number -> bigint) + promise hop', adapterConv],
  ['adapter: toRawResult (Row objects -> arrays)', rawConv],
  ['compile cache lookup (identity hit)', lookupIdentity],
  ['bind + encode (template.bind)', bind],
  ['toResult: decoder cache + decodeRows + new Result', toResultCost],
  ['   of which decodeRows (decoders chosen)', decodeOnly],
  ['   of which columnDecoders, if rebuilt per call', decodeCost - decodeOnly],
  ['   of which rowShape(names) lookup (join + Map.get)', shapeLookup],
  ['   of which new Result (incl. rowShape)', resultNew],
  ['.all(): Row creation (one row)', allCost],
)
const accounted = driver + adapterConv + rawConv + lookupIdentity + bind + rowsPart
console.log('## Primary-key select, edgealchemy stmt at module scope: stage costs')
console.log(
  `end to end: ${fmt(endToEnd)} per op; driver alone ${fmt(driver)}; overhead ${fmt(endToEnd - driver)}`,
)
for (const [k, v] of pk) console.log(`  ${k.padEnd(58)} ${fmt(v).padStart(10)}`)
console.log(
  `  ${'(for scale: two bare async frames around the driver call)'.padEnd(58)} ${fmt(twoFrames - driver).padStart(10)}`,
)
console.log(
  `  ${'unaccounted (engine.execute async frames, checks, GC)'.padEnd(58)} ${fmt(endToEnd - accounted).padStart(10)}`,
)
console.log('\n## Rebuilt statement (shape cache hit): extra costs')
console.log(
  `end to end: ${fmt(endToEndRebuilt)} per op (+${fmt(endToEndRebuilt - endToEnd)} over module scope)`,
)
console.log(`  ${'select(...).where(...) build'.padEnd(58)} ${fmt(build).padStart(10)}`)
console.log(`  ${'shapeOf (walk + key string)'.padEnd(58)} ${fmt(shapeKey).padStart(10)}`)
console.log(
  `  ${'prepare (shapeOf + LRU touch + WeakMap set + bind)'.padEnd(58)} ${fmt(prepareShape).padStart(10)}`,
)

// --- hydration of every row ------------------------------------------------------------------
const allSql = 'SELECT id, name, email, age FROM bench_users'
const eaAll = select(eaUsers)
const { template: allTemplate } = prepare(sqlite, eaAll)
const big = await client.execute(allSql)
const bigRaw = toRawResult(big)
const decs = columnDecoders(
  sqlite,
  allTemplate.resultColumns.map((c) => c.type),
  [],
)
const bigDecoded = decodeRows(bigRaw.rows, decs)
const H = 1
const hy: [string, number][] = [
  ['driver: client.execute (intMode bigint)', await timeAsync(() => client.execute(allSql), H, 5)],
  ['adapter: toRawResult', timeSync(() => toRawResult(big), H, 5)],
  ['decodeRows', timeSync(() => decodeRows(bigRaw.rows, decs), H, 5)],
  [
    'new Result + .all() (Row creation)',
    timeSync(() => new Result(allTemplate.resultNames, bigDecoded).all(), H, 5),
  ],
]
const hyEnd = await timeAsync(async () => (await engine.execute(eaAll)).all(), H, 5)
console.log(`\n## Hydration of ${tableRows} rows: stage costs`)
console.log(`end to end: ${fmt(hyEnd)}`)
for (const [k, v] of hy)
  console.log(`  ${k.padEnd(58)} ${fmt(v).padStart(10)}  (${((v / tableRows) * 1000).toFixed(0)} ns/row)`)
client.close()
