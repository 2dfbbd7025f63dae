/**
 * The kit's pg-protocol adapter is driver-neutral: node-postgres (`pg`, the API the neon
 * WebSocket driver copies) becomes a full adapter by giving the kit only its client factory,
 * its error reading and its capabilities (below, as a next adapter would). Run against the
 * local PostgreSQL: autocommit, transactions, a cursor stream, typed errors, pool reuse.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { causeChain, hasNetworkErrorCode } from '../../adapters/kit/network-errors.js'
import { type PgAdapter, pgAdapter } from '../../adapters/kit/pg-adapter.js'
import { isConnectionFailureState, isSqlState, sqlStateOf } from '../../adapters/kit/pg-errors.js'
import { clientSources, type PgClient } from '../../adapters/kit/pg-sources.js'
import { poolPlan } from '../../adapters/kit/pool-options.js'
import { secretsOfUrl } from '../../adapters/kit/url-secrets.js'
import {
  type AdapterCapabilities,
  type AsyncEngine,
  Column,
  createAsyncEngine,
  IntegrityError,
  insert,
  MetaData,
  postgresql,
  redactText,
  select,
  Table,
  t,
} from '../../core/index.js'
import { uniqueName } from '../support/databases.js'

/** The whole node-postgres adapter: errors, capabilities, client factory. */
function nodePostgres(url: string): PgAdapter {
  const isTransportError = (err: unknown): boolean => {
    for (const e of causeChain(err)) {
      if (isSqlState(e.code)) return isConnectionFailureState(e.code)
      if (typeof e.message === 'string' && /connection terminated|not queryable/i.test(e.message)) return true
    }
    return hasNetworkErrorCode(err)
  }
  const errors = { toError: (err: unknown) => err, isTransportError }
  const capabilities: AdapterCapabilities = {
    interactiveTransactions: true,
    atomicBatch: true,
    batchRoundTrips: 'per-statement',
    savepoints: true,
    maxParams: 65534,
    streaming: 'cursor',
  }
  const plan = poolPlan({ scope: 'isolate' })
  const secrets = secretsOfUrl(url)
  return pgAdapter({
    name: 'node-postgres',
    capabilities,
    dialect: postgresql,
    secrets,
    plan,
    errors,
    sources: clientSources(
      'node-postgres',
      () => new pg.Client({ connectionString: url }) as unknown as PgClient,
      errors.toError,
      { poolSize: 2 },
      plan,
    ),
    errorInfo: (err) => ({
      code: sqlStateOf(err),
      message: redactText(err instanceof Error ? err.message : String(err), secrets),
      transport: isTransportError(err),
    }),
  })
}

const name = uniqueName('kit_pg')
const metadata = new MetaData()
const items = new Table(name, metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  label: new Column(t.Text),
})

let engine: AsyncEngine
beforeAll(async () => {
  engine = createAsyncEngine(nodePostgres('postgresql://postgres@127.0.0.1:5432/test'))
  await metadata.createAll(engine)
})
afterAll(async () => {
  await metadata.dropAll(engine)
  await engine.dispose()
})

describe('a node-postgres adapter made of the kit', () => {
  it('runs autocommit statements and reads values decoded by the dialect', async () => {
    await engine.execute(insert(items).values({ id: 1, label: 'one' }))
    expect(
      (await engine.execute(select(items.c.id, items.c.label).where(items.c.id.eq(1)))).mappings().all(),
    ).toEqual([{ id: 1, label: 'one' }])
  })

  it('commits a transaction, and rolls back one that throws', async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(items).values({ id: 2, label: 'two' }))
    })
    await expect(
      engine.begin(async (conn) => {
        await conn.execute(insert(items).values({ id: 3, label: 'three' }))
        throw new Error('no')
      }),
    ).rejects.toThrow('no')
    expect((await engine.execute(select(items.c.id).orderBy(items.c.id))).scalars().all()).toEqual([1, 2])
  })

  it('streams a query through a server-side cursor', async () => {
    await engine.execute(insert(items), [
      { id: 10, label: 'a' },
      { id: 11, label: 'b' },
      { id: 12, label: 'c' },
    ])
    const conn = await engine.connect()
    const rows: unknown[] = []
    const stream = await conn.stream(select(items.c.id).where(items.c.id.ge(10)).orderBy(items.c.id), {
      chunkSize: 2,
    })
    for await (const row of stream) rows.push(row.id)
    await conn.close()
    expect(rows).toEqual([10, 11, 12])
  })

  it("reads the driver's errors: a duplicate key is an IntegrityError with its SQLSTATE", async () => {
    const err = await engine.execute(insert(items).values({ id: 1, label: 'again' })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IntegrityError)
    expect((err as IntegrityError).code).toBe('23505')
  })
})
