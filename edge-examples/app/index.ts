/**
 * The example app: a JSON API over authors, posts and tags, written once and served from every
 * runtime (edge-examples/cloudflare, edge-examples/node; Bun, Deno and Vercel's edge runtime call
 * the same `createApp()`).
 *
 * ```
 * GET    /                      what this is, which adapter, the routes
 * GET    /authors?limit&cursor  a page of authors (keyset pagination on created_at, id)
 * POST   /authors               an author with posts and new tags, one commit (one D1 batch)
 * GET    /authors/:id           an author with posts and their tags: one SELECT (jsonload)
 * PATCH  /authors/:id           name, email, bio; `version` for optimistic concurrency
 * DELETE /authors/:id           the author and their posts
 * GET    /posts?limit&cursor&tag&author   posts with author and tags: one SELECT
 * POST   /posts                 a post of an existing author, tagged with existing tags
 * GET    /posts/:id, PATCH /posts/:id (title, body, tags), DELETE /posts/:id
 * GET    /tags                  every tag with its number of posts
 * POST   /tags, DELETE /tags/:id
 * ```
 *
 * Errors are JSON (see errors.ts): 400 invalid input, 404 unknown row or route, 409 unique
 * violation or stale version, 503 tables missing (naming the migration command), 500 otherwise.
 */
import { and, func, or, select } from 'edgealchemy'
import { type OrmSessionVariables, ormSession } from 'edgealchemy/hono'
import { type AsyncSession, asyncSessionmaker, joinedload, jsonload } from 'edgealchemy/orm'
import { type Context, Hono } from 'hono'
import { adapterName, type DatabaseAdapter, type EngineOptions, type Env, engineFor } from './engine.ts'
import { badRequest, conflict, notFound, toHttpError } from './errors.ts'
import { Author, Post, postTags, Tag } from './models.ts'
import {
  type Cursor,
  encodeCursor,
  isId,
  parseAuthorPatch,
  parseCursor,
  parseLimit,
  parseNewAuthor,
  parseNewPostFor,
  parseNewTag,
  parsePostPatch,
} from './validate.ts'

export {
  ADAPTERS,
  ConfigurationError,
  type DatabaseAdapter,
  disposeEngines,
  type EngineOptions,
  type Env,
  engineFor,
} from './engine.ts'
export { toHttpError } from './errors.ts'
export { Author, metadata, Post, postTags, Tag } from './models.ts'

type AppEnv = { Bindings: Env; Variables: OrmSessionVariables }
type C = Context<AppEnv>

/** Options of {@link createApp}: what only the runtime's entry can give (see {@link EngineOptions}). */
export interface AppOptions extends EngineOptions {}

// ---- JSON shapes --------------------------------------------------------------------------------

const tagJson = (t: Tag) => ({ id: t.id, name: t.name })

function postJson(p: Post, withAuthor: boolean) {
  return {
    id: p.id,
    authorId: p.authorId,
    ...(withAuthor ? { author: { id: p.author.id, name: p.author.name } } : {}),
    title: p.title,
    body: p.body,
    createdAt: p.createdAt.toISOString(),
    // by code point whatever the database's collation, so every adapter answers alike
    tags: p.tags.map((t) => t.name).sort(),
  }
}

function authorJson(a: Author, withPosts: boolean) {
  return {
    id: a.id,
    name: a.name,
    email: a.email,
    bio: a.bio,
    createdAt: a.createdAt.toISOString(),
    version: a.version,
    ...(withPosts ? { posts: a.posts.map((p) => postJson(p, false)) } : {}),
  }
}

// ---- helpers ------------------------------------------------------------------------------------

async function readJson(c: C): Promise<unknown> {
  try {
    return await c.req.json()
  } catch {
    throw badRequest([{ path: '', message: 'the body is not valid JSON' }])
  }
}

/** The `:id` of the route: a malformed id names no row (404). */
function idParam(c: C, what: string): string {
  const id = c.req.param('id') ?? ''
  if (!isId(id)) throw notFound(`${what} ${JSON.stringify(id.slice(0, 64))}`)
  return id
}

/** Existing tags by name; an unknown name is a 400 naming it. */
async function existingTags(
  session: AsyncSession,
  names: readonly string[],
  path: string,
): Promise<Map<string, Tag>> {
  const found = new Map<string, Tag>()
  if (names.length === 0) return found
  for (const tag of (await session.scalars(select(Tag).where(Tag.c.name.in(names)))).all())
    found.set(tag.name, tag)
  const missing = names.filter((n) => !found.has(n))
  if (missing.length > 0)
    throw badRequest(
      missing.map((n) => ({
        path,
        message: `no tag named ${JSON.stringify(n)} (create it with POST /tags first)`,
      })),
    )
  return found
}

/** Keyset pagination over (created_at, id): the rows after `cursor`, plus one to know whether more follow. */
function page<T extends { createdAt: Date; id: string }>(rows: T[], limit: number) {
  const more = rows.length > limit
  const items = more ? rows.slice(0, limit) : rows
  const last = items[items.length - 1]
  const nextCursor: string | null =
    more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null
  return { items, nextCursor }
}

function after(cls: typeof Author | typeof Post, cursor: Cursor | undefined) {
  if (cursor === undefined) return undefined
  const { createdAt, id } = cls.c
  return or(createdAt.gt(cursor.createdAt), and(createdAt.eq(cursor.createdAt), id.gt(cursor.id)))
}

// ---- the app ------------------------------------------------------------------------------------

/**
 * The API as a hono app. Call `app.fetch(request, env)` with the runtime's bindings or
 * environment ({@link Env}); Workers do that themselves (`export default app`).
 */
export function createApp(options: AppOptions = {}): Hono<{ Bindings: Env }> {
  const app = new Hono<AppEnv>()
  let adapter: DatabaseAdapter | undefined

  // a session per request; the engine behind it is made on the first request (one per isolate)
  const sessions = ormSession<AppEnv>((c) => {
    adapter = adapterName(c.env)
    // expireOnCommit: false (the session's default too) keeps what a commit wrote readable for the response
    return asyncSessionmaker(engineFor(c.env, options), { expireOnCommit: false })
  })
  // hono's '/authors/*' matches '/authors' too: one pattern per resource, one session per request
  for (const path of ['/authors/*', '/posts/*', '/tags/*']) app.use(path, sessions)

  app.onError((err, c) => {
    const { status, body } = toHttpError(err, adapter ?? safeAdapter(c.env))
    if (status === 500) console.error('request failed:', c.req.method, c.req.path, err)
    return c.json(body, status)
  })
  app.notFound((c) => c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404))

  app.get('/', (c) =>
    c.json({
      name: 'edgealchemy example API',
      database: safeAdapter(c.env) ?? null,
      routes: [
        'GET /authors?limit=&cursor=',
        'POST /authors',
        'GET /authors/:id',
        'PATCH /authors/:id',
        'DELETE /authors/:id',
        'GET /posts?limit=&cursor=&tag=&author=',
        'POST /posts',
        'GET /posts/:id',
        'PATCH /posts/:id',
        'DELETE /posts/:id',
        'GET /tags',
        'POST /tags',
        'DELETE /tags/:id',
      ],
    }),
  )

  // ---- authors ----

  app.get('/authors', async (c) => {
    const limit = parseLimit(c.req.query('limit'))
    const cursor = parseCursor(c.req.query('cursor'))
    let stmt = select(Author)
      .orderBy(Author.c.createdAt, Author.c.id)
      .limit(limit + 1)
    const where = after(Author, cursor)
    if (where !== undefined) stmt = stmt.where(where)
    const { items, nextCursor } = page((await c.get('session').scalars(stmt)).all(), limit)
    return c.json({ items: items.map((a) => authorJson(a, false)), nextCursor })
  })

  app.post('/authors', async (c) => {
    const input = parseNewAuthor(await readJson(c))
    const session = c.get('session')
    // tags this request creates, then the existing ones its posts name
    const newTags = input.tags.map((name) => new Tag({ name }))
    const byName = new Map(newTags.map((t) => [t.name, t]))
    const named = [...new Set(input.posts.flatMap((p) => p.tags))].filter((n) => !byName.has(n))
    for (const [name, tag] of await existingTags(session, named, 'posts[].tags')) byName.set(name, tag)

    const author = new Author({ name: input.name, email: input.email, bio: input.bio })
    for (const p of input.posts) {
      const post = new Post({ title: p.title, body: p.body })
      post.tags.push(...p.tags.map((n) => byName.get(n)!))
      author.posts.push(post)
    }
    session.add(author)
    session.addAll(newTags) // all of them, even a name given twice: the unique constraint decides
    await session.commit() // one atomic write: authors, posts, tags, post_tags (one batch() on D1)
    return c.json(authorJson(author, true), 201, { Location: `/authors/${author.id}` })
  })

  app.get('/authors/:id', async (c) => {
    const id = idParam(c, 'author')
    // the author, their posts and each post's tags in one statement (nested JSON arrays)
    const stmt = select(Author).where(Author.c.id.eq(id)).options(jsonload(Author.posts).jsonload(Post.tags))
    const author = (await c.get('session').scalars(stmt)).first()
    if (author == null) throw notFound(`author ${id}`)
    return c.json(authorJson(author, true))
  })

  app.patch('/authors/:id', async (c) => {
    const id = idParam(c, 'author')
    const patch = parseAuthorPatch(await readJson(c))
    const session = c.get('session')
    const author = await session.get(Author, id)
    if (author === null) throw notFound(`author ${id}`)
    if (patch.version !== undefined && patch.version !== author.version)
      throw conflict(
        `the author is at version ${author.version}, not ${patch.version}: read it again and retry`,
        {
          version: author.version,
        },
      )
    if (patch.name !== undefined) author.name = patch.name
    if (patch.email !== undefined) author.email = patch.email
    if (patch.bio !== undefined) author.bio = patch.bio
    // UPDATE ... WHERE id = ? AND version = <the version read>: a concurrent change is a StaleDataError (409)
    await session.commit()
    return c.json(authorJson(author, false))
  })

  app.delete('/authors/:id', async (c) => {
    const id = idParam(c, 'author')
    const session = c.get('session')
    const author = await session.get(Author, id)
    if (author === null) throw notFound(`author ${id}`)
    await session.delete(author) // loads the posts it cascades to; their post_tags rows go too
    await session.commit()
    return c.body(null, 204)
  })

  // ---- posts ----

  const postsWithAuthorAndTags = () => select(Post).options(joinedload(Post.author), jsonload(Post.tags)) // still one statement

  app.get('/posts', async (c) => {
    const limit = parseLimit(c.req.query('limit'))
    const cursor = parseCursor(c.req.query('cursor'))
    const tag = c.req.query('tag')
    const authorId = c.req.query('author')
    let stmt = postsWithAuthorAndTags()
      .orderBy(Post.c.createdAt, Post.c.id)
      .limit(limit + 1)
    const where = after(Post, cursor)
    if (where !== undefined) stmt = stmt.where(where)
    if (tag !== undefined) stmt = stmt.where(Post.tags.any(Tag.c.name.eq(tag)))
    if (authorId !== undefined) {
      if (!isId(authorId)) throw badRequest([{ path: 'author', message: 'must be an author id' }])
      stmt = stmt.where(Post.c.authorId.eq(authorId))
    }
    const { items, nextCursor } = page((await c.get('session').scalars(stmt)).all(), limit)
    return c.json({ items: items.map((p) => postJson(p, true)), nextCursor })
  })

  app.post('/posts', async (c) => {
    const input = parseNewPostFor(await readJson(c))
    const session = c.get('session')
    const author = await session.get(Author, input.authorId)
    if (author === null) throw badRequest([{ path: 'authorId', message: 'no author with this id' }])
    const tags = await existingTags(session, input.tags, 'tags')
    const post = new Post({ title: input.title, body: input.body })
    post.author = author // sets author_id
    post.tags.push(...input.tags.map((n) => tags.get(n)!))
    session.add(post)
    await session.commit()
    return c.json(postJson(post, true), 201, { Location: `/posts/${post.id}` })
  })

  app.get('/posts/:id', async (c) => {
    const id = idParam(c, 'post')
    const post = (await c.get('session').scalars(postsWithAuthorAndTags().where(Post.c.id.eq(id)))).first()
    if (post == null) throw notFound(`post ${id}`)
    return c.json(postJson(post, true))
  })

  app.patch('/posts/:id', async (c) => {
    const id = idParam(c, 'post')
    const patch = parsePostPatch(await readJson(c))
    const session = c.get('session')
    const post = (await session.scalars(postsWithAuthorAndTags().where(Post.c.id.eq(id)))).first()
    if (post == null) throw notFound(`post ${id}`)
    if (patch.title !== undefined) post.title = patch.title
    if (patch.body !== undefined) post.body = patch.body
    if (patch.tags !== undefined) {
      const tags = await existingTags(session, patch.tags, 'tags')
      post.tags.splice(0, post.tags.length, ...patch.tags.map((n) => tags.get(n)!)) // the link rows follow
    }
    await session.commit()
    return c.json(postJson(post, true))
  })

  app.delete('/posts/:id', async (c) => {
    const id = idParam(c, 'post')
    const session = c.get('session')
    const post = await session.get(Post, id)
    if (post === null) throw notFound(`post ${id}`)
    await session.delete(post)
    await session.commit()
    return c.body(null, 204)
  })

  // ---- tags ----

  app.get('/tags', async (c) => {
    // Core, through the request's session: one grouped SELECT
    const stmt = select(Tag.c.id, Tag.c.name, func.count(postTags.c.postId).label('posts'))
      .outerjoin(postTags)
      .groupBy(Tag.c.id, Tag.c.name)
      .orderBy(Tag.c.name)
    const rows = (await c.get('session').execute(stmt)).all()
    return c.json({ items: rows.map((r) => ({ id: r.id, name: r.name, posts: Number(r.posts) })) })
  })

  app.post('/tags', async (c) => {
    const { name } = parseNewTag(await readJson(c))
    const session = c.get('session')
    const tag = new Tag({ name })
    session.add(tag)
    await session.commit() // a name that exists: IntegrityError (unique), answered 409
    return c.json(tagJson(tag), 201, { Location: `/tags/${tag.id}` })
  })

  app.delete('/tags/:id', async (c) => {
    const id = idParam(c, 'tag')
    const session = c.get('session')
    const tag = await session.get(Tag, id)
    if (tag === null) throw notFound(`tag ${id}`)
    await session.delete(tag)
    await session.commit()
    return c.body(null, 204)
  })

  return app as unknown as Hono<{ Bindings: Env }>
}

/** The adapter `env` selects, or undefined when it selects none (for `GET /` and error bodies). */
function safeAdapter(env: Env | undefined): DatabaseAdapter | undefined {
  try {
    return env === undefined ? undefined : adapterName(env)
  } catch {
    return undefined
  }
}
