/**
 * The mapped classes of the ORM topics, on their own declarative base (tables `ea_orm_*`).
 * @module
 */
import { Column, ForeignKey, Table, t } from '../../core/index.js'
import {
  DeclarativeBase,
  mappedColumn,
  mapperArgs,
  type Relationship,
  relationship,
} from '../../core/orm/index.js'

/** The declarative base of the ORM topics; `OrmBase.metadata.createAll(engine)` makes the tables. */
export class OrmBase extends DeclarativeBase {}

const uuid = () => crypto.randomUUID()

/** Database-generated keys; one-to-many with delete-orphan. */
export class Owner extends OrmBase.mapped('ea_orm_owners', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  name: mappedColumn(t.String(50), { nullable: false }),
  email: mappedColumn(t.String(100), { unique: true }),
  score: mappedColumn(t.Integer, { nullable: false, default: 0 }),
}) {
  declare pets: Pet[]
  declare toys: Toy[]
  static pets: Relationship<Pet> = relationship(() => Pet, {
    backPopulates: 'owner',
    cascade: 'all, delete-orphan',
  })
  static toys: Relationship<Toy> = relationship(() => Toy, { backPopulates: 'owner' })
  get label(): string {
    return `${this.name} <${this.email ?? '-'}>`
  }
}

export class Pet extends OrmBase.mapped('ea_orm_pets', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  ownerId: mappedColumn(t.Integer, { name: 'owner_id', foreignKey: new ForeignKey(() => Owner.c.id) }),
  name: mappedColumn(t.String(50), { nullable: false }),
}) {
  declare owner: Owner | null
  static owner: Relationship<Owner> = relationship(() => Owner, { backPopulates: 'pets' })
}

/** A child without delete-orphan: removing it from the collection nulls its key. */
export class Toy extends OrmBase.mapped('ea_orm_toys', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  ownerId: mappedColumn(t.Integer, { name: 'owner_id', foreignKey: new ForeignKey(() => Owner.c.id) }),
  name: mappedColumn(t.String(50), { nullable: false }),
}) {
  declare owner: Owner | null
  static owner: Relationship<Owner> = relationship(() => Owner, { backPopulates: 'toys' })
}

/** Client-generated keys across three related tables: a commit is one request on batch adapters. */
export class Author extends OrmBase.mapped('ea_orm_authors', {
  id: mappedColumn(t.String(36), { primaryKey: true, default: uuid }),
  name: mappedColumn(t.String(50), { nullable: false }),
}) {
  declare books: Book[]
  static books: Relationship<Book> = relationship(() => Book, {
    backPopulates: 'author',
    cascade: 'all, delete-orphan',
  })
}

export class Book extends OrmBase.mapped('ea_orm_books', {
  id: mappedColumn(t.String(36), { primaryKey: true, default: uuid }),
  authorId: mappedColumn(t.String(36), {
    name: 'author_id',
    nullable: false,
    foreignKey: new ForeignKey(() => Author.c.id, { onDelete: 'CASCADE' }),
  }),
  title: mappedColumn(t.String(100), { nullable: false }),
}) {
  declare author: Author | null
  declare chapters: Chapter[]
  static author: Relationship<Author> = relationship(() => Author, { backPopulates: 'books' })
  static chapters: Relationship<Chapter> = relationship(() => Chapter, {
    backPopulates: 'book',
    cascade: 'all, delete-orphan',
    passiveDeletes: true,
  })
}

export class Chapter extends OrmBase.mapped('ea_orm_chapters', {
  id: mappedColumn(t.String(36), { primaryKey: true, default: uuid }),
  bookId: mappedColumn(t.String(36), {
    name: 'book_id',
    nullable: false,
    foreignKey: new ForeignKey(() => Book.c.id, { onDelete: 'CASCADE' }),
  }),
  n: mappedColumn(t.Integer, { nullable: false }),
}) {
  declare book: Book | null
  static book: Relationship<Book> = relationship(() => Book, { backPopulates: 'chapters' })
}

/** Many-to-many through an association table. */
export const articleTags = new Table('ea_orm_article_tags', OrmBase.metadata, {
  articleId: new Column(t.Integer, {
    name: 'article_id',
    primaryKey: true,
    foreignKey: new ForeignKey(() => Article.c.id),
  }),
  tagId: new Column(t.Integer, {
    name: 'tag_id',
    primaryKey: true,
    foreignKey: new ForeignKey(() => Tag.c.id),
  }),
})

export class Article extends OrmBase.mapped('ea_orm_articles', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  title: mappedColumn(t.String(100), { nullable: false }),
}) {
  declare tags: Tag[]
  static tags: Relationship<Tag> = relationship(() => Tag, {
    secondary: articleTags,
    backPopulates: 'articles',
  })
}

export class Tag extends OrmBase.mapped('ea_orm_tags', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(t.String(50), { nullable: false }),
}) {
  declare articles: Article[]
  static articles: Relationship<Article> = relationship(() => Article, {
    secondary: articleTags,
    backPopulates: 'tags',
  })
}

/** A composite primary key. */
export class Seat extends OrmBase.mapped('ea_orm_seats', {
  room: mappedColumn(t.String(10), { primaryKey: true }),
  n: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  guest: mappedColumn(t.String(50)),
}) {}

/** A self-referential tree (adjacency list). */
export class TreeNode extends OrmBase.mapped('ea_orm_nodes', {
  id: mappedColumn(t.String(36), { primaryKey: true, default: uuid }),
  parentId: mappedColumn(t.String(36), {
    name: 'parent_id',
    foreignKey: new ForeignKey((): Column<any, any> => TreeNode.c.id),
  }),
  name: mappedColumn(t.String(50), { nullable: false }),
}) {
  declare children: TreeNode[]
  declare parent: TreeNode | null
  static children: Relationship<TreeNode> = relationship(() => TreeNode, { backPopulates: 'parent' })
  static parent: Relationship<TreeNode> = relationship(() => TreeNode, {
    backPopulates: 'children',
    remoteSide: () => [TreeNode.c.id],
  })
}

/** Many rows for chunking (5,000 in one commit). */
export class Reading extends OrmBase.mapped('ea_orm_readings', {
  id: mappedColumn(t.String(36), { primaryKey: true, default: uuid }),
  batch: mappedColumn(t.String(36), { nullable: false }),
  value: mappedColumn(t.Integer, { nullable: false }),
}) {}

/** Single-table inheritance: one table, the class chosen by the `kind` column. */
export class Staff extends OrmBase.mapped('ea_orm_staff', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  kind: mappedColumn(t.String(20), { nullable: false }),
  name: mappedColumn(t.String(50), { nullable: false }),
  reports: mappedColumn(t.Integer),
  language: mappedColumn(t.String(20)),
}) {
  static {
    mapperArgs(this, { polymorphicOn: 'kind', polymorphicIdentity: 'staff' })
  }
  describe(): string {
    return `staff ${this.name}`
  }
}
export class Manager extends Staff {
  static {
    mapperArgs(this, { polymorphicIdentity: 'manager' })
  }
  override describe(): string {
    return `manager of ${this.reports ?? 0}`
  }
}
export class Engineer extends Staff {
  static {
    mapperArgs(this, { polymorphicIdentity: 'engineer' })
  }
}
export class LeadEngineer extends Engineer {
  static {
    mapperArgs(this, { polymorphicIdentity: 'lead' })
  }
}

/**
 * The loaders topic: a blog whose posts carry a column of every kind the codecs decode, tags
 * (many-to-many) and attachments (binary). Default strategies: an attachment's post is joined,
 * a tag's posts are never loaded.
 */
export class Blog extends OrmBase.mapped('ea_orm_blogs', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(t.String(50), { nullable: false }),
  bio: mappedColumn(t.Text),
}) {
  declare posts: BlogPost[]
  static posts: Relationship<BlogPost> = relationship(() => BlogPost, {
    backPopulates: 'blog',
    orderBy: () => [BlogPost.c.rank.desc()],
  })
}

export class BlogPost extends OrmBase.mapped('ea_orm_blog_posts', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  blogId: mappedColumn(t.Integer, {
    name: 'blog_id',
    nullable: false,
    foreignKey: new ForeignKey(() => Blog.c.id),
  }),
  title: mappedColumn(t.String(100), { nullable: false }),
  rank: mappedColumn(t.Integer, { nullable: false }),
  views: mappedColumn(t.BigInteger),
  price: mappedColumn(t.Numeric(10, 2)),
  published: mappedColumn(t.Boolean),
  createdAt: mappedColumn(t.DateTime(), { name: 'created_at' }),
  day: mappedColumn(t.Date),
  meta: mappedColumn(t.JSON()),
  score: mappedColumn(t.Float),
}) {
  declare blog: Blog
  declare tags: BlogTag[]
  declare attachments: Attachment[]
  static blog: Relationship<Blog> = relationship(() => Blog, { backPopulates: 'posts' })
  static tags: Relationship<BlogTag> = relationship(() => BlogTag, {
    secondary: () => blogPostTags,
    backPopulates: 'posts',
  })
  static attachments: Relationship<Attachment> = relationship(() => Attachment, { backPopulates: 'post' })
}

export class BlogTag extends OrmBase.mapped('ea_orm_blog_tags', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  label: mappedColumn(t.String(30), { nullable: false }),
}) {
  declare posts: BlogPost[]
  static posts: Relationship<BlogPost> = relationship(() => BlogPost, {
    secondary: () => blogPostTags,
    backPopulates: 'tags',
    lazy: 'noload',
  })
}

export const blogPostTags = new Table('ea_orm_blog_post_tags', OrmBase.metadata, {
  postId: new Column(t.Integer, {
    name: 'post_id',
    primaryKey: true,
    foreignKey: new ForeignKey(() => BlogPost.c.id),
  }),
  tagId: new Column(t.Integer, {
    name: 'tag_id',
    primaryKey: true,
    foreignKey: new ForeignKey(() => BlogTag.c.id),
  }),
})

export class Attachment extends OrmBase.mapped('ea_orm_attachments', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  postId: mappedColumn(t.Integer, {
    name: 'post_id',
    nullable: false,
    foreignKey: new ForeignKey(() => BlogPost.c.id),
  }),
  name: mappedColumn(t.String(50), { nullable: false }),
  data: mappedColumn(t.LargeBinary),
}) {
  declare post: BlogPost
  static post: Relationship<BlogPost> = relationship(() => BlogPost, {
    backPopulates: 'attachments',
    lazy: 'joined',
  })
}

/** Rows written in bulk through the session (keys given by the caller). */
export class Gadget extends OrmBase.mapped('ea_orm_gadgets', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  batch: mappedColumn(t.String(36), { nullable: false }),
  label: mappedColumn(t.String(50), { nullable: false }),
  qty: mappedColumn(t.Integer, { nullable: false, default: 0 }),
}) {}

/** A version counter (`versionIdCol`): every UPDATE and DELETE checks it (optimistic concurrency). */
export class Ledger extends OrmBase.mapped('ea_orm_ledgers', {
  id: mappedColumn(t.String(36), { primaryKey: true, default: uuid }),
  owner: mappedColumn(t.String(50), { nullable: false }),
  balance: mappedColumn(t.Integer, { nullable: false }),
  version: mappedColumn(t.Integer, { nullable: false }),
}) {
  static {
    mapperArgs(this, { versionIdCol: 'version' })
  }
}

/**
 * Rows that point to each other (a foreign key cycle): a parent's nullable favorite child, each
 * child's NOT NULL parent. The favorite is written after both rows exist and cleared before they
 * are deleted (SQLAlchemy's post_update).
 */
export class CycleParent extends OrmBase.mapped('ea_orm_cyc_parent', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(t.String(50), { nullable: false }),
  favoriteChildId: mappedColumn(t.Integer, {
    name: 'favorite_child_id',
    foreignKey: new ForeignKey((): Column<any, any> => CycleChild.c.id),
  }),
}) {
  declare children: CycleChild[]
  declare favorite: CycleChild | null
  static children: Relationship<CycleChild> = relationship(() => CycleChild, {
    backPopulates: 'parent',
    cascade: 'all, delete-orphan',
    foreignKeys: () => [CycleChild.c.parentId],
  })
  static favorite: Relationship<CycleChild> = relationship(() => CycleChild, {
    foreignKeys: () => [CycleParent.c.favoriteChildId],
  })
}

export class CycleChild extends OrmBase.mapped('ea_orm_cyc_child', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  parentId: mappedColumn(t.Integer, {
    name: 'parent_id',
    nullable: false,
    foreignKey: new ForeignKey(() => CycleParent.c.id),
  }),
  name: mappedColumn(t.String(50), { nullable: false }),
}) {
  declare parent: CycleParent | null
  static parent: Relationship<CycleParent> = relationship(() => CycleParent, {
    backPopulates: 'children',
    foreignKeys: () => [CycleChild.c.parentId],
  })
}
