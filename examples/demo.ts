/**
 * The main job (`npm start`): a short tour on embedded libSQL.
 * It creates a schema with our DDL, runs a few statements through the engine and prints the
 * SQL (the engine's echo) and the rows; then maps classes onto the same tables and runs an ORM
 * session whose commit is one atomic batch.
 */
import { libsql } from '../adapters/libsql/node.js'
import {
  Column,
  createAsyncEngine,
  ForeignKey,
  func,
  IntegrityError,
  insert,
  MetaData,
  select,
  Table,
  t,
  update,
} from '../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  type Relationship,
  relationship,
  selectinload,
} from '../core/orm/index.js'

const metadata = new MetaData({
  namingConvention: { fk: 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s' },
})
const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false }),
  email: new Column(t.String(100), { unique: true }),
  active: new Column(t.Boolean, { nullable: false, default: true }),
  joined: new Column(t.DateTime(), { nullable: false, default: () => new Date(Date.UTC(2026, 10, 23)) }),
})
const posts = new Table('posts', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  userId: new Column(t.Integer, {
    name: 'user_id',
    nullable: false,
    foreignKey: new ForeignKey(() => users.c.id, { onDelete: 'CASCADE' }),
  }),
  title: new Column(t.Text, { nullable: false }),
})

const engine = createAsyncEngine(libsql(process.env.DEMO_DATABASE_URL ?? ':memory:'), {
  echo: true,
  logger: (line) => console.log(`  sql> ${line}`),
})

const section = (title: string) => console.log(`\n-- ${title}`)
const show = (rows: unknown[]) => {
  for (const row of rows) console.log('  ', JSON.stringify(row))
}

section('DDL (metadata.createAll)')
await metadata.createAll(engine)

section('insert several users, then posts (one atomic batch)')
await engine.execute(
  insert(users).values([
    { name: 'Ada', email: 'ada@example.com' },
    { name: "Bob O'Brien", email: 'bob@example.com' },
    { name: 'Cyd', email: null },
  ]),
)
await engine.batch([
  insert(posts).values({ userId: 1, title: 'Notes on the Analytical Engine' }),
  insert(posts).values({ userId: 1, title: 'Bernoulli numbers' }),
  insert(posts).values({ userId: 2, title: 'Hello' }),
])

section('update with RETURNING, decoded by declared type (booleans are booleans)')
show(
  (
    await engine.execute(
      update(users)
        .where(users.c.name.eq('Cyd'))
        .values({ active: false })
        .returning(users.c.id, users.c.active),
    )
  ).all(),
)

section('posts per user (join inferred from the foreign key)')
const perUser = select(users.c.name, func.count(posts.c.id).label('posts'))
  .outerjoin(posts)
  .groupBy(users.c.id, users.c.name)
  .orderBy(users.c.id)
show((await engine.execute(perUser)).all())

section('a transaction rolled back after a unique violation')
try {
  await engine.begin(async (conn) => {
    await conn.execute(insert(users).values({ name: 'Eve', email: 'eve@example.com' }))
    await conn.execute(insert(users).values({ name: 'Ada again', email: 'ada@example.com' }))
  })
} catch (err) {
  if (!(err instanceof IntegrityError)) throw err
  console.log(`   ${err.name}: ${err.message}`)
}
console.log('   users now:', await engine.scalar(select(func.count().label('n')).selectFrom(users)))

section('names with an apostrophe, and when they joined')
show(
  (
    await engine.execute(
      select(users.c.id, users.c.name, users.c.joined).where(
        users.c.name.contains("'", { autoescape: true }),
      ),
    )
  ).all(),
)

section('the ORM: classes mapped onto the same tables, one unit of work')
class Base extends DeclarativeBase {}
class User extends Base.mapped(users) {
  declare posts: Post[]
  static posts: Relationship<Post> = relationship(() => Post, {
    backPopulates: 'author',
    cascade: 'all, delete-orphan',
  })
}
class Post extends Base.mapped(posts) {
  declare author: User | null
  static author: Relationship<User> = relationship(() => User, { backPopulates: 'posts' })
}
{
  await using session = new AsyncSession(engine, { expireOnCommit: false })
  const ada = (
    await session.scalars(select(User).where(User.c.name.eq('Ada')).options(selectinload(User.posts)))
  ).one()
  console.log('   Ada wrote:', JSON.stringify(ada.posts.map((p) => p.title)))
  ada.name = 'Ada Lovelace'
  ada.posts.push(new Post({ title: 'Sketch of the Analytical Engine' }))
  console.log(
    `   new post's author: ${ada.posts[2]!.author?.name}; dirty: ${session.dirty.size}, new: ${session.new.size}`,
  )
  await session.commit() // the UPDATE, its guard and the INSERT as one atomic batch
  console.log(`   committed: post ${ada.posts[2]!.id} by user ${ada.posts[2]!.userId}`)
  console.log('   same object from the identity map:', (await session.get(User, ada.id)) === ada)
}

await engine.dispose()
