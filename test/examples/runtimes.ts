/**
 * What the runtime tests of the examples share (bun.test.ts, deno.test.ts, edge-runtime.test.ts):
 * each starts one runtime as a real process per database configuration, serving the shared app
 * (edge-examples/app) through that runtime's entry, and drives the whole API over HTTP.
 *
 * The databases are the local servers of `edgealchemy/testing/servers`: libSQL over Hrana HTTP
 * (a temporary libSQL file) and Neon's HTTP endpoint (in front of a fresh PostgreSQL database on
 * 127.0.0.1:5432). The tables are made here with the app's MetaData before a runtime starts.
 * Every process runs in its own process group, on a free port, with its output kept for failure
 * messages, and is killed with its group in afterAll.
 */
import { fileURLToPath } from 'node:url'
import { type AsyncEngine, createAsyncEngine, select } from 'edgealchemy'
import { libsql } from 'edgealchemy/libsql'
import { neonHttp } from 'edgealchemy/neon-http'
import {
  type HranaServer,
  type NeonHttpServer,
  startHranaServer,
  startNeonHttpServer,
} from 'edgealchemy/testing/servers'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Author, metadata, Post, Tag } from '../../edge-examples/app/index.ts'
import { freePort, sleep, spawnGroup } from '../support/processes.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = `${ROOT}node_modules/.bin/`

/** How to start one runtime: the command, given the app's environment variables (PORT among them). */
export interface RuntimeSpec {
  /** `bun`, `deno`, `edge-runtime`: the top-level describe is `runtime <name>`. */
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
}

/** A started runtime process serving the app. */
export interface RuntimeProcess {
  readonly label: string
  readonly url: string
  /** Milliseconds from spawn to the first HTTP answer. */
  readonly startupMs: number
  /** Everything the process wrote (stdout and stderr, interleaved), the last 20 000 characters. */
  output(): string
  stop(): Promise<void>
}

/**
 * Spawns a runtime on a free port with exactly `vars` as its app environment (plus PATH, HOME,
 * TMPDIR, DENO_DIR; nothing else of this process's environment leaks in), in a process group of
 * its own, and waits until it answers `GET /` over HTTP.
 */
export async function startRuntime(
  spec: RuntimeSpec,
  label: string,
  vars: Record<string, string>,
): Promise<RuntimeProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const started = performance.now()
  const proc = spawnGroup(
    spec.command,
    spec.args,
    { ...vars, PORT: String(port) },
    {
      cwd: ROOT,
      onSlowExit: () => console.log(`${label} (${spec.name}) did not exit within 5 s of SIGTERM: killed`),
    },
  )
  const { output, exit, stop } = proc
  const describeProcess = () => `${label} (${spec.command} ${spec.args.join(' ')})`

  for (;;) {
    if (exit() !== undefined)
      throw new Error(`${describeProcess()} exited (${exit()}) before answering; its output:\n${output()}`)
    if (performance.now() - started > 30_000) {
      await stop()
      throw new Error(`${describeProcess()} did not answer within 30 s; its output:\n${output()}`)
    }
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) })
      await res.arrayBuffer()
      break
    } catch {
      await sleep(15)
    }
  }
  const startupMs = Math.round(performance.now() - started)
  const said =
    output()
      .split('\n')
      .find((line) => line.includes('listening')) ?? ''
  console.log(
    `runtime ${spec.name}: ${label} process answered ${startupMs} ms after spawn${said && ` (${said.trim()})`}`,
  )
  return { label, url, startupMs, output, stop }
}

/** A fresh PostgreSQL database on 127.0.0.1:5432 (trust auth); `drop()` removes it. */
export async function createPgDatabase(prefix: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `ea_ex_${prefix}_${process.pid}_${Date.now().toString(36)}`
  const admin = async (sql: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  await admin(`CREATE DATABASE ${name}`)
  return { name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

/** A reply of the app: status, headers and the parsed JSON body (`null` when empty). */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: any
}

/** One database configuration the runtime serves, with its server's request counter. */
export interface Target {
  proc: RuntimeProcess
  /** Requests (round trips) the database server has answered so far. */
  requests(): number
  /** An engine of this process on the same database, to look at what is committed. */
  engine: AsyncEngine
}

const TOKEN = 'hrana-example-token-Wq72'

/**
 * The top-level `describe('runtime <name>')` of one runtime: the runtime serves the app over
 * libSQL (Hrana HTTP) and over neon-http (PostgreSQL), each as its own process, plus one over a
 * libSQL database without tables (the 503 answer).
 */
export function describeRuntime(spec: RuntimeSpec): void {
  describe(`runtime ${spec.name}`, () => {
    let hrana: HranaServer | undefined
    let emptyHrana: HranaServer | undefined
    let neon: NeonHttpServer | undefined
    let database: Awaited<ReturnType<typeof createPgDatabase>> | undefined
    const engines: AsyncEngine[] = []
    const processes: RuntimeProcess[] = []
    const targets: Record<'libsql' | 'neon-http', Target | undefined> = {
      libsql: undefined,
      'neon-http': undefined,
    }
    let schemaless: RuntimeProcess | undefined

    beforeAll(async () => {
      // the databases and their tables, made through engines of this process (the app's MetaData)
      hrana = await startHranaServer({ authToken: TOKEN })
      emptyHrana = await startHranaServer({ authToken: TOKEN })
      database = await createPgDatabase(spec.name.replace(/\W/g, ''))
      neon = await startNeonHttpServer()
      const pgUrl = `postgresql://postgres:example-pw@127.0.0.1:5432/${database.name}`
      const libsqlEngine = createAsyncEngine(libsql(hrana.url, { authToken: TOKEN }))
      const neonEngine = createAsyncEngine(neonHttp(pgUrl, { fetchEndpoint: neon.endpoint }))
      engines.push(libsqlEngine, neonEngine)
      await metadata.createAll(libsqlEngine)
      await metadata.createAll(neonEngine)

      // one process per configuration, started one after the other (their start-up times are reported)
      const libsqlProc = await startRuntime(spec, 'libsql', {
        DATABASE_ADAPTER: 'libsql',
        DATABASE_URL: hrana.url,
        DATABASE_AUTH_TOKEN: TOKEN,
      })
      processes.push(libsqlProc)
      const h = hrana
      targets.libsql = { proc: libsqlProc, requests: () => h.requests, engine: libsqlEngine }
      // no DATABASE_ADAPTER: the postgresql: scheme selects neon-http
      const neonProc = await startRuntime(spec, 'neon-http', {
        DATABASE_URL: pgUrl,
        NEON_FETCH_ENDPOINT: neon.endpoint,
      })
      processes.push(neonProc)
      const n = neon
      targets['neon-http'] = { proc: neonProc, requests: () => n.requests, engine: neonEngine }
      schemaless = await startRuntime(spec, 'libsql-without-tables', {
        DATABASE_ADAPTER: 'libsql',
        DATABASE_URL: emptyHrana.url,
        DATABASE_AUTH_TOKEN: TOKEN,
      })
      processes.push(schemaless)
      console.log(
        `runtime ${spec.name}: start-up (spawn to first answer) ` +
          processes.map((p) => `${p.label} ${p.startupMs} ms`).join(', '),
      )
    })

    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()))
      await Promise.all(engines.map((e) => e.dispose()))
      await hrana?.close()
      await emptyHrana?.close()
      await neon?.close()
      await database?.drop()
    })

    for (const adapter of ['libsql', 'neon-http'] as const)
      describe(adapter, () => {
        defineApiTests(adapter, () => {
          const target = targets[adapter]
          if (target === undefined) throw new Error(`the ${adapter} process did not start`)
          return target
        })
      })

    it('answers 503 schema_missing, with the command that creates the tables, when the tables do not exist', async () => {
      const proc = schemaless!
      const list = await call(proc, 'GET', '/authors')
      expectStatus(list, 503, proc)
      expect(list.body).toMatchObject({
        error: 'schema_missing',
        command: expect.stringContaining('migrate'),
      })
      const write = await call(proc, 'POST', '/authors', { name: 'Nobody', email: 'nobody@example.com' })
      expectStatus(write, 503, proc)
      expect(write.body.error).toBe('schema_missing')
      // the error body never carries SQL or the database URL
      expect(JSON.stringify([list.body, write.body])).not.toMatch(/SELECT|INSERT|127\.0\.0\.1|hrana/i)
    })
  })
}

/** Sends a request to a runtime process; `raw` is sent as the body as it is. */
export async function call(
  proc: RuntimeProcess,
  method: string,
  path: string,
  json?: unknown,
  raw?: string,
): Promise<Reply> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(15_000) }
  if (json !== undefined || raw !== undefined) {
    init.body = raw ?? JSON.stringify(json)
    init.headers = { 'content-type': 'application/json' }
  }
  const res = await fetch(`${proc.url}${path}`, init)
  const body = await res.text()
  let parsed: unknown = null
  if (body !== '')
    try {
      parsed = JSON.parse(body)
    } catch {
      parsed = body
    }
  return { status: res.status, headers: res.headers, body: parsed }
}

/** Fails with the reply and the process's output when the status is not `status`. */
export function expectStatus(reply: Reply, status: number, proc: RuntimeProcess): void {
  if (reply.status !== status)
    expect.fail(
      `expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}\n` +
        `--- output of the ${proc.label} process ---\n${proc.output().slice(-4_000)}`,
    )
}

/**
 * The API over HTTP, in order (later tests use what earlier ones wrote): status codes, bodies,
 * the atomic multi-table POST, and the requests each call costs at the database server.
 */
export function defineApiTests(adapter: 'libsql' | 'neon-http', target: () => Target): void {
  const run = Math.random().toString(36).slice(2, 8) // names unique to this run
  const tag = (name: string) => `${name}-${run}`
  let authorId = ''
  let postId = ''
  let secondPostId = ''

  /** Calls the API and returns the reply with the requests it cost at the database server. */
  async function counted(method: string, path: string, json?: unknown, raw?: string) {
    const t = target()
    const before = t.requests()
    const reply = await call(t.proc, method, path, json, raw)
    return { ...reply, cost: t.requests() - before }
  }

  it('GET / describes the API and names the adapter; an unknown route is a JSON 404', async () => {
    const { proc } = target()
    const root = await counted('GET', '/')
    expectStatus(root, 200, proc)
    expect(root.body).toMatchObject({ database: adapter, routes: expect.arrayContaining(['POST /authors']) })
    expect(root.cost).toBe(0)
    const missing = await call(proc, 'GET', '/no/such/route')
    expectStatus(missing, 404, proc)
    expect(missing.body).toMatchObject({ error: 'not_found' })
  })

  it('POST /tags: 201 with a Location, one request; the same name again is 409', async () => {
    const { proc } = target()
    for (const name of ['edge', 'orm', 'spare']) {
      const created = await counted('POST', '/tags', { name: tag(name) })
      expectStatus(created, 201, proc)
      expect(created.body).toEqual({ id: expect.any(String), name: tag(name) })
      expect(created.headers.get('location')).toBe(`/tags/${created.body.id}`)
      expect(created.cost).toBe(1) // the commit: one batch request
    }
    const again = await counted('POST', '/tags', { name: tag('edge') })
    expectStatus(again, 409, proc)
    expect(again.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/tag/) })
    expect(again.cost).toBe(1)
  })

  it('POST /authors writes the author, posts, new tags and their links in one commit: one request', async () => {
    const { proc } = target()
    const created = await counted('POST', '/authors', {
      name: 'Ada Lovelace',
      email: `ada-${run}@example.com`,
      bio: 'first programmer',
      tags: [{ name: tag('math') }, { name: tag('history') }],
      posts: [
        { title: 'Notes', body: 'on the analytical engine', tags: [tag('math')] },
        { title: 'Letters', tags: [tag('history'), tag('math')] },
      ],
    })
    expectStatus(created, 201, proc)
    expect(created.cost).toBe(1) // authors, posts, tags and post_tags in one batch
    authorId = created.body.id
    expect(created.headers.get('location')).toBe(`/authors/${authorId}`)
    expect(created.body).toMatchObject({
      name: 'Ada Lovelace',
      email: `ada-${run}@example.com`,
      bio: 'first programmer',
      version: 1,
      posts: [
        { title: 'Notes', body: 'on the analytical engine', authorId, tags: [tag('math')] },
        { title: 'Letters', body: '', authorId, tags: [tag('history'), tag('math')] },
      ],
    })
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt)
  })

  it('a failing tag insert (an existing name) rolls the whole write back: 409 and no author, post or tag behind', async () => {
    const { proc, engine } = target()
    const email = `ghost-${run}@example.com`
    const failed = await counted('POST', '/authors', {
      name: 'Ghost',
      email,
      tags: [{ name: tag('fresh') }, { name: tag('edge') }], // 'edge' exists: the tags INSERT fails
      posts: [{ title: `Ghost post ${run}`, tags: [tag('fresh')] }],
    })
    expectStatus(failed, 409, proc)
    expect(failed.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/tag/) })
    expect(failed.cost).toBe(1) // one batch, refused as a whole
    // a name given twice in one request: the same, nothing written
    const twice = await counted('POST', '/authors', {
      name: 'Ghost',
      email,
      tags: [{ name: tag('dup') }, { name: tag('dup') }],
    })
    expectStatus(twice, 409, proc)
    expect(twice.cost).toBe(1)

    // through the API ...
    const authors = await call(proc, 'GET', '/authors?limit=100')
    expect(authors.body.items.map((a: { email: string }) => a.email)).not.toContain(email)
    const tags = await call(proc, 'GET', '/tags')
    const names = tags.body.items.map((t: { name: string }) => t.name)
    expect(names).not.toContain(tag('fresh'))
    expect(names).not.toContain(tag('dup'))
    // ... and in the database itself
    expect((await engine.execute(select(Author.c.id).where(Author.c.email.eq(email)))).all()).toEqual([])
    expect(
      (await engine.execute(select(Post.c.id).where(Post.c.title.eq(`Ghost post ${run}`)))).all(),
    ).toEqual([])
    expect((await engine.execute(select(Tag.c.id).where(Tag.c.name.eq(tag('fresh'))))).all()).toEqual([])
  })

  it('400 for bodies and queries the routes do not take, naming each problem', async () => {
    const { proc } = target()
    const bad = await counted('POST', '/authors', { name: '', email: 'not-an-email', posts: [{}], extra: 1 })
    expectStatus(bad, 400, proc)
    expect(bad.body.error).toBe('invalid_request')
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['name', 'email', 'extra', 'posts[0].title']),
    )
    expect(bad.cost).toBe(0) // refused before the database
    const notJson = await call(proc, 'POST', '/tags', undefined, '{"name": ')
    expectStatus(notJson, 400, proc)
    expect(notJson.body).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/JSON/) })
    expectStatus(await call(proc, 'GET', '/authors?limit=0'), 400, proc)
    expectStatus(await call(proc, 'GET', '/authors?limit=abc'), 400, proc)
    expectStatus(await call(proc, 'GET', '/posts?cursor=not-a-cursor'), 400, proc)
    expectStatus(await call(proc, 'GET', '/posts?author=nope'), 400, proc)
  })

  it('GET /authors/:id: the author, posts and tags in one SELECT; 404 for an unknown or malformed id', async () => {
    const { proc } = target()
    const one = await counted('GET', `/authors/${authorId}`)
    expectStatus(one, 200, proc)
    expect(one.cost).toBe(1) // jsonload: one statement
    expect(one.body).toMatchObject({ id: authorId, name: 'Ada Lovelace', version: 1 })
    // both posts were made in one commit: their createdAt may be equal, and then the id decides the order
    const posts: { id: string; title: string; tags: string[] }[] = one.body.posts
    expect(posts.map((p) => [p.title, p.tags]).sort()).toEqual([
      ['Letters', [tag('history'), tag('math')]],
      ['Notes', [tag('math')]],
    ])
    postId = posts.find((p) => p.title === 'Notes')!.id
    const unknown = await call(proc, 'GET', `/authors/${crypto.randomUUID()}`)
    expectStatus(unknown, 404, proc)
    expect(unknown.body).toMatchObject({ error: 'not_found' })
    expectStatus(await call(proc, 'GET', '/authors/not-a-uuid'), 404, proc)
  })

  it('GET /authors pages by (createdAt, id) with limit and an opaque cursor', async () => {
    const { proc } = target()
    for (const i of [1, 2, 3]) {
      const made = await call(proc, 'POST', '/authors', {
        name: `Pager ${i}`,
        email: `pager${i}-${run}@example.com`,
      })
      expectStatus(made, 201, proc)
    }
    const all = await call(proc, 'GET', '/authors?limit=100')
    expectStatus(all, 200, proc)
    expect(all.body.nextCursor).toBeNull()
    const everyone: string[] = all.body.items.map((a: { id: string }) => a.id)
    expect(everyone.length).toBeGreaterThanOrEqual(4)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`
      const page = await counted('GET', `/authors?limit=2${query}`)
      expectStatus(page, 200, proc)
      expect(page.cost).toBe(1)
      expect(page.body.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.items.map((a: { id: string }) => a.id))
      cursor = page.body.nextCursor
      pages++
    } while (cursor !== null && pages < 50)
    expect(seen).toEqual(everyone)
    expect(pages).toBe(Math.ceil(everyone.length / 2))
  })

  it('PATCH /authors/:id bumps the version (read + commit: two requests); a stale version or a taken email is 409', async () => {
    const { proc } = target()
    const patched = await counted('PATCH', `/authors/${authorId}`, { bio: 'mathematician', version: 1 })
    expectStatus(patched, 200, proc)
    expect(patched.body).toMatchObject({ id: authorId, bio: 'mathematician', version: 2 })
    expect(patched.cost).toBe(2) // session.get, then the commit's one batch
    const stale = await call(proc, 'PATCH', `/authors/${authorId}`, { bio: 'lost update', version: 1 })
    expectStatus(stale, 409, proc)
    expect(stale.body).toMatchObject({ error: 'conflict', version: 2 })
    const taken = await call(proc, 'PATCH', `/authors/${authorId}`, { email: `pager1-${run}@example.com` })
    expectStatus(taken, 409, proc)
    expect(taken.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/email/) })
    const dup = await call(proc, 'POST', '/authors', { name: 'Copy', email: `ada-${run}@example.com` })
    expectStatus(dup, 409, proc)
    expectStatus(await call(proc, 'PATCH', `/authors/${crypto.randomUUID()}`, { bio: 'x' }), 404, proc)
    const after = await call(proc, 'GET', `/authors/${authorId}`)
    expect(after.body).toMatchObject({ bio: 'mathematician', version: 2, email: `ada-${run}@example.com` })
  })

  it('POST /posts for an existing author with existing tags; 400 for an unknown author or tag', async () => {
    const { proc } = target()
    const created = await counted('POST', '/posts', {
      authorId,
      title: 'On edge runtimes',
      body: 'hello',
      tags: [tag('edge'), tag('orm')],
    })
    expectStatus(created, 201, proc)
    // the author, the tags, then the commit
    expect(created.cost).toBe(3)
    expect(created.body).toMatchObject({
      authorId,
      author: { id: authorId, name: 'Ada Lovelace' },
      title: 'On edge runtimes',
      tags: [tag('edge'), tag('orm')],
    })
    secondPostId = created.body.id
    const noAuthor = await call(proc, 'POST', '/posts', { authorId: crypto.randomUUID(), title: 'x' })
    expectStatus(noAuthor, 400, proc)
    expect(noAuthor.body.issues).toEqual([expect.objectContaining({ path: 'authorId' })])
    const noTag = await call(proc, 'POST', '/posts', { authorId, title: 'x', tags: [tag('nope')] })
    expectStatus(noTag, 400, proc)
    expect(noTag.body.message).toContain(tag('nope'))
  })

  it('GET /posts filters by tag and author in one SELECT; GET /posts/:id', async () => {
    const { proc } = target()
    const byTag = await counted('GET', `/posts?tag=${encodeURIComponent(tag('math'))}`)
    expectStatus(byTag, 200, proc)
    expect(byTag.cost).toBe(1) // joinedload + jsonload: one statement
    expect(byTag.body.items.map((p: { title: string }) => p.title).sort()).toEqual(['Letters', 'Notes'])
    expect(byTag.body.items[0]).toMatchObject({ author: { id: authorId, name: 'Ada Lovelace' } })
    const byAuthor = await call(proc, 'GET', `/posts?author=${authorId}&limit=100`)
    expect(byAuthor.body.items.map((p: { id: string }) => p.id)).toContain(secondPostId)
    expect(byAuthor.body.items).toHaveLength(3)
    const one = await counted('GET', `/posts/${secondPostId}`)
    expectStatus(one, 200, proc)
    expect(one.cost).toBe(1)
    expect(one.body).toMatchObject({ id: secondPostId, tags: [tag('edge'), tag('orm')] })
    expectStatus(await call(proc, 'GET', `/posts/${crypto.randomUUID()}`), 404, proc)
  })

  it('PATCH /posts/:id replaces title and tags; DELETE /posts/:id is 204, then 404', async () => {
    const { proc } = target()
    const patched = await call(proc, 'PATCH', `/posts/${secondPostId}`, {
      title: 'On edge runtimes (2)',
      tags: [tag('spare')],
    })
    expectStatus(patched, 200, proc)
    expect(patched.body).toMatchObject({ title: 'On edge runtimes (2)', tags: [tag('spare')] })
    const read = await call(proc, 'GET', `/posts/${secondPostId}`)
    expect(read.body).toMatchObject({ title: 'On edge runtimes (2)', tags: [tag('spare')] })
    const deleted = await call(proc, 'DELETE', `/posts/${secondPostId}`)
    expectStatus(deleted, 204, proc)
    expect(deleted.body).toBeNull()
    expectStatus(await call(proc, 'DELETE', `/posts/${secondPostId}`), 404, proc)
  })

  it('GET /tags counts posts per tag (one SELECT); DELETE /tags/:id unlinks it', async () => {
    const { proc } = target()
    const tags = await counted('GET', '/tags')
    expectStatus(tags, 200, proc)
    expect(tags.cost).toBe(1)
    const posts = (name: string) =>
      tags.body.items.find((t: { name: string; posts: number }) => t.name === tag(name))?.posts
    expect([posts('math'), posts('history'), posts('edge'), posts('spare')]).toEqual([2, 1, 0, 0])
    const history = tags.body.items.find((t: { name: string }) => t.name === tag('history'))
    expectStatus(await call(proc, 'DELETE', `/tags/${history.id}`), 204, proc)
    const letters = await call(proc, 'GET', `/authors/${authorId}`)
    expect(letters.body.posts.map((p: { tags: string[] }) => p.tags)).toEqual([[tag('math')], [tag('math')]])
    expectStatus(await call(proc, 'DELETE', `/tags/${history.id}`), 404, proc)
  })

  it('DELETE /authors/:id removes the author and their posts (cascade)', async () => {
    const { proc, engine } = target()
    const deleted = await call(proc, 'DELETE', `/authors/${authorId}`)
    expectStatus(deleted, 204, proc)
    expectStatus(await call(proc, 'GET', `/authors/${authorId}`), 404, proc)
    expectStatus(await call(proc, 'GET', `/posts/${postId}`), 404, proc)
    expect((await engine.execute(select(Post.c.id).where(Post.c.authorId.eq(authorId)))).all()).toEqual([])
    const math = (await call(proc, 'GET', '/tags')).body.items.find(
      (t: { name: string }) => t.name === tag('math'),
    )
    expect(math.posts).toBe(0)
  })
}
