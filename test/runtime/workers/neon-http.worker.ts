/**
 * A Worker over Neon's HTTP endpoint: `neonHttp(url, { fetchEndpoint })`, one engine per isolate
 * (created on the first request from `env`, reused after). Its fetches leave workerd through
 * miniflare's outbound network to the local server on 127.0.0.1.
 */
import { neonHttp } from '../../../adapters/neon-http/index.js'
import { type AsyncEngine, createAsyncEngine, func, insert, select } from '../../../core/index.js'
import { ormRoute } from './orm-models.js'
import { describeError, describeRow, items } from './tables.js'

interface Env {
  readonly DATABASE_URL: string
  readonly FETCH_ENDPOINT: string
}

let engine: AsyncEngine | undefined
let enginesCreated = 0
let requests = 0

function engineFor(env: Env): AsyncEngine {
  if (engine === undefined) {
    engine = createAsyncEngine(neonHttp(env.DATABASE_URL, { fetchEndpoint: env.FETCH_ENDPOINT }))
    enginesCreated++
  }
  return engine
}

async function handle(url: URL, e: AsyncEngine): Promise<unknown> {
  const name = url.searchParams.get('name') ?? 'x'
  switch (url.pathname) {
    case '/insert': {
      const r = await e.execute(
        insert(items)
          .values({ name, active: true, joined: new Date('2026-01-02T03:04:05.678Z') })
          .returning(items.c.id, items.c.name, items.c.active, items.c.joined),
      )
      return { inserted: r.all().map(describeRow) }
    }
    case '/orm':
      return ormRoute(e, name)
    case '/batch': {
      const joined = new Date('2026-05-06T07:08:09.000Z')
      const second = url.searchParams.has('fail') ? name : `${name}-2`
      try {
        await e.batch([
          insert(items).values({ name, active: false, joined }),
          insert(items).values({ name: second, active: false, joined }),
        ])
        return { ok: true }
      } catch (err) {
        return { ok: false, ...describeError(err) }
      }
    }
    default:
      return {
        count: Number(await e.scalar(select(func.count(items.c.id).label('n')).selectFrom(items))),
      }
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
