/**
 * A Worker over D1 (`env.DB`), as users deploy it: one engine per isolate, created on the first
 * request (it needs the binding) and reused by every later one.
 */
import { type D1DatabaseLike, d1 } from '../../../adapters/d1/index.js'
import { type AsyncEngine, createAsyncEngine, func, insert, select } from '../../../core/index.js'
import { ormRoute } from './orm-models.js'
import { describeError, describeRow, items, metadata } from './tables.js'

interface Env {
  readonly DB: D1DatabaseLike
}

let engine: AsyncEngine | undefined
let enginesCreated = 0
let requests = 0

function engineFor(env: Env): AsyncEngine {
  if (engine === undefined) {
    engine = createAsyncEngine(d1(env.DB))
    enginesCreated++
  }
  return engine
}

const count = async (e: AsyncEngine) =>
  Number(await e.scalar(select(func.count(items.c.id).label('n')).selectFrom(items)))

async function handle(url: URL, e: AsyncEngine): Promise<unknown> {
  const name = url.searchParams.get('name') ?? 'x'
  switch (url.pathname) {
    case '/setup':
      // the schema through the engine itself (the test never calls miniflare's synchronous proxy)
      await metadata.createAll(e)
      return { ok: true }
    case '/insert': {
      const joined = new Date(url.searchParams.get('joined') ?? '2026-01-02T03:04:05.678Z')
      const r = await e.execute(
        insert(items)
          .values({ name, active: url.searchParams.get('active') !== 'false', joined })
          .returning(items.c.id, items.c.name, items.c.active, items.c.joined),
      )
      return { inserted: r.all().map(describeRow) }
    }
    case '/select': {
      const rows = (await e.execute(select(items).where(items.c.name.eq(name)))).all()
      return { rows: rows.map(describeRow) }
    }
    case '/orm':
      return ormRoute(e, name)
    case '/batch': {
      // the second statement fails (same name) when ?fail is given: nothing of the batch remains
      const joined = new Date('2026-05-06T07:08:09.000Z')
      const second = url.searchParams.has('fail') ? name : `${name}-2`
      const before = await count(e)
      try {
        await e.batch([
          insert(items).values({ name, active: true, joined }),
          insert(items).values({ name: second, active: false, joined }),
        ])
        return { ok: true, before, after: await count(e) }
      } catch (err) {
        return { ok: false, before, after: await count(e), ...describeError(err) }
      }
    }
    default:
      return { count: await count(e) }
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    requests++
    try {
      const body = await handle(new URL(request.url), engineFor(env))
      return Response.json({ ...(body as object), enginesCreated, requests })
    } catch (err) {
      return Response.json({ ...describeError(err), enginesCreated, requests }, { status: 500 })
    }
  },
}
