/**
 * ORM loaders: selectinload, joinedload and jsonload on every relationship kind, joinedload
 * under LIMIT, jsonload against selectinload (same objects, same values, one statement),
 * relationship orderBy, loadOnly/defer/undefer, noload, containsEager, default strategies, and
 * the refusals.
 */
import {
  ArgumentError,
  createAsyncEngine,
  InvalidRequestError,
  NotLoadedError,
  select,
} from '../../core/index.js'
import {
  AsyncSession,
  containsEager,
  defer,
  inspect,
  joinedload,
  jsonload,
  type LoaderOption,
  loadOnly,
  noload,
  selectinload,
  undefer,
} from '../../core/orm/index.js'
import { caught, insertRows } from './helpers.js'
import { Attachment, Blog, BlogPost, BlogTag, blogPostTags, TreeNode } from './orm-schema.js'
import { missingReason } from './requirements.js'
import type { Requirement, Topic } from './types.js'

type Loader = (rel: Parameters<typeof selectinload>[0]) => LoaderOption

/** Every loader, with what it needs of the configuration. */
const LOADERS: readonly (readonly [string, Loader, readonly Requirement[]])[] = [
  ['selectinload', selectinload, []],
  ['joinedload', joinedload, []],
  ['jsonload', jsonload, ['jsonAggregation']],
]

/** Every column value of a post, for comparing loads. */
function valuesOf(post: BlogPost): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const col of BlogPost.__table__.columns)
    out[col.key] = (post as unknown as Record<string, unknown>)[col.key]
  return out
}

/** A post with a value of every kind, varied by `i` (NULLs included). */
function postRow(id: number, blogId: number, i: number): Record<string, unknown> {
  const metas = [null, { i, tags: ['a', i], nested: { ok: true } }, [1, 'two', null], 'just text', 42.5]
  return {
    id,
    blogId,
    title: `post ${i} "quoted" \\ back\nslash ünï ✓ 🚀`,
    rank: i % 7,
    views: i % 3 === 0 ? null : 9007199254740993n + BigInt(i),
    price: i % 4 === 0 ? null : `${i}.${String(i % 100).padStart(2, '0')}`,
    published: i % 3 === 0 ? null : i % 2 === 0,
    createdAt: i % 6 === 0 ? null : new Date(Date.UTC(2024, 1, 29, 23, 59, i % 60, (i * 37) % 1000)),
    day: i % 5 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10}`,
    meta: metas[i % metas.length],
    score: i % 8 === 0 ? null : i / 10,
  }
}

export function ormLoadersTopic(s: Topic): void {
  const { test, expect } = s
  const session = () => new AsyncSession(s.engine, { expireOnCommit: false })

  /** A blog with posts of ranks `ranks` (titles p0, p1...), each post tagged with tags t0..tN. */
  async function seedBlog(
    ranks: readonly number[],
    tagCount = 2,
  ): Promise<{ blog: number; posts: number[] }> {
    const blog = s.nextId()
    const posts = ranks.map(() => s.nextId())
    const tags = Array.from({ length: tagCount }, () => s.nextId())
    await insertRows(s.engine, Blog.__table__, [{ id: blog, name: `blog ${blog}`, bio: 'a long biography' }])
    await insertRows(
      s.engine,
      BlogPost.__table__,
      posts.map((id, i) => ({ id, blogId: blog, title: `p${i}`, rank: ranks[i]! })),
    )
    await insertRows(
      s.engine,
      BlogTag.__table__,
      tags.map((id, i) => ({ id, label: `t${i}` })),
    )
    await insertRows(
      s.engine,
      blogPostTags,
      posts.flatMap((postId) => tags.map((tagId) => ({ postId, tagId }))),
    )
    return { blog, posts }
  }

  /** Runs `fn` with a session on an engine that logs, and counts the SELECTs (and requests) it made. */
  async function counted<T>(fn: (db: AsyncSession) => Promise<T>) {
    const lines: string[] = []
    const engine = createAsyncEngine(s.engine.adapter, { echo: true, logger: (l) => lines.push(l) })
    const db = new AsyncSession(engine, { expireOnCommit: false })
    const before = s.requests()
    let value: T
    try {
      value = await fn(db)
    } finally {
      await db.close()
    }
    const after = s.requests()
    const statements = lines.filter((l) => /^\s*(SELECT|WITH)\b/i.test(l)).length
    return { value, statements, requests: before === undefined ? undefined : after! - before }
  }

  for (const [name, loader, requires] of LOADERS) {
    test(`${name}: one-to-many in the relationship's order, each parent once`, { requires }, async () => {
      const { blog } = await seedBlog([1, 3, 2, 3])
      const db = session()
      const blogs = (
        await db.scalars(select(Blog).where(Blog.c.id.eq(blog)).options(loader(Blog.posts)))
      ).all()
      expect(blogs).toHaveLength(1)
      // orderBy rank DESC, then the key: p1 and p3 tie on rank 3
      expect(blogs[0]!.posts.map((p) => p.title)).toEqual(['p1', 'p3', 'p2', 'p0'])
      expect(blogs[0]!.posts[0]!.blog).toBe(blogs[0])
      expect(db.dirty.size).toBe(0)
      await db.close()
    })

    test(`${name}: many-to-one`, { requires }, async () => {
      const { blog, posts } = await seedBlog([1, 2])
      const db = session()
      const loaded = (
        await db.scalars(
          select(BlogPost)
            .where(BlogPost.c.blogId.eq(blog))
            .orderBy(BlogPost.c.id)
            .options(loader(BlogPost.blog)),
        )
      ).all()
      expect(loaded.map((p) => p.id)).toEqual(posts)
      expect(loaded[0]!.blog.name).toBe(`blog ${blog}`)
      expect(loaded[1]!.blog).toBe(loaded[0]!.blog)
      await db.close()
    })

    test(`${name}: many-to-many through the secondary table`, { requires }, async () => {
      const { blog } = await seedBlog([1, 2], 3)
      const db = session()
      const posts = (
        await db.scalars(
          select(BlogPost)
            .where(BlogPost.c.blogId.eq(blog))
            .orderBy(BlogPost.c.id)
            .options(loader(BlogPost.tags)),
        )
      ).all()
      expect(posts).toHaveLength(2)
      expect(posts.map((p) => p.tags.map((t) => t.label))).toEqual([
        ['t0', 't1', 't2'],
        ['t0', 't1', 't2'],
      ])
      expect(posts[0]!.tags[0]).toBe(posts[1]!.tags[0])
      await db.close()
    })

    test(`${name}: a self-referential tree, two levels and the way back up`, { requires }, async () => {
      const db = session()
      const root = new TreeNode({ name: 'root' })
      const a = new TreeNode({ name: 'a', parent: root })
      new TreeNode({ name: 'a1', parent: a })
      new TreeNode({ name: 'b', parent: root })
      db.add(root)
      await db.commit()
      db.expungeAll()
      const [r] = (
        await db.scalars(
          select(TreeNode)
            .where(TreeNode.c.id.eq(root.id))
            .options(loader(TreeNode.children).selectinload(TreeNode.children)),
        )
      ).all()
      expect(r!.children.map((c) => c.name).sort()).toEqual(['a', 'b'])
      const ra = r!.children.find((c) => c.name === 'a')!
      expect(ra.children.map((c) => c.name)).toEqual(['a1'])
      expect(ra.parent).toBe(r)
      db.expungeAll()
      const [leaf] = (
        await db.scalars(
          select(TreeNode)
            .where(TreeNode.c.name.eq('a1'))
            .where(TreeNode.c.parentId.eq(a.id))
            .options(loader(TreeNode.parent)),
        )
      ).all()
      expect(leaf!.parent!.name).toBe('a')
      await db.close()
    })
  }

  test('joinedload with limit/offset counts parents, not joined rows', async () => {
    const blogs = [await seedBlog([1, 2, 3, 4]), await seedBlog([1, 2, 3, 4]), await seedBlog([5, 6, 7])]
    const ids = blogs.map((b) => b.blog)
    const db = session()
    const page = (
      await db.scalars(
        select(Blog)
          .where(Blog.c.id.in(ids))
          .orderBy(Blog.c.id.desc())
          .limit(2)
          .offset(1)
          .options(joinedload(Blog.posts).joinedload(BlogPost.tags)),
      )
    ).all()
    expect(page.map((b) => b.id)).toEqual([ids[1], ids[0]])
    expect(page.map((b) => b.posts.length)).toEqual([4, 4])
    expect(page[0]!.posts.map((p) => p.title)).toEqual(['p3', 'p2', 'p1', 'p0'])
    expect(page[0]!.posts[0]!.tags.map((t) => t.label)).toEqual(['t0', 't1'])
    await db.close()
  })

  test('chained and mixed loaders reach the same objects', async () => {
    const { blog } = await seedBlog([1, 2], 2)
    const chains: LoaderOption[] = [
      joinedload(Blog.posts).selectinload(BlogPost.tags),
      selectinload(Blog.posts).joinedload(BlogPost.tags),
      joinedload(Blog.posts).joinedload(BlogPost.tags),
    ]
    if (missingReason('jsonAggregation', s.config) === undefined)
      chains.push(
        jsonload(Blog.posts).jsonload(BlogPost.tags),
        joinedload(Blog.posts).jsonload(BlogPost.tags),
        jsonload(Blog.posts).selectinload(BlogPost.tags),
        selectinload(Blog.posts).jsonload(BlogPost.tags),
      )
    for (const chain of chains) {
      const db = session()
      const [b] = (await db.scalars(select(Blog).where(Blog.c.id.eq(blog)).options(chain))).all()
      expect(b!.posts.map((p) => [p.title, p.tags.map((t) => t.label)])).toEqual([
        ['p1', ['t0', 't1']],
        ['p0', ['t0', 't1']],
      ])
      expect(b!.posts[0]!.tags[0]).toBe(b!.posts[1]!.tags[0])
      await db.close()
    }
  })

  test('jsonload gives the objects and values selectinload gives, for 100 posts, in one statement', {
    requires: ['jsonAggregation'],
    timeout: 60_000,
  }, async () => {
    const blog = s.nextId()
    await insertRows(s.engine, Blog.__table__, [{ id: blog, name: 'hundred', bio: null }])
    await insertRows(
      s.engine,
      BlogPost.__table__,
      Array.from({ length: 100 }, (_, i) => postRow(s.nextId(), blog, i)),
    )
    const load = (option: LoaderOption) =>
      counted(async (db) => {
        const blogs = (await db.scalars(select(Blog).where(Blog.c.id.eq(blog)).options(option))).all()
        return { count: blogs.length, posts: blogs[0]!.posts.map(valuesOf) }
      })
    const viaSelectin = await load(selectinload(Blog.posts))
    const viaJoined = await load(joinedload(Blog.posts))
    const viaJson = await load(jsonload(Blog.posts))
    expect(viaSelectin.value.posts).toHaveLength(100)
    expect(viaJson.value).toEqual(viaSelectin.value)
    expect(viaJoined.value).toEqual(viaSelectin.value)
    expect([viaSelectin.statements, viaJoined.statements, viaJson.statements]).toEqual([2, 1, 1])
    if (viaJson.requests !== undefined && s.config.capabilities.batchRoundTrips === 'one')
      expect([viaSelectin.requests, viaJoined.requests, viaJson.requests]).toEqual([2, 1, 1])
  })

  test('related objects go through the identity map: one object per row, loaded values kept', {
    requires: ['jsonAggregation'],
  }, async () => {
    const { blog, posts } = await seedBlog([1, 2])
    for (const loader of [joinedload, jsonload]) {
      const db = new AsyncSession(s.engine, { expireOnCommit: false, autoflush: false })
      const first = (await db.get(BlogPost, posts[0]))!
      first.title = 'changed in memory'
      const [b] = (await db.scalars(select(Blog).where(Blog.c.id.eq(blog)).options(loader(Blog.posts)))).all()
      expect(b!.posts).toContain(first)
      expect(first.title).toBe('changed in memory')
      expect(inspect(first).modifiedAttributes).toEqual(['title'])
      await db.close()
    }
  })

  test('relationship orderBy is used by awaitableAttrs and refresh too', async () => {
    const { blog } = await seedBlog([2, 9, 5])
    const db = session()
    const b = (await db.get(Blog, blog))!
    expect((await b.awaitableAttrs.posts).map((p) => p.rank)).toEqual([9, 5, 2])
    await db.refresh(b, ['posts'])
    expect(b.posts.map((p) => p.rank)).toEqual([9, 5, 2])
    await db.close()
  })

  test('loadOnly, defer and undefer choose the columns; the key always loads', async () => {
    const { blog } = await seedBlog([1])
    const db = session()
    const only = (
      await db.scalars(select(Blog).where(Blog.c.id.eq(blog)).options(loadOnly(Blog.c.name)))
    ).one()
    expect([only.id, only.name]).toEqual([blog, `blog ${blog}`])
    expect(inspect(only).unloaded).toEqual(['bio', 'posts'])
    expect(() => only.bio).toThrow(NotLoadedError)
    await db.refresh(only, ['bio'])
    expect(only.bio).toBe('a long biography')
    db.expungeAll()
    const deferred = (
      await db.scalars(select(Blog).where(Blog.c.id.eq(blog)).options(defer(Blog.c.bio)))
    ).one()
    expect(deferred.name).toBe(`blog ${blog}`)
    expect(() => deferred.bio).toThrow(NotLoadedError)
    expect(await deferred.awaitableAttrs.bio).toBe('a long biography')
    db.expungeAll()
    const both = (
      await db.scalars(
        select(Blog).where(Blog.c.id.eq(blog)).options(loadOnly(Blog.c.name), undefer(Blog.c.bio)),
      )
    ).one()
    expect(both.bio).toBe('a long biography')
    db.expungeAll()
    const [nested] = (
      await db.scalars(
        select(Blog)
          .where(Blog.c.id.eq(blog))
          .options(selectinload(Blog.posts).loadOnly(BlogPost.c.title), defer(Blog.c.bio)),
      )
    ).all()
    expect(nested!.posts[0]!.title).toBe('p0')
    expect(() => nested!.posts[0]!.rank).toThrow(NotLoadedError)
    await db.close()
  })

  test('loadOnly inside jsonload and joinedload', { requires: ['jsonAggregation'] }, async () => {
    const { blog } = await seedBlog([1, 4])
    for (const loader of [jsonload, joinedload]) {
      const db = session()
      const [b] = (
        await db.scalars(
          select(Blog).where(Blog.c.id.eq(blog)).options(loader(Blog.posts).loadOnly(BlogPost.c.title)),
        )
      ).all()
      expect(b!.posts.map((p) => p.title)).toEqual(['p1', 'p0'])
      expect(() => b!.posts[0]!.views).toThrow(NotLoadedError)
      await db.close()
    }
  })

  test('noload leaves a relationship empty without a query; lazy noload too', async () => {
    const { blog, posts } = await seedBlog([1, 2])
    const { value, statements } = await counted(async (db) => {
      const b = (await db.scalars(select(Blog).where(Blog.c.id.eq(blog)).options(noload(Blog.posts)))).one()
      const post = (
        await db.scalars(select(BlogPost).where(BlogPost.c.id.eq(posts[0]!)).options(noload(BlogPost.blog)))
      ).one()
      const tag = (await db.scalars(select(BlogTag).limit(1))).one()
      return { posts: b.posts, blog: post.blog, tagPosts: tag.posts, lazy: await tag.awaitableAttrs.posts }
    })
    expect(value).toEqual({ posts: [], blog: null, tagPosts: [], lazy: [] })
    expect(statements).toBe(3)
  })

  test("lazy: 'joined' joins a many-to-one into every query of the class", async () => {
    const { posts } = await seedBlog([1])
    const attachment = s.nextId()
    await insertRows(s.engine, Attachment.__table__, [
      { id: attachment, postId: posts[0], name: 'a', data: null },
    ])
    const { value, statements } = await counted(async (db) => {
      const att = (await db.scalars(select(Attachment).where(Attachment.c.id.eq(attachment)))).one()
      return inspect(att).unloaded.includes('post') ? null : att.post.title
    })
    expect(value).toBe('p0')
    expect(statements).toBe(1)
  })

  test('containsEager fills a collection from the statement’s own join, as filtered', async () => {
    const { blog } = await seedBlog([1, 2, 3])
    const db = session()
    const byRelationship = (
      await db.scalars(
        select(Blog)
          .join(Blog.posts)
          .where(Blog.c.id.eq(blog))
          .where(BlogPost.c.rank.ge(2))
          .options(containsEager(Blog.posts)),
      )
    ).all()
    expect(byRelationship).toHaveLength(1)
    expect(byRelationship[0]!.posts.map((p) => p.title)).toEqual(['p1', 'p2'])
    db.expungeAll()
    const pairs = (
      await db.execute(
        select(Blog, BlogPost)
          .join(BlogPost)
          .where(Blog.c.id.eq(blog))
          .where(BlogPost.c.rank.le(2))
          .orderBy(BlogPost.c.rank)
          .options(containsEager(Blog.posts)),
      )
    ).all()
    expect(pairs.map((r) => r[1].title)).toEqual(['p0', 'p1'])
    expect(pairs[0]![0].posts).toEqual([pairs[0]![1], pairs[1]![1]])
    db.expungeAll()
    const p = BlogPost.__table__.alias('p')
    const [aliased] = (
      await db.scalars(
        select(Blog)
          .join(p, p.c.blogId!.eq(Blog.c.id))
          .where(Blog.c.id.eq(blog))
          .where(p.c.rank!.eq(3))
          .options(containsEager(Blog.posts, { alias: p })),
      )
    ).all()
    expect(aliased!.posts.map((x) => x.title)).toEqual(['p2'])
    await db.close()
  })

  test('jsonload refuses binary columns, naming selectinload; deferring them works', {
    requires: ['jsonAggregation'],
  }, async () => {
    const { posts } = await seedBlog([1])
    await insertRows(s.engine, Attachment.__table__, [
      { id: s.nextId(), postId: posts[0], name: 'bin', data: new Uint8Array([0, 1, 255]) },
    ])
    const db = session()
    const stmt = select(BlogPost).where(BlogPost.c.id.eq(posts[0]!))
    const err = await caught(db.scalars(stmt.options(jsonload(BlogPost.attachments))))
    expect(err).toBeInstanceOf(ArgumentError)
    expect(err.message).toMatch(/binary/)
    expect(err.message).toMatch(/selectinload\(BlogPost\.attachments\)/)
    const [post] = (
      await db.scalars(stmt.options(jsonload(BlogPost.attachments).defer(Attachment.c.data)))
    ).all()
    expect(post!.attachments.map((a) => a.name)).toEqual(['bin'])
    expect(await post!.attachments[0]!.awaitableAttrs.data).toEqual(new Uint8Array([0, 1, 255]))
    await db.close()
  })

  test('jsonload and column options stream: each chunk comes with its children', {
    requires: ['streaming', 'jsonAggregation'],
  }, async () => {
    const seeded = [await seedBlog([1, 2]), await seedBlog([3]), await seedBlog([])]
    const db = session()
    const stream = await db.stream(
      select(Blog)
        .where(Blog.c.id.in(seeded.map((b) => b.blog)))
        .orderBy(Blog.c.id)
        .options(jsonload(Blog.posts).selectinload(BlogPost.tags), defer(Blog.c.bio)),
      { chunkSize: 2 },
    )
    const seen: [string, string[], string[]][] = []
    for await (const b of stream.scalars())
      seen.push([b.name, b.posts.map((p) => p.title), b.posts.flatMap((p) => p.tags.map((t) => t.label))])
    expect(seen).toEqual([
      [`blog ${seeded[0]!.blog}`, ['p1', 'p0'], ['t0', 't1', 't0', 't1']],
      [`blog ${seeded[1]!.blog}`, ['p0'], ['t0', 't1']],
      [`blog ${seeded[2]!.blog}`, [], []],
    ])
    await db.close()
  })

  test('options that cannot apply are refused before anything is sent', async () => {
    const db = session()
    const wrongRoot = await caught(db.scalars(select(Blog).options(selectinload(BlogPost.tags))))
    expect(wrongRoot).toBeInstanceOf(ArgumentError)
    expect(wrongRoot.message).toMatch(/does not apply/)
    const notOfClass = await caught(
      db.scalars(select(Blog).options(selectinload(Blog.posts).selectinload(Blog.posts))),
    )
    expect(notOfClass.message).toMatch(/not a relationship of BlogPost/)
    const inJson = await caught(
      db.scalars(select(Blog).options(jsonload(Blog.posts).joinedload(BlogPost.tags))),
    )
    expect(inJson).toBeInstanceOf(ArgumentError)
    expect(inJson.message).toMatch(/jsonload or selectinload/)
    const streamed = await caught(db.stream(select(Blog).options(joinedload(Blog.posts))))
    expect(streamed).toBeInstanceOf(InvalidRequestError)
    await db.close()
  })
}
