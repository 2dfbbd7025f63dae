/**
 * The whole API over HTTP, for a runtime process serving the app on a database that holds the
 * tables (workerd.test.ts: wrangler dev on local D1; node.test.ts: the Node entry on an embedded
 * libSQL file). The tests run in order and use what earlier ones wrote. `rows(sql)` reads the
 * database itself (not through the app), to check that a failed write left nothing behind.
 *
 * The bun, deno and edge-runtime tests have their own suite in runtimes.ts (over local remote
 * servers, with request counts); this one adds what those databases do not show: D1's one-batch
 * commit and the embedded file, optimistic concurrency under concurrent requests, and the rule
 * that no error body carries SQL.
 */
import { expect, it } from 'vitest'
import { call, expectStatus, type Reply, type RuntimeProcess } from './runtimes.ts'

/** Runs one `SELECT a, b, ...` straight on the database the process serves; gives its row's values. */
export type ReadRow = (sql: string) => Promise<number[]>

export function defineWalkthrough(proc: () => RuntimeProcess, readRow: ReadRow, adapter: string): void {
  /** Counts of several queries, read in one statement: `counts('authors WHERE ...', ...)`. */
  const counts = (...froms: string[]) =>
    readRow(`SELECT ${froms.map((f, i) => `(SELECT count(*) FROM ${f}) AS c${i}`).join(', ')}`)
  const run = Math.random().toString(36).slice(2, 8)
  const tag = (name: string) => `${name}-${run}`
  const errors: Reply[] = [] // every 4xx/5xx body, checked for SQL at the end
  let authorId = ''
  let postId = ''

  async function req(method: string, path: string, json?: unknown, raw?: string): Promise<Reply> {
    const reply = await call(proc(), method, path, json, raw)
    if (reply.status >= 400) errors.push(reply)
    return reply
  }
  async function expectReply(method: string, path: string, status: number, json?: unknown): Promise<Reply> {
    const reply = await req(method, path, json)
    expectStatus(reply, status, proc())
    return reply
  }

  it('GET / names the adapter and lists the routes; an unknown route is a JSON 404', async () => {
    const root = await expectReply('GET', '/', 200)
    expect(root.body).toMatchObject({ database: adapter, routes: expect.arrayContaining(['POST /authors']) })
    const missing = await expectReply('GET', '/nothing/here', 404)
    expect(missing.body).toEqual({ error: 'not_found', message: 'no route GET /nothing/here' })
  })

  it('POST /tags is 201 with a Location; the same name again is 409', async () => {
    for (const name of ['edge', 'orm']) {
      const created = await expectReply('POST', '/tags', 201, { name: tag(name) })
      expect(created.body).toEqual({ id: expect.any(String), name: tag(name) })
      expect(created.headers.get('location')).toBe(`/tags/${created.body.id}`)
    }
    const again = await expectReply('POST', '/tags', 409, { name: tag('edge') })
    expect(again.body).toEqual({
      error: 'conflict',
      message: 'a tag with this name already exists (or the request names it twice)',
    })
  })

  it('POST /authors writes the author, their posts, new tags and the links in one commit', async () => {
    const created = await expectReply('POST', '/authors', 201, {
      name: 'Ada Lovelace',
      email: `ada-${run}@example.com`,
      tags: [{ name: tag('math') }],
      posts: [
        { title: 'Notes', body: 'on the engine', tags: [tag('math'), tag('edge')] },
        { title: 'Letters', tags: [tag('math')] },
      ],
    })
    authorId = created.body.id
    expect(created.headers.get('location')).toBe(`/authors/${authorId}`)
    expect(created.body).toMatchObject({ name: 'Ada Lovelace', bio: null, version: 1 })
    const posts = created.body.posts as { id: string; title: string; tags: string[]; authorId: string }[]
    expect(posts.map((p) => [p.title, p.tags, p.authorId]).sort()).toEqual([
      ['Letters', [tag('math')], authorId],
      ['Notes', [tag('edge'), tag('math')], authorId],
    ])
    postId = posts.find((p) => p.title === 'Notes')!.id
    // read back in a later request: the author, posts and tags in one SELECT (jsonload)
    const read = await expectReply('GET', `/authors/${authorId}`, 200)
    expect(read.body).toEqual(created.body)
  })

  it('a failing tag insert rolls the whole write back: 409, and no author, post or tag is left', async () => {
    const email = `ghost-${run}@example.com`
    // the author and post INSERTs come first in the batch; the existing tag name fails the tags INSERT
    const failed = await expectReply('POST', '/authors', 409, {
      name: 'Ghost',
      email,
      tags: [{ name: tag('fresh') }, { name: tag('edge') }],
      posts: [{ title: `ghost-${run}`, tags: [tag('fresh')] }],
    })
    expect(failed.body.error).toBe('conflict')
    // the same name twice in one request
    await expectReply('POST', '/authors', 409, {
      name: 'Ghost',
      email,
      tags: [{ name: tag('dup') }, { name: tag('dup') }],
    })
    expect(
      await counts(
        `authors WHERE email = '${email}'`,
        `posts WHERE title = 'ghost-${run}'`,
        `tags WHERE name IN ('${tag('fresh')}', '${tag('dup')}')`,
        `authors WHERE email = 'ada-${run}@example.com'`,
      ),
    ).toEqual([0, 0, 0, 1])
  })

  it('400 for input the routes do not take, with every problem listed', async () => {
    const bad = await expectReply('POST', '/authors', 400, {
      name: '',
      email: 'nope',
      posts: [{ tags: 'x' }],
      extra: true,
    })
    expect(bad.body.error).toBe('invalid_request')
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(
      ['email', 'extra', 'name', 'posts[0].tags', 'posts[0].title'].sort(),
    )
    const notJson = await req('POST', '/tags', undefined, '{"name":')
    expectStatus(notJson, 400, proc())
    expect(notJson.body).toEqual({
      error: 'invalid_request',
      message: 'the body is not valid JSON',
      issues: [{ path: '', message: 'the body is not valid JSON' }],
    })
    await expectReply('POST', '/tags', 400, ['not', 'an', 'object'])
    await expectReply('GET', '/authors?limit=101', 400)
    await expectReply('GET', '/posts?cursor=bogus', 400)
    await expectReply('POST', '/posts', 400, { authorId, title: 'x', tags: [tag('unknown')] })
    await expectReply('POST', '/posts', 400, { authorId: crypto.randomUUID(), title: 'x' })
  })

  it('404 for an unknown or malformed id', async () => {
    for (const path of [`/authors/${crypto.randomUUID()}`, '/authors/42', `/posts/${crypto.randomUUID()}`]) {
      const reply = await expectReply('GET', path, 404)
      expect(reply.body.error).toBe('not_found')
    }
    await expectReply('PATCH', `/authors/${crypto.randomUUID()}`, 404, { bio: 'x' })
    await expectReply('DELETE', `/tags/${crypto.randomUUID()}`, 404)
  })

  it('GET /authors pages through every author with limit and cursor', async () => {
    for (const i of [1, 2, 3])
      await expectReply('POST', '/authors', 201, { name: `P${i}`, email: `p${i}-${run}@example.com` })
    const all = (await expectReply('GET', '/authors?limit=100', 200)).body
    expect(all.nextCursor).toBeNull()
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`
      const page = (await expectReply('GET', `/authors?limit=2${query}`, 200)).body
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((a: { id: string }) => a.id))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(seen).toEqual(all.items.map((a: { id: string }) => a.id))
    expect(seen.length).toBeGreaterThanOrEqual(4)
  })

  it('PATCH /authors/:id counts the version up; a stale version or a taken email is 409', async () => {
    const patched = await expectReply('PATCH', `/authors/${authorId}`, 200, {
      bio: 'mathematician',
      version: 1,
    })
    expect(patched.body).toMatchObject({ bio: 'mathematician', version: 2 })
    const stale = await expectReply('PATCH', `/authors/${authorId}`, 409, { bio: 'lost', version: 1 })
    expect(stale.body).toEqual({
      error: 'conflict',
      message: 'the author is at version 2, not 1: read it again and retry',
      version: 2,
    })
    const taken = await expectReply('PATCH', `/authors/${authorId}`, 409, { email: `p1-${run}@example.com` })
    expect(taken.body).toEqual({ error: 'conflict', message: 'an author with this email already exists' })
  })

  it('concurrent PATCHes of one author: each success counts the version once, the others are 409 (StaleDataError)', async () => {
    const before = (await expectReply('GET', `/authors/${authorId}`, 200)).body.version as number
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => req('PATCH', `/authors/${authorId}`, { bio: `writer ${i}` })),
    )
    const statuses = replies.map((r) => r.status)
    for (const r of replies) if (r.status !== 200) expectStatus(r, 409, proc())
    const won = statuses.filter((s) => s === 200).length
    expect(won).toBeGreaterThanOrEqual(1)
    for (const r of replies.filter((r) => r.status === 409)) expect(r.body.error).toBe('conflict')
    const after = (await expectReply('GET', `/authors/${authorId}`, 200)).body
    expect(after.version).toBe(before + won) // no update was lost or counted twice
    console.log(`${adapter}: 8 concurrent PATCHes: ${won} applied, ${8 - won} answered 409`)
  })

  it('POST /posts, GET /posts filtered by tag and author, PATCH and DELETE /posts/:id', async () => {
    const created = await expectReply('POST', '/posts', 201, {
      authorId,
      title: 'Edge',
      tags: [tag('edge'), tag('orm')],
    })
    expect(created.body).toMatchObject({
      author: { id: authorId, name: 'Ada Lovelace' },
      tags: [tag('edge'), tag('orm')],
    })
    const id = created.body.id
    const byTag = (await expectReply('GET', `/posts?tag=${tag('edge')}`, 200)).body
    expect(byTag.items.map((p: { id: string }) => p.id).sort()).toEqual([id, postId].sort())
    const byAuthor = (await expectReply('GET', `/posts?author=${authorId}&limit=1`, 200)).body
    expect(byAuthor.items).toHaveLength(1)
    expect(byAuthor.nextCursor).toEqual(expect.any(String))
    const patched = await expectReply('PATCH', `/posts/${id}`, 200, { title: 'Edge 2', tags: [tag('math')] })
    expect(patched.body).toMatchObject({ title: 'Edge 2', tags: [tag('math')] })
    expect((await expectReply('GET', `/posts/${id}`, 200)).body.tags).toEqual([tag('math')])
    const deleted = await req('DELETE', `/posts/${id}`)
    expect([deleted.status, deleted.body]).toEqual([204, null])
    await expectReply('DELETE', `/posts/${id}`, 404)
    expect(await counts(`posts WHERE id = '${id}'`, `post_tags WHERE post_id = '${id}'`)).toEqual([0, 0])
  })

  it('GET /tags counts posts per tag; DELETE /tags/:id unlinks it from its posts', async () => {
    const tags = (await expectReply('GET', '/tags', 200)).body.items as {
      id: string
      name: string
      posts: number
    }[]
    const byName = (n: string) => tags.find((t) => t.name === tag(n))!
    expect([byName('math').posts, byName('edge').posts, byName('orm').posts]).toEqual([2, 1, 0])
    await expectReply('DELETE', `/tags/${byName('edge').id}`, 204)
    expect((await expectReply('GET', `/posts/${postId}`, 200)).body.tags).toEqual([tag('math')])
  })

  it('DELETE /authors/:id removes the author with their posts and links', async () => {
    await expectReply('DELETE', `/authors/${authorId}`, 204)
    await expectReply('GET', `/authors/${authorId}`, 404)
    await expectReply('GET', `/posts/${postId}`, 404)
    expect(
      await counts(
        `authors WHERE id = '${authorId}'`,
        `posts WHERE author_id = '${authorId}'`,
        `post_tags WHERE post_id = '${postId}'`,
      ),
    ).toEqual([0, 0, 0])
  })

  it('no error body carries SQL, a database URL or a stack', () => {
    expect(errors.length).toBeGreaterThan(15)
    for (const e of errors) {
      expect(Object.keys(e.body)).toEqual(expect.arrayContaining(['error', 'message']))
      expect(JSON.stringify(e.body)).not.toMatch(
        /SELECT |INSERT |UPDATE |DELETE FROM|file:|sqlite_|D1_ERROR|\n\s+at /i,
      )
    }
  })
}
