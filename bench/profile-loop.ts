/**
 * A plain loop of one edgealchemy case for a V8 CPU profile (the database of `run.ts` must exist):
 *
 * ```sh
 * node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx bench/profile-loop.ts pk   # or rebuilt, all
 * ```
 * @module
 */
import { libsql } from '../adapters/libsql/node.js'
import { bindparam, createAsyncEngine, select, t } from '../core/index.js'
import { dbUrl, eaUsers, tableRows } from './setup.js'

const engine = createAsyncEngine(libsql(dbUrl))
const mode = process.argv[2] ?? 'pk'
const eaPk = select(eaUsers).where(eaUsers.c.id.eq(bindparam('id', t.Integer)))
const idOf = (i: number) => ((i * 7919) % tableRows) + 1
if (mode === 'pk') for (let i = 0; i < 200_000; i++) (await engine.execute(eaPk, { id: idOf(i) })).all()
else if (mode === 'rebuilt')
  for (let i = 0; i < 150_000; i++)
    (await engine.execute(select(eaUsers).where(eaUsers.c.id.eq(idOf(i))))).all()
else if (mode === 'all') for (let i = 0; i < 12; i++) (await engine.execute(select(eaUsers))).all()
else throw new Error(`Unknown mode ${mode}: pk, rebuilt or all`)
await engine.dispose()
