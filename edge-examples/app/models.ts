/**
 * The example app's schema: authors, their posts, and tags (posts <-> tags many-to-many through
 * `post_tags`). Keys are UUIDs made on the client (`crypto.randomUUID()`), so an author, their
 * posts and the post/tag links go to the database in one batch: D1 cannot commit an
 * autoincrement parent together with its children yet.
 *
 * migrations/0001_init.sql is this metadata's SQLite DDL (`npm run examples:migration` writes it;
 * test/examples/migrations.test.ts checks they match).
 */
import { Column, ForeignKey, Index, Table, t, UniqueConstraint } from 'edgealchemy'
import { DeclarativeBase, mappedColumn, mapperArgs, type Relationship, relationship } from 'edgealchemy/orm'

class Base extends DeclarativeBase {}

/** Every table of the app, in the order the migration creates them. */
export const metadata = Base.metadata

const uuid = () => crypto.randomUUID()
let lastNow = 0
/**
 * The time, strictly increasing within an isolate (one more millisecond when the clock has not
 * moved): rows made in one request get distinct createdAt values in the order they were made, so
 * ORDER BY created_at, id (GET, keyset pagination) lists them as the request gave them. workerd's
 * clock stands still while a request computes, so without this they would tie and the random id
 * would decide.
 */
const now = () => {
  lastNow = Math.max(Date.now(), lastNow + 1)
  return new Date(lastNow)
}

export class Author extends Base.mapped(
  'authors',
  {
    id: mappedColumn(t.UUID, { primaryKey: true, default: uuid }),
    name: mappedColumn(t.String(100), { nullable: false }),
    email: mappedColumn(t.String(200), { nullable: false }),
    bio: mappedColumn(t.Text),
    createdAt: mappedColumn(t.DateTime({ timezone: true }), {
      name: 'created_at',
      nullable: false,
      default: now,
    }),
    /** Optimistic concurrency: every UPDATE checks and counts it up (a lost race is a StaleDataError). */
    version: mappedColumn(t.Integer, { nullable: false }),
  },
  new UniqueConstraint(['email'], { name: 'uq_authors_email' }),
  new Index('ix_authors_created_at', ['createdAt', 'id']),
) {
  static {
    mapperArgs(this, { versionIdCol: 'version' })
  }
  declare posts: Post[]
  static posts: Relationship<Post> = relationship(() => Post, {
    backPopulates: 'author',
    cascade: 'all, delete-orphan',
    orderBy: () => [Post.c.createdAt, Post.c.id],
  })
}

export class Post extends Base.mapped(
  'posts',
  {
    id: mappedColumn(t.UUID, { primaryKey: true, default: uuid }),
    authorId: mappedColumn(t.UUID, {
      name: 'author_id',
      nullable: false,
      foreignKey: new ForeignKey(() => Author.c.id, { onDelete: 'CASCADE' }),
    }),
    title: mappedColumn(t.String(200), { nullable: false }),
    body: mappedColumn(t.Text, { nullable: false, default: '' }),
    createdAt: mappedColumn(t.DateTime({ timezone: true }), {
      name: 'created_at',
      nullable: false,
      default: now,
    }),
  },
  new Index('ix_posts_author_id', ['authorId']),
  new Index('ix_posts_created_at', ['createdAt', 'id']),
) {
  declare author: Author
  static author: Relationship<Author> = relationship(() => Author, { backPopulates: 'posts' })
  declare tags: Tag[]
  static tags: Relationship<Tag> = relationship(() => Tag, {
    secondary: () => postTags,
    backPopulates: 'posts',
    orderBy: () => [Tag.c.name],
  })
}

export class Tag extends Base.mapped(
  'tags',
  {
    id: mappedColumn(t.UUID, { primaryKey: true, default: uuid }),
    name: mappedColumn(t.String(50), { nullable: false }),
  },
  new UniqueConstraint(['name'], { name: 'uq_tags_name' }),
) {
  declare posts: Post[]
  static posts: Relationship<Post> = relationship(() => Post, {
    secondary: () => postTags,
    backPopulates: 'tags',
  })
}

/** The association table of Post.tags / Tag.posts. */
export const postTags = new Table(
  'post_tags',
  metadata,
  {
    postId: new Column(t.UUID, {
      name: 'post_id',
      primaryKey: true,
      foreignKey: new ForeignKey(() => Post.c.id, { onDelete: 'CASCADE' }),
    }),
    tagId: new Column(t.UUID, {
      name: 'tag_id',
      primaryKey: true,
      foreignKey: new ForeignKey(() => Tag.c.id, { onDelete: 'CASCADE' }),
    }),
  },
  new Index('ix_post_tags_tag_id', ['tagId']),
)
