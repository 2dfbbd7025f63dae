/**
 * A loader strategy added in one file (per-parent-loader.ts) plus one registration line, used
 * through an option and through `lazy`, loading through embedded libSQL; and an unknown `lazy`
 * name is an ArgumentError naming it, never a silent select-in.
 */
import { describe, expect, it } from 'vitest'
import { ArgumentError, ForeignKey, select, t } from '../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  type LazyStrategy,
  mappedColumn,
  type Relationship,
  relationship,
  selectinload,
} from '../../core/orm/index.js'
import { loadWith } from '../../core/orm/loader-options.js'
import { registerLoadStrategy } from '../../core/orm/loaders/registry.js'
import { Blog, BlogPost, BlogTag, OrmBase } from '../../testing/suite/orm-schema.js'
import { perParent } from './per-parent-loader.js'
import { memoryEngine } from './support.js'

registerLoadStrategy(perParent)

const selects = (log: readonly string[]) => log.filter((l) => l.startsWith('SELECT'))

async function blogs(log: string[]): Promise<AsyncSession> {
  const engine = await memoryEngine(log)
  await OrmBase.metadata.createAll(engine)
  const db = new AsyncSession(engine)
  const tag = new BlogTag({ id: 1, label: 'edge' })
  db.addAll([
    new Blog({
      id: 1,
      name: 'a',
      posts: [
        new BlogPost({ id: 1, title: 'a1', rank: 1, tags: [tag] }),
        new BlogPost({ id: 2, title: 'a2', rank: 2 }),
      ],
    }),
    new Blog({ id: 2, name: 'b', posts: [new BlogPost({ id: 3, title: 'b1', rank: 1, tags: [tag] })] }),
    new Blog({ id: 3, name: 'c' }),
  ])
  await db.commit()
  db.expungeAll()
  log.length = 0
  return db
}

describe('a loader strategy of our own', () => {
  it('loads through an option: one SELECT per parent, options below it applied', async () => {
    const log: string[] = []
    const db = await blogs(log)
    const option = loadWith(Blog.posts, perParent).selectinload(BlogPost.tags)
    const found = (await db.scalars(select(Blog).orderBy(Blog.c.id).options(option))).all()
    expect(found.map((b) => b.posts.map((p) => [p.title, p.tags.map((x) => x.label)]))).toEqual([
      [
        ['a2', []],
        ['a1', ['edge']],
      ],
      [['b1', ['edge']]],
      [],
    ])
    // the blogs, one SELECT of posts per blog, and one select-in of tags per blog's posts
    expect(selects(log)).toHaveLength(1 + 3 + 2)
    expect(selects(log).filter((l) => l.includes('FROM ea_orm_blog_posts WHERE'))).toHaveLength(3)
    await db.close()
  })

  it("loads through a relationship's lazy, by the name it was registered under", async () => {
    class Base extends DeclarativeBase {}
    class Shelf extends Base.mapped('shelves', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
      declare books: Book[]
      static books: Relationship<Book> = relationship(() => Book, {
        lazy: perParent.name as LazyStrategy,
        orderBy: () => [Book.c.id],
      })
    }
    class Book extends Base.mapped('books', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      shelfId: mappedColumn(t.Integer, { name: 'shelf_id', foreignKey: new ForeignKey(() => Shelf.c.id) }),
    }) {}
    const log: string[] = []
    const engine = await memoryEngine(log)
    await Base.metadata.createAll(engine)
    const db = new AsyncSession(engine)
    db.addAll([new Shelf({ id: 1, books: [new Book({ id: 1 }), new Book({ id: 2 })] }), new Shelf({ id: 2 })])
    await db.commit()
    db.expungeAll()
    log.length = 0
    const shelves = (await db.scalars(select(Shelf).orderBy(Shelf.c.id))).all()
    expect(shelves.map((s) => s.books.map((b) => b.id))).toEqual([[1, 2], []])
    expect(selects(log)).toHaveLength(3)
    // an option still wins over the lazy
    db.expungeAll()
    log.length = 0
    await db.scalars(select(Shelf).options(selectinload(Shelf.books)))
    expect(selects(log)).toHaveLength(2)
    await db.close()
  })

  it('names itself in messages by its option name', async () => {
    const db = new AsyncSession(await memoryEngine())
    await expect(db.scalars(select(Blog).options(loadWith(BlogPost.tags, perParent)))).rejects.toThrow(
      /^perParentLoad\(.*\) does not apply to this select/,
    )
    await db.close()
  })

  it('an unknown lazy name is an ArgumentError naming it, not a select-in load', async () => {
    class Base extends DeclarativeBase {}
    class Box extends Base.mapped('boxes', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
      declare items: Item[]
      static items: Relationship<Item> = relationship(() => Item, { lazy: 'sometimes' as LazyStrategy })
    }
    class Item extends Base.mapped('items', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      boxId: mappedColumn(t.Integer, { name: 'box_id', foreignKey: new ForeignKey(() => Box.c.id) }),
    }) {}
    const engine = await memoryEngine()
    await Base.metadata.createAll(engine)
    const db = new AsyncSession(engine)
    const failure = db.scalars(select(Box))
    await expect(failure).rejects.toThrow(ArgumentError)
    await expect(failure).rejects.toThrow(/unknown loader strategy 'sometimes'/)
    await db.close()
  })

  it('a second strategy under a registered name is refused', () => {
    expect(() => registerLoadStrategy({ ...perParent })).toThrow(/already registered/)
    expect(() => registerLoadStrategy(perParent)).not.toThrow()
  })
})
