/**
 * The main job (`npm start`) until the edge examples exist: a short tour on embedded libSQL.
 * It creates a schema with our DDL, runs a few statements and prints the compiled SQL and rows.
 * The engine and adapters come next; here a ten-line runner hands compiled SQL to @libsql/client.
 */
import { createClient } from '@libsql/client'
import {
  type ClauseElement,
  Column,
  type CompiledStatement,
  ForeignKey,
  func,
  insert,
  MetaData,
  type SqlRunner,
  select,
  sqlite,
  Table,
  t,
  update,
} from '../core/index.js'

const metadata = new MetaData({
  namingConvention: { fk: 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s' },
})
const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false }),
  email: new Column(t.String(100), { unique: true }),
  active: new Column(t.Boolean, { nullable: false, default: true }),
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

const client = createClient({ url: process.env.DEMO_DATABASE_URL ?? ':memory:' })
const runner: SqlRunner = {
  dialect: sqlite,
  async runCompiled({ sql, params }: CompiledStatement) {
    const rs = await client.execute({ sql, args: params as never })
    return { rows: rs.rows.map((r) => Array.prototype.slice.call(r)) }
  },
}

async function show(title: string, stmt: ClauseElement): Promise<void> {
  const compiled = sqlite.compile(stmt)
  console.log(`\n-- ${title}\n${compiled.sql}`)
  if (compiled.params.length > 0) console.log(`   params: ${JSON.stringify(compiled.params)}`)
  const { rows } = await runner.runCompiled(compiled)
  for (const row of rows) console.log('  ', JSON.stringify(row))
}

console.log('-- DDL (metadata.createAll)')
await metadata.createAll({
  dialect: sqlite,
  runCompiled: (c) => {
    console.log(c.sql)
    return runner.runCompiled(c)
  },
})

await show(
  'insert several users',
  insert(users).values([
    { name: 'Ada', email: 'ada@example.com' },
    { name: "Bob O'Brien", email: 'bob@example.com' },
    { name: 'Cyd', email: null },
  ]),
)
await show(
  'insert posts',
  insert(posts).values([
    { userId: 1, title: 'Notes on the Analytical Engine' },
    { userId: 1, title: 'Bernoulli numbers' },
    { userId: 2, title: 'Hello' },
  ]),
)
await show(
  'update with RETURNING',
  update(users).where(users.c.name.eq('Cyd')).values({ active: false }).returning(users.c.id, users.c.active),
)
await show(
  'posts per user (join inferred from the foreign key)',
  select(users.c.name, func.count(posts.c.id).label('posts'))
    .outerjoin(posts)
    .groupBy(users.c.id, users.c.name)
    .orderBy(users.c.id),
)
await show(
  'names with an apostrophe',
  select(users.c.id, users.c.name).where(users.c.name.contains("'", { autoescape: true })),
)
client.close()
