/** ORM loaders: the SQL each loader makes per dialect, and behaviours that need no server. */
import { mkdirSync, rmSync } from 'node:fs'
import { describe, expect, it, onTestFinished } from 'vitest'
import { libsql } from '../../adapters/libsql/node.js'
import type { Dialect } from '../../core/dialects/dialect.js'
import {
  ArgumentError,
  createAsyncEngine,
  ForeignKey,
  func,
  mysql,
  postgresql,
  select,
  sqlite,
  t,
  UnsupportedCapabilityError,
} from '../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  joinedload,
  jsonload,
  loadOnly,
  mappedColumn,
  type Relationship,
  relationship,
} from '../../core/orm/index.js'
import { planOrmSelect } from '../../core/orm/select-plan.js'
import { Blog, BlogPost, BlogTag, OrmBase, TreeNode } from '../../testing/suite/orm-schema.js'
import { memoryEngine } from './support.js'

const sql = (stmt: ReturnType<typeof select>, dialect: Dialect) =>
  planOrmSelect(stmt, dialect)!.statement.compile(dialect).sql

describe('ORM loaders: SQL', () => {
  it('aggregate ORDER BY renders inside the parentheses, also in the emulated FILTER', () => {
    const posts = BlogPost
    const agg = func.json_agg!(posts.c.title).aggregateOrderBy(posts.c.rank.desc())
    expect(select(agg).compile(postgresql).sql).toBe(
      'SELECT json_agg(ea_orm_blog_posts.title ORDER BY ea_orm_blog_posts.rank DESC) FROM ea_orm_blog_posts',
    )
    const filtered = func.group_concat!(posts.c.title).filter(posts.c.rank.gt(1)).aggregateOrderBy(posts.c.id)
    expect(select(filtered).compile(mysql).sql).toContain('END ORDER BY ea_orm_blog_posts.id)')
  })

  it('join(Rel) joins along the relationship; through the secondary table for many-to-many', () => {
    expect(select(Blog).join(Blog.posts).compile(sqlite).sql).toContain(
      'FROM ea_orm_blogs JOIN ea_orm_blog_posts ON ea_orm_blogs.id = ea_orm_blog_posts.blog_id',
    )
    expect(select(BlogPost).outerjoin(BlogPost.tags).compile(sqlite).sql).toContain(
      'LEFT OUTER JOIN ea_orm_blog_post_tags ON ea_orm_blog_posts.id = ea_orm_blog_post_tags.post_id ' +
        'LEFT OUTER JOIN ea_orm_blog_tags ON ea_orm_blog_tags.id = ea_orm_blog_post_tags.tag_id',
    )
    expect(() => select(TreeNode).join(TreeNode.children)).toThrow(/alias/)
  })

  it('joinedload joins an alias; with LIMIT the parents become a subquery ordered outside', () => {
    const stmt = select(Blog).orderBy(Blog.c.name).limit(3).options(joinedload(Blog.posts))
    expect(sql(stmt, postgresql)).toBe(
      'SELECT anon_1.id, anon_1.name, anon_1.bio, ea_orm_blog_posts_1.id AS id_1, ea_orm_blog_posts_1.blog_id AS "blogId", ' +
        'ea_orm_blog_posts_1.title, ea_orm_blog_posts_1.rank, ea_orm_blog_posts_1.views, ea_orm_blog_posts_1.price, ' +
        'ea_orm_blog_posts_1.published, ea_orm_blog_posts_1.created_at AS "createdAt", ea_orm_blog_posts_1.day, ' +
        'ea_orm_blog_posts_1.meta, ea_orm_blog_posts_1.score ' +
        'FROM (SELECT ea_orm_blogs.id, ea_orm_blogs.name, ea_orm_blogs.bio FROM ea_orm_blogs ORDER BY ea_orm_blogs.name LIMIT $1) AS anon_1 ' +
        'LEFT OUTER JOIN ea_orm_blog_posts AS ea_orm_blog_posts_1 ON ea_orm_blog_posts_1.blog_id = anon_1.id ' +
        'ORDER BY anon_1.name, ea_orm_blog_posts_1.rank DESC, ea_orm_blog_posts_1.id',
    )
    // an ORDER BY expression that is not a selected column rides along in the subquery
    const byExpr = select(Blog).orderBy(func.lower!(Blog.c.name)).limit(3).options(joinedload(Blog.posts))
    expect(sql(byExpr, postgresql)).toContain('lower(ea_orm_blogs.name) AS ea_order_1')
    expect(sql(byExpr, postgresql)).toContain('ORDER BY anon_1.ea_order_1,')
    // many-to-one repeats no parent row: no subquery
    expect(sql(select(BlogPost).limit(3).options(joinedload(BlogPost.blog)), sqlite)).not.toContain('anon_1')
  })

  it('with GROUP BY or DISTINCT the parents go in a subquery before the join', () => {
    const grouped = select(Blog).groupBy(Blog.c.id, Blog.c.name, Blog.c.bio).options(joinedload(Blog.posts))
    expect(sql(grouped, postgresql)).toContain(
      'GROUP BY ea_orm_blogs.id, ea_orm_blogs.name, ea_orm_blogs.bio) AS anon_1',
    )
    expect(sql(select(Blog).distinct().options(joinedload(Blog.posts)), sqlite)).toContain(
      'FROM (SELECT DISTINCT ea_orm_blogs.id',
    )
  })

  it('a self-referential joinedload joins the table to an alias of itself', () => {
    expect(sql(select(TreeNode).options(joinedload(TreeNode.children)), sqlite)).toContain(
      'FROM ea_orm_nodes LEFT OUTER JOIN ea_orm_nodes AS ea_orm_nodes_1 ON ea_orm_nodes_1.parent_id = ea_orm_nodes.id',
    )
  })

  it('jsonload: one correlated JSON array per dialect, values shaped for their codecs', () => {
    const stmt = select(Blog).options(
      jsonload(Blog.posts).loadOnly(BlogPost.c.views, BlogPost.c.price, BlogPost.c.day),
    )
    expect(sql(stmt, postgresql)).toContain(
      '(SELECT json_agg(json_build_array(ea_orm_blog_posts_1.id, CAST(ea_orm_blog_posts_1.views AS TEXT), ' +
        'CAST(ea_orm_blog_posts_1.price AS TEXT), ea_orm_blog_posts_1.day) ' +
        'ORDER BY ea_orm_blog_posts_1.rank DESC, ea_orm_blog_posts_1.id) ' +
        'FROM ea_orm_blog_posts AS ea_orm_blog_posts_1 WHERE ea_orm_blog_posts_1.blog_id = ea_orm_blogs.id)',
    )
    expect(sql(stmt, sqlite)).toContain(
      'json_group_array(json_array(ea_orm_blog_posts_1.id, CAST(ea_orm_blog_posts_1.views AS TEXT), ' +
        'ea_orm_blog_posts_1.price, ea_orm_blog_posts_1.day) ORDER BY',
    )
    // MySQL 8 takes no ORDER BY in JSON_ARRAYAGG: the ordering values ride in each element
    expect(sql(stmt, mysql)).toContain(
      'json_arrayagg(json_array(ea_orm_blog_posts_1.id, CAST(ea_orm_blog_posts_1.views AS CHAR), ' +
        'CAST(ea_orm_blog_posts_1.price AS CHAR), CAST(ea_orm_blog_posts_1.day AS CHAR), ' +
        'ea_orm_blog_posts_1.rank, ea_orm_blog_posts_1.id))',
    )
  })

  it('jsonload is refused where the dialect has no JSON aggregation, naming selectinload', () => {
    const other = Object.assign(Object.create(Object.getPrototypeOf(sqlite)), sqlite, {
      name: 'other',
      jsonAggregation: undefined,
    })
    expect(() => planOrmSelect(select(Blog).options(jsonload(Blog.posts)), other)).toThrow(
      UnsupportedCapabilityError,
    )
    expect(() => planOrmSelect(select(Blog).options(jsonload(Blog.posts)), other)).toThrow(
      /selectinload\(Blog\.posts\)/,
    )
  })

  it('column options take columns of the class at the end of the path', () => {
    expect(() => planOrmSelect(select(Blog).options(loadOnly(BlogPost.c.title)), sqlite)).toThrow(
      ArgumentError,
    )
    expect(() =>
      planOrmSelect(select(Blog).options(joinedload(Blog.posts).loadOnly(Blog.c.name)), sqlite),
    ).toThrow(/not a column of BlogPost/)
  })
})

describe('ORM loaders: behaviour', () => {
  it('unique() of an ORM result keeps distinct objects (by identity)', async () => {
    const engine = await memoryEngine()
    await OrmBase.metadata.createAll(engine)
    const db = new AsyncSession(engine)
    db.addAll([new Blog({ id: 1, name: 'a' }), new Blog({ id: 2, name: 'b' })])
    await db.commit()
    expect((await db.execute(select(Blog))).unique().scalars().all()).toHaveLength(2)
    expect((await db.execute(select(Blog, Blog.c.name))).unique().all()).toHaveLength(2)
  })

  it("a stream loads collections declared lazy: 'joined' with selectinload (chunks cannot split a parent)", async () => {
    class Base extends DeclarativeBase {}
    class Parent extends Base.mapped('parents', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
      declare kids: Kid[]
      static kids: Relationship<Kid> = relationship(() => Kid, { lazy: 'joined' })
    }
    class Kid extends Base.mapped('kids', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      parentId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => Parent.c.id) }),
    }) {}
    // a file: the stream's connection and the select-in loads' are two (':memory:' has one)
    mkdirSync('.tmp', { recursive: true })
    const file = `.tmp/orm-loaders-stream-${process.pid}.db`
    rmSync(file, { force: true })
    const log: string[] = []
    const engine = createAsyncEngine(libsql(`file:${file}`), { echo: true, logger: (l) => log.push(l) })
    onTestFinished(async () => {
      await engine.dispose()
      rmSync(file, { force: true })
    })
    await Base.metadata.createAll(engine)
    const db = new AsyncSession(engine)
    db.addAll([new Parent({ id: 1, kids: [new Kid({ id: 1 }), new Kid({ id: 2 })] }), new Parent({ id: 2 })])
    await db.commit()
    db.expungeAll()
    log.length = 0
    expect((await db.scalars(select(Parent).orderBy(Parent.c.id))).all().map((p) => p.kids.length)).toEqual([
      2, 0,
    ])
    expect(log).toHaveLength(1)
    db.expungeAll()
    const counts: number[] = []
    for await (const p of (await db.stream(select(Parent).orderBy(Parent.c.id), { chunkSize: 1 })).scalars())
      counts.push(p.kids.length)
    expect(counts).toEqual([2, 0])
    await expect(db.stream(select(Parent).options(joinedload(Parent.kids)))).rejects.toThrow(
      /cannot be streamed/,
    )
    await db.close()
  })

  it("lazy: 'noload' reads as empty on a loaded object, without a query", async () => {
    const log: string[] = []
    const engine = await memoryEngine(log)
    await OrmBase.metadata.createAll(engine)
    const db = new AsyncSession(engine)
    db.add(new BlogTag({ id: 1, label: 'x' }))
    await db.commit()
    const tag = (await db.get(BlogTag, 1))!
    await db.commit() // expires everything
    log.length = 0
    expect(tag.posts).toEqual([])
    expect(log).toEqual([])
  })
})
