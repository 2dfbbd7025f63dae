/** Types of the ORM: mapped attributes, constructors, relationships, rows of select(Class). */
import { describe, expectTypeOf, test } from 'vitest'
import { type Column, ForeignKey, select, t } from '../../core/index.js'
import {
  type AsyncSession,
  DeclarativeBase,
  mappedColumn,
  type Relationship,
  relationship,
  selectinload,
} from '../../core/orm/index.js'

class Base extends DeclarativeBase {}
class User extends Base.mapped('users', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  name: mappedColumn(t.String(50), { nullable: false }),
  nick: mappedColumn(t.String(50)),
  joined: mappedColumn(t.DateTime()),
}) {
  declare posts: Post[]
  static posts: Relationship<Post> = relationship(() => Post, { backPopulates: 'author' })
  get label(): string {
    return this.name
  }
}
class Post extends Base.mapped('posts', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  authorId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => User.c.id) }),
  parentId: mappedColumn(t.Integer, { foreignKey: new ForeignKey((): Column<any, any> => Post.c.id) }),
}) {
  declare author: User | null
  static author: Relationship<User> = relationship(() => User, { backPopulates: 'posts' })
}

describe('mapped classes', () => {
  test('instances have typed column attributes, relationships and the class members', () => {
    const u = new User({ name: 'a' })
    expectTypeOf(u.id).toEqualTypeOf<number>()
    expectTypeOf(u.name).toEqualTypeOf<string>()
    expectTypeOf(u.nick).toEqualTypeOf<string | null>()
    expectTypeOf(u.joined).toEqualTypeOf<Date | null>()
    expectTypeOf(u.posts).toEqualTypeOf<Post[]>()
    expectTypeOf(u.label).toEqualTypeOf<string>()
    expectTypeOf(u.awaitableAttrs.posts).toEqualTypeOf<Promise<Post[]>>()
    expectTypeOf(new Post().author).toEqualTypeOf<User | null>()
  })
  test('the constructor checks column values', () => {
    new User({ name: 'a', nick: null })
    // @ts-expect-error name is a string
    new User({ name: 5 })
  })
  test('class-level columns and the table', () => {
    expectTypeOf(User.c.name.__value).toEqualTypeOf<string>()
    expectTypeOf(User.__table__.name).toEqualTypeOf<'users'>()
    // @ts-expect-error relationships are not columns
    void User.c.posts
  })
})

describe('select of mapped classes', () => {
  test('select(User) rows hold a User; scalars() gives Users', async () => {
    const stmt = select(User).where(User.c.name.eq('a')).options(selectinload(User.posts))
    expectTypeOf<(typeof stmt.__row)[0]>().toEqualTypeOf<User>()
    const session = {} as AsyncSession
    const users = async () => (await session.scalars(stmt)).all()
    expectTypeOf(users).returns.resolves.toEqualTypeOf<User[]>()
  })
  test('select(User, Post.c.id) mixes an object and a column', () => {
    const stmt = select(User, Post.c.id).join(Post)
    expectTypeOf<(typeof stmt.__row)[0]>().toEqualTypeOf<User>()
    expectTypeOf<(typeof stmt.__row)[1]>().toEqualTypeOf<number>()
    expectTypeOf<(typeof stmt.__row)['id']>().toEqualTypeOf<number>()
  })
  test('session.get returns the class or null', () => {
    const session = {} as AsyncSession
    expectTypeOf(session.get(User, 1)).toEqualTypeOf<Promise<User | null>>()
  })
})
