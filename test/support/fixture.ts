/**
 * The schema the golden SQL tests run against: users with addresses and posts (foreign keys),
 * nullable columns, a self-referencing tree, a table with client defaults and onupdate, and a
 * table with a natural key for upserts. Each test file creates it in its own databases with
 * `metadata.createAll` and seeds it with `insert()`.
 */
import { afterAll, beforeAll } from 'vitest'
import { Column, delete_, ForeignKey, insert, MetaData, Table, t, update } from '../../core/index.js'
import { closeAll, type DialectKey, openAll, type TestDatabase } from './databases.js'

export const metadata = new MetaData()

export const users = new Table('users', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false }),
  email: new Column(t.String(100), { nullable: true, unique: true }),
  age: new Column(t.Integer, { nullable: true }),
  active: new Column(t.Boolean, { nullable: false }),
})

export const addresses = new Table('addresses', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  userId: new Column(t.Integer, {
    name: 'user_id',
    nullable: false,
    foreignKey: new ForeignKey(() => users.c.id),
  }),
  email: new Column(t.String(100), { nullable: false }),
})

export const posts = new Table('posts', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  authorId: new Column(t.Integer, {
    name: 'author_id',
    nullable: false,
    foreignKey: new ForeignKey(() => users.c.id),
  }),
  title: new Column(t.String(100), { nullable: false }),
  score: new Column(t.Integer, { nullable: true }),
})

export const categories = new Table('categories', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  parentId: new Column(t.Integer, {
    name: 'parent_id',
    nullable: true,
    foreignKey: new ForeignKey((): Column<any, any> => categories.c.id),
  }),
  name: new Column(t.String(50), { nullable: false }),
})

export const notes = new Table('notes', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  body: new Column(t.String(200), { nullable: true }),
  status: new Column(t.String(20), { nullable: false, default: () => 'draft' }),
  editedBy: new Column(t.String(20), { name: 'edited_by', nullable: true, onupdate: () => 'system' }),
})

export const counters = new Table('counters', metadata, {
  name: new Column(t.String(50), { primaryKey: true }),
  hits: new Column(t.Integer, { nullable: false }),
})

/** Tables in creation order. */
const tables = [users, addresses, posts, categories, notes, counters]

/** Creates the fixture tables with our own DDL. */
export async function createTables(db: TestDatabase): Promise<void> {
  await metadata.createAll(db)
}

/**
 * The seed rows, inserted with our own `insert()`:
 *
 * users      1 ann  ann@x.org   30 active | 2 bob  (null)      25 | 3 cy cy_1@x.org (null) active | 4 dora dora%@y.org 41
 * addresses  1 -> ann@home, 2 -> ann@work (user 1), 3 -> bob@home (user 2)
 * posts      1 Hello (ann, 10), 2 Again (ann, null), 3 Bob here (bob, 5), 4 Cy post (cy, 7)
 * categories 1 root, 2 a (root), 3 b (root), 4 a1 (a)
 * notes      1 hello (status kept, edited_by null)
 * counters   x: 1
 */
export const seed = [
  insert(users).values([
    { id: 1, name: 'ann', email: 'ann@x.org', age: 30, active: true },
    { id: 2, name: 'bob', email: null, age: 25, active: false },
    { id: 3, name: 'cy', email: 'cy_1@x.org', age: null, active: true },
    { id: 4, name: 'dora', email: 'dora%@y.org', age: 41, active: false },
  ]),
  insert(addresses).values([
    { id: 1, userId: 1, email: 'ann@home' },
    { id: 2, userId: 1, email: 'ann@work' },
    { id: 3, userId: 2, email: 'bob@home' },
  ]),
  insert(posts).values([
    { id: 1, authorId: 1, title: 'Hello', score: 10 },
    { id: 2, authorId: 1, title: 'Again', score: null },
    { id: 3, authorId: 2, title: 'Bob here', score: 5 },
    { id: 4, authorId: 3, title: 'Cy post', score: 7 },
  ]),
  insert(categories).values([
    { id: 1, parentId: null, name: 'root' },
    { id: 2, parentId: 1, name: 'a' },
    { id: 3, parentId: 1, name: 'b' },
    { id: 4, parentId: 2, name: 'a1' },
  ]),
  insert(notes).values({ id: 1, body: 'hello', status: 'kept' }),
  insert(counters).values({ name: 'x', hits: 1 }),
]

/** Deletes every row and inserts the seed again (for tests that write). */
export async function reseed(db: TestDatabase, key: DialectKey): Promise<void> {
  for (const table of [...tables].reverse()) {
    if (table === categories) await db.run(update(categories).values({ parentId: null }).compile(db.dialect))
    await db.run(delete_(table).compile(db.dialect))
  }
  for (const stmt of seed) await db.run(stmt.compile(db.dialect))
  if (key === 'postgresql')
    // Seeded keys are explicit, so move each sequence past them for inserts that let the database pick.
    for (const table of tables.filter((tb) => 'id' in tb.c))
      await db.exec(
        `SELECT setval(pg_get_serial_sequence('${table.name}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${table.name}), false)`,
      )
}

/** {@link reseed} on every database. */
export async function reseedAll(dbs: Record<DialectKey, TestDatabase>): Promise<void> {
  await Promise.all((Object.keys(dbs) as DialectKey[]).map((key) => reseed(dbs[key], key)))
}

/**
 * Opens one database per dialect for this test file (in `beforeAll`), creates and seeds the
 * fixture, and closes them in `afterAll`. Read the databases through the returned object.
 */
export function useFixtureDatabases(prefix: string): Record<DialectKey, TestDatabase> {
  const dbs = {} as Record<DialectKey, TestDatabase>
  beforeAll(async () => {
    Object.assign(dbs, await openAll(prefix))
    await Promise.all(
      (Object.keys(dbs) as DialectKey[]).map(async (key) => {
        await createTables(dbs[key])
        await reseed(dbs[key], key)
      }),
    )
  })
  afterAll(() => closeAll(dbs))
  return dbs
}
