import { beforeEach, describe, it } from 'vitest'
import { delete_, exists, func, insert, literal, select, update } from '../../core/index.js'
import {
  addresses,
  counters,
  notes,
  posts,
  reseedAll,
  useFixtureDatabases,
  users,
} from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('insert, update and delete', () => {
  const dbs = useFixtureDatabases('dml')
  beforeEach(() => reseedAll(dbs))

  it('inserts one row', async () => {
    const stmt = insert(users).values({ id: 10, name: 'eve', active: true })
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO users (id, name, active) VALUES ($1, $2, $3)',
        params: [10, 'eve', true],
      },
      sqlite: { sql: 'INSERT INTO users (id, name, active) VALUES (?, ?, ?)', params: [10, 'eve', 1] },
      mysql: { sql: 'INSERT INTO users (id, name, active) VALUES (?, ?, ?)', params: [10, 'eve', 1] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(users.c.name, users.c.email, users.c.active).where(users.c.id.eq(10)), {
      postgresql: [['eve', null, true]],
      others: [['eve', null, 1]],
    })
  })

  it('inserts with Table.insert()', async () => {
    const stmt = users.insert().values({ id: 11, name: 'fay', email: 'f@x', age: 3, active: false })
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO users (id, name, email, age, active) VALUES ($1, $2, $3, $4, $5)',
        params: [11, 'fay', 'f@x', 3, false],
      },
      sqlite: {
        sql: 'INSERT INTO users (id, name, email, age, active) VALUES (?, ?, ?, ?, ?)',
        params: [11, 'fay', 'f@x', 3, 0],
      },
      mysql: {
        sql: 'INSERT INTO users (id, name, email, age, active) VALUES (?, ?, ?, ?, ?)',
        params: [11, 'fay', 'f@x', 3, 0],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(users.c.name, users.c.age).where(users.c.id.eq(11)), [['fay', 3]])
  })

  it('inserts several rows', async () => {
    const stmt = insert(addresses).values([
      { userId: 3, email: 'cy@a' },
      { userId: 4, email: 'dora@b' },
    ])
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO addresses (user_id, email) VALUES ($1, $2), ($3, $4)',
        params: [3, 'cy@a', 4, 'dora@b'],
      },
      sqlite: {
        sql: 'INSERT INTO addresses (user_id, email) VALUES (?, ?), (?, ?)',
        params: [3, 'cy@a', 4, 'dora@b'],
      },
      mysql: {
        sql: 'INSERT INTO addresses (user_id, email) VALUES (?, ?), (?, ?)',
        params: [3, 'cy@a', 4, 'dora@b'],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(
      dbs,
      select(addresses.c.userId, addresses.c.email)
        .where(addresses.c.userId.ge(3))
        .orderBy(addresses.c.email),
      [
        [3, 'cy@a'],
        [4, 'dora@b'],
      ],
    )
  })

  it('inserts and returns the new key (not on mysql)', async () => {
    const stmt = insert(users).values({ name: 'gus', active: true }).returning(users.c.id, users.c.name)
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO users (name, active) VALUES ($1, $2) RETURNING users.id, users.name',
        params: ['gus', true],
      },
      sqlite: {
        sql: 'INSERT INTO users (name, active) VALUES (?, ?) RETURNING users.id, users.name',
        params: ['gus', 1],
      },
      mysql: {
        error:
          /RETURNING is not supported on mysql; read the new key from the result's lastInsertId or run a SELECT/,
      },
    })
    await expectRows(dbs, stmt, [[5, 'gus']])
    await expectRows(dbs, select(users.c.name).where(users.c.id.gt(4)), { others: [['gus']], mysql: [] })
  })

  it('returns an expression and a whole table', async () => {
    const stmt = insert(posts)
      .values({ id: 20, authorId: 2, title: 't', score: 3 })
      .returning(posts.c.score.mul(2).label('double'), posts)
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO posts (id, author_id, title, score) VALUES ($1, $2, $3, $4) RETURNING posts.score * $5 AS "double", posts.id, posts.author_id AS "authorId", posts.title, posts.score',
        params: [20, 2, 't', 3, 2],
      },
      sqlite: {
        sql: 'INSERT INTO posts (id, author_id, title, score) VALUES (?, ?, ?, ?) RETURNING posts.score * ? AS "double", posts.id, posts.author_id AS "authorId", posts.title, posts.score',
        params: [20, 2, 't', 3, 2],
      },
      mysql: {
        error:
          /RETURNING is not supported on mysql; read the new key from the result's lastInsertId or run a SELECT/,
      },
    })
    await expectRows(dbs, stmt, [[6, 20, 2, 't', 3]])
    await expectRows(dbs, select(posts.c.title).where(posts.c.id.eq(20)), { others: [['t']], mysql: [] })
  })

  it('inserts from a select', async () => {
    const stmt = insert(addresses).fromSelectOf(
      ['userId', 'email'],
      select(users.c.id, users.c.email).where(users.c.email.isNotNull(), users.c.id.gt(2)),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO addresses (user_id, email) SELECT users.id, users.email FROM users WHERE users.email IS NOT NULL AND users.id > $1',
        params: [2],
      },
      sqlite: {
        sql: 'INSERT INTO addresses (user_id, email) SELECT users.id, users.email FROM users WHERE users.email IS NOT NULL AND users.id > ?',
        params: [2],
      },
      mysql: {
        sql: 'INSERT INTO addresses (user_id, email) SELECT users.id, users.email FROM users WHERE users.email IS NOT NULL AND users.id > ?',
        params: [2],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(
      dbs,
      select(addresses.c.userId, addresses.c.email)
        .where(addresses.c.userId.gt(2))
        .orderBy(addresses.c.userId),
      [
        [3, 'cy_1@x.org'],
        [4, 'dora%@y.org'],
      ],
    )
  })

  it('inserts from a select with a literal and a join', async () => {
    const stmt = insert(posts).fromSelectOf(
      ['authorId', 'title'],
      select(users.c.id, users.c.name.concat(' on ').concat(addresses.c.email))
        .selectFrom(users.join(addresses))
        .where(addresses.c.id.eq(3)),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO posts (author_id, title) SELECT users.id, users.name || $1::VARCHAR || addresses.email FROM users JOIN addresses ON addresses.user_id = users.id WHERE addresses.id = $2',
        params: [' on ', 3],
      },
      sqlite: {
        sql: 'INSERT INTO posts (author_id, title) SELECT users.id, users.name || ? || addresses.email FROM users JOIN addresses ON addresses.user_id = users.id WHERE addresses.id = ?',
        params: [' on ', 3],
      },
      mysql: {
        sql: 'INSERT INTO posts (author_id, title) SELECT users.id, concat(concat(users.name, ?), addresses.email) FROM users JOIN addresses ON addresses.user_id = users.id WHERE addresses.id = ?',
        params: [' on ', 3],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(posts.c.authorId, posts.c.title, posts.c.score).where(posts.c.id.gt(4)), [
      [2, 'bob on bob@home', null],
    ])
  })

  it('a client default fills a column left out', async () => {
    const stmt = insert(notes).values({ id: 2, body: 'new' })
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO notes (id, body, status) VALUES ($1, $2, $3)',
        params: [2, 'new', 'draft'],
      },
      sqlite: { sql: 'INSERT INTO notes (id, body, status) VALUES (?, ?, ?)', params: [2, 'new', 'draft'] },
      mysql: { sql: 'INSERT INTO notes (id, body, status) VALUES (?, ?, ?)', params: [2, 'new', 'draft'] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(notes.c.id, notes.c.status, notes.c.editedBy).orderBy(notes.c.id), [
      [1, 'kept', null],
      [2, 'draft', null],
    ])
  })

  it('a client default is not used when the value is given', async () => {
    const stmt = insert(notes).values({ id: 2, status: 'final' })
    testSql(stmt, {
      postgresql: { sql: 'INSERT INTO notes (id, status) VALUES ($1, $2)', params: [2, 'final'] },
      sqlite: { sql: 'INSERT INTO notes (id, status) VALUES (?, ?)', params: [2, 'final'] },
      mysql: { sql: 'INSERT INTO notes (id, status) VALUES (?, ?)', params: [2, 'final'] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(notes.c.body, notes.c.status).where(notes.c.id.eq(2)), [[null, 'final']])
  })

  it('a client default for each row of a multi-row insert', async () => {
    const stmt = insert(notes).values([
      { id: 3, body: 'a' },
      { id: 4, body: null },
    ])
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO notes (id, body, status) VALUES ($1, $2, $3), ($4, NULL, $5)',
        params: [3, 'a', 'draft', 4, 'draft'],
      },
      sqlite: {
        sql: 'INSERT INTO notes (id, body, status) VALUES (?, ?, ?), (?, NULL, ?)',
        params: [3, 'a', 'draft', 4, 'draft'],
      },
      mysql: {
        sql: 'INSERT INTO notes (id, body, status) VALUES (?, ?, ?), (?, NULL, ?)',
        params: [3, 'a', 'draft', 4, 'draft'],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(
      dbs,
      select(notes.c.id, notes.c.body, notes.c.status).where(notes.c.id.ge(3)).orderBy(notes.c.id),
      [
        [3, 'a', 'draft'],
        [4, null, 'draft'],
      ],
    )
  })

  it('a client default with no values at all', async () => {
    const stmt = insert(notes).values({})
    testSql(stmt, {
      postgresql: { sql: 'INSERT INTO notes (status) VALUES ($1)', params: ['draft'] },
      sqlite: { sql: 'INSERT INTO notes (status) VALUES (?)', params: ['draft'] },
      mysql: { sql: 'INSERT INTO notes (status) VALUES (?)', params: ['draft'] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(notes.c.status).orderBy(notes.c.id), [['kept'], ['draft']])
  })

  it('onConflictDoNothing (not on mysql)', async () => {
    const stmt = insert(counters).values({ name: 'x', hits: 9 }).onConflictDoNothing()
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO counters (name, hits) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        params: ['x', 9],
      },
      sqlite: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?) ON CONFLICT DO NOTHING',
        params: ['x', 9],
      },
      mysql: { error: /ON CONFLICT is not supported on mysql; use onDuplicateKeyUpdate\(\)/ },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(counters.c.name, counters.c.hits), [['x', 1]])
  })

  it('onConflictDoNothing with a target', async () => {
    const stmt = insert(counters)
      .values([
        { name: 'x', hits: 9 },
        { name: 'z', hits: 3 },
      ])
      .onConflictDoNothing({ target: [counters.c.name] })
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO counters (name, hits) VALUES ($1, $2), ($3, $4) ON CONFLICT (name) DO NOTHING',
        params: ['x', 9, 'z', 3],
      },
      sqlite: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?), (?, ?) ON CONFLICT (name) DO NOTHING',
        params: ['x', 9, 'z', 3],
      },
      mysql: { error: /ON CONFLICT is not supported on mysql; use onDuplicateKeyUpdate\(\)/ },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(counters.c.name, counters.c.hits).orderBy(counters.c.name), {
      others: [
        ['x', 1],
        ['z', 3],
      ],
      mysql: [['x', 1]],
    })
  })

  it('onConflictDoUpdate with excluded (not on mysql)', async () => {
    const up = insert(counters).values({ name: 'x', hits: 5 })
    const stmt = up.onConflictDoUpdate({ target: [counters.c.name], set: { hits: up.excluded.hits } })
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO counters (name, hits) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET hits = excluded.hits',
        params: ['x', 5],
      },
      sqlite: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET hits = excluded.hits',
        params: ['x', 5],
      },
      mysql: { error: /ON CONFLICT is not supported on mysql; use onDuplicateKeyUpdate\(\)/ },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(counters.c.name, counters.c.hits), { others: [['x', 5]], mysql: [['x', 1]] })
  })

  it('onConflictDoUpdate with an expression and a where', async () => {
    const up2 = insert(counters).values([
      { name: 'x', hits: 5 },
      { name: 'y', hits: 2 },
    ])
    const stmt = up2.onConflictDoUpdate({
      target: [counters.c.name],
      set: { hits: counters.c.hits.add(up2.excluded.hits) },
      where: counters.c.hits.lt(10),
    })
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO counters (name, hits) VALUES ($1, $2), ($3, $4) ON CONFLICT (name) DO UPDATE SET hits = counters.hits + excluded.hits WHERE counters.hits < $5',
        params: ['x', 5, 'y', 2, 10],
      },
      sqlite: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?), (?, ?) ON CONFLICT (name) DO UPDATE SET hits = counters.hits + excluded.hits WHERE counters.hits < ?',
        params: ['x', 5, 'y', 2, 10],
      },
      mysql: { error: /ON CONFLICT is not supported on mysql; use onDuplicateKeyUpdate\(\)/ },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(counters.c.name, counters.c.hits).orderBy(counters.c.name), {
      others: [
        ['x', 6],
        ['y', 2],
      ],
      mysql: [['x', 1]],
    })
  })

  it('onConflictDoUpdate with returning', async () => {
    const up = insert(counters).values({ name: 'x', hits: 5 })
    const stmt = up
      .onConflictDoUpdate({ target: [counters.c.name], set: { hits: literal(100) } })
      .returning(counters.c.hits)
    testSql(stmt, {
      postgresql: {
        sql: 'INSERT INTO counters (name, hits) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET hits = $3 RETURNING counters.hits',
        params: ['x', 5, 100],
      },
      sqlite: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET hits = ? RETURNING counters.hits',
        params: ['x', 5, 100],
      },
      mysql: { error: /ON CONFLICT is not supported on mysql; use onDuplicateKeyUpdate\(\)/ },
    })
    await expectRows(dbs, stmt, [[100]])
    await expectRows(dbs, select(counters.c.hits), { others: [[100]], mysql: [[1]] })
  })

  it('onDuplicateKeyUpdate with inserted (mysql only)', async () => {
    const up = insert(counters).values({ name: 'x', hits: 5 })
    const stmt = up.onDuplicateKeyUpdate({ hits: up.inserted.hits })
    testSql(stmt, {
      postgresql: {
        error:
          /ON DUPLICATE KEY UPDATE is MySQL only; on postgresql use onConflictDoUpdate\(\) or onConflictDoNothing\(\)/,
      },
      sqlite: {
        error:
          /ON DUPLICATE KEY UPDATE is MySQL only; on sqlite use onConflictDoUpdate\(\) or onConflictDoNothing\(\)/,
      },
      mysql: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?) ON DUPLICATE KEY UPDATE hits = VALUES(hits)',
        params: ['x', 5],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(counters.c.name, counters.c.hits), { others: [['x', 1]], mysql: [['x', 5]] })
  })

  it('onDuplicateKeyUpdate with an expression', async () => {
    const up2 = insert(counters).values([
      { name: 'x', hits: 5 },
      { name: 'y', hits: 2 },
    ])
    const stmt = up2.onDuplicateKeyUpdate({ hits: counters.c.hits.add(up2.inserted.hits) })
    testSql(stmt, {
      postgresql: {
        error:
          /ON DUPLICATE KEY UPDATE is MySQL only; on postgresql use onConflictDoUpdate\(\) or onConflictDoNothing\(\)/,
      },
      sqlite: {
        error:
          /ON DUPLICATE KEY UPDATE is MySQL only; on sqlite use onConflictDoUpdate\(\) or onConflictDoNothing\(\)/,
      },
      mysql: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE hits = counters.hits + VALUES(hits)',
        params: ['x', 5, 'y', 2],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(counters.c.name, counters.c.hits).orderBy(counters.c.name), {
      others: [['x', 1]],
      mysql: [
        ['x', 6],
        ['y', 2],
      ],
    })
  })

  it('onDuplicateKeyUpdate with a value', async () => {
    const stmt = insert(counters).values({ name: 'x', hits: 5 }).onDuplicateKeyUpdate({ hits: 0 })
    testSql(stmt, {
      postgresql: {
        error:
          /ON DUPLICATE KEY UPDATE is MySQL only; on postgresql use onConflictDoUpdate\(\) or onConflictDoNothing\(\)/,
      },
      sqlite: {
        error:
          /ON DUPLICATE KEY UPDATE is MySQL only; on sqlite use onConflictDoUpdate\(\) or onConflictDoNothing\(\)/,
      },
      mysql: {
        sql: 'INSERT INTO counters (name, hits) VALUES (?, ?) ON DUPLICATE KEY UPDATE hits = ?',
        params: ['x', 5, 0],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(counters.c.hits), { others: [[1]], mysql: [[0]] })
  })

  it('updates with a where', async () => {
    const stmt = update(users).where(users.c.id.eq(2)).values({ name: 'rob', age: 26 })
    testSql(stmt, {
      postgresql: { sql: 'UPDATE users SET name = $1, age = $2 WHERE users.id = $3', params: ['rob', 26, 2] },
      sqlite: { sql: 'UPDATE users SET name = ?, age = ? WHERE users.id = ?', params: ['rob', 26, 2] },
      mysql: { sql: 'UPDATE users SET name = ?, age = ? WHERE users.id = ?', params: ['rob', 26, 2] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(users.c.name, users.c.age).where(users.c.id.eq(2)), [['rob', 26]])
  })

  it('updates with Table.update() and an expression', async () => {
    const stmt = users
      .update()
      .values({ age: users.c.age.add(1) })
      .where(users.c.age.isNotNull())
    testSql(stmt, {
      postgresql: { sql: 'UPDATE users SET age = users.age + $1 WHERE users.age IS NOT NULL', params: [1] },
      sqlite: { sql: 'UPDATE users SET age = users.age + ? WHERE users.age IS NOT NULL', params: [1] },
      mysql: { sql: 'UPDATE users SET age = users.age + ? WHERE users.age IS NOT NULL', params: [1] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(users.c.age).orderBy(users.c.id), [[31], [26], [null], [42]])
  })

  it('updates a column to null', async () => {
    const stmt = update(users).values({ email: null }).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: { sql: 'UPDATE users SET email = NULL WHERE users.id = $1', params: [1] },
      sqlite: { sql: 'UPDATE users SET email = NULL WHERE users.id = ?', params: [1] },
      mysql: { sql: 'UPDATE users SET email = NULL WHERE users.id = ?', params: [1] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(users.c.email).where(users.c.id.eq(1)), [[null]])
  })

  it('updates with returning (not on mysql)', async () => {
    const stmt = update(posts)
      .values({ score: 0 })
      .where(posts.c.score.isNull())
      .returning(posts.c.id, posts.c.score)
    testSql(stmt, {
      postgresql: {
        sql: 'UPDATE posts SET score = $1 WHERE posts.score IS NULL RETURNING posts.id, posts.score',
        params: [0],
      },
      sqlite: {
        sql: 'UPDATE posts SET score = ? WHERE posts.score IS NULL RETURNING posts.id, posts.score',
        params: [0],
      },
      mysql: {
        error:
          /RETURNING is not supported on mysql; read the new key from the result's lastInsertId or run a SELECT/,
      },
    })
    await expectRows(dbs, stmt, [[2, 0]])
    await expectRows(dbs, select(posts.c.id).where(posts.c.score.eq(0)), { others: [[2]], mysql: [] })
  })

  it('update ... from (postgresql and sqlite)', async () => {
    const stmt = update(posts)
      .values({ score: 99 })
      .from(users)
      .where(users.c.id.eq(posts.c.authorId), users.c.name.eq('bob'))
    testSql(stmt, {
      postgresql: {
        sql: 'UPDATE posts SET score = $1 FROM users WHERE users.id = posts.author_id AND users.name = $2',
        params: [99, 'bob'],
      },
      sqlite: {
        sql: 'UPDATE posts SET score = ? FROM users WHERE users.id = posts.author_id AND users.name = ?',
        params: [99, 'bob'],
      },
      mysql: {
        error: /UPDATE \.\.\. FROM is not supported on mysql; use a correlated subquery in where\(\)/,
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(posts.c.id, posts.c.score).orderBy(posts.c.id), {
      others: [
        [1, 10],
        [2, null],
        [3, 99],
        [4, 7],
      ],
      mysql: [
        [1, 10],
        [2, null],
        [3, 5],
        [4, 7],
      ],
    })
  })

  it('update with a correlated subquery in where', async () => {
    const stmt = update(users)
      .values({ active: true })
      .where(exists(select(posts.c.id).where(posts.c.authorId.eq(users.c.id), posts.c.score.lt(6))))
    testSql(stmt, {
      postgresql: {
        sql: 'UPDATE users SET active = $1 WHERE EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id AND posts.score < $2)',
        params: [true, 6],
      },
      sqlite: {
        sql: 'UPDATE users SET active = ? WHERE EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id AND posts.score < ?)',
        params: [1, 6],
      },
      mysql: {
        sql: 'UPDATE users SET active = ? WHERE EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id AND posts.score < ?)',
        params: [1, 6],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(users.c.id, users.c.active).orderBy(users.c.id), {
      postgresql: [
        [1, true],
        [2, true],
        [3, true],
        [4, false],
      ],
      others: [
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 0],
      ],
    })
  })

  it('update with in(select)', async () => {
    const stmt = update(posts)
      .values({ title: 'x' })
      .where(posts.c.authorId.in(select(addresses.c.userId).where(addresses.c.email.like('bob%'))))
    testSql(stmt, {
      postgresql: {
        sql: 'UPDATE posts SET title = $1 WHERE posts.author_id IN (SELECT addresses.user_id AS "userId" FROM addresses WHERE addresses.email LIKE $2)',
        params: ['x', 'bob%'],
      },
      sqlite: {
        sql: 'UPDATE posts SET title = ? WHERE posts.author_id IN (SELECT addresses.user_id AS "userId" FROM addresses WHERE addresses.email LIKE ?)',
        params: ['x', 'bob%'],
      },
      mysql: {
        sql: 'UPDATE posts SET title = ? WHERE posts.author_id IN (SELECT addresses.user_id AS `userId` FROM addresses WHERE addresses.email LIKE ?)',
        params: ['x', 'bob%'],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(posts.c.title).orderBy(posts.c.id), [
      ['Hello'],
      ['Again'],
      ['x'],
      ['Cy post'],
    ])
  })

  it('update with a correlated scalar subquery in SET', async () => {
    const stmt = update(users)
      .values({
        age: select(func.max(posts.c.score)).where(posts.c.authorId.eq(users.c.id)).scalarSubquery(),
      })
      .where(users.c.id.le(2))
    testSql(stmt, {
      postgresql: {
        sql: 'UPDATE users SET age = (SELECT max(posts.score) FROM posts WHERE posts.author_id = users.id) WHERE users.id <= $1',
        params: [2],
      },
      sqlite: {
        sql: 'UPDATE users SET age = (SELECT max(posts.score) FROM posts WHERE posts.author_id = users.id) WHERE users.id <= ?',
        params: [2],
      },
      mysql: {
        sql: 'UPDATE users SET age = (SELECT max(posts.score) FROM posts WHERE posts.author_id = users.id) WHERE users.id <= ?',
        params: [2],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(users.c.age).orderBy(users.c.id), [[10], [5], [null], [41]])
  })

  it('onupdate fills a column left out of an update', async () => {
    const stmt = update(notes).values({ body: 'changed' }).where(notes.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'UPDATE notes SET body = $1, edited_by = $2 WHERE notes.id = $3',
        params: ['changed', 'system', 1],
      },
      sqlite: {
        sql: 'UPDATE notes SET body = ?, edited_by = ? WHERE notes.id = ?',
        params: ['changed', 'system', 1],
      },
      mysql: {
        sql: 'UPDATE notes SET body = ?, edited_by = ? WHERE notes.id = ?',
        params: ['changed', 'system', 1],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(notes.c.body, notes.c.editedBy), [['changed', 'system']])
  })

  it('onupdate is not used when the value is given', async () => {
    const stmt = update(notes).values({ editedBy: 'ann' }).where(notes.c.id.eq(1))
    testSql(stmt, {
      postgresql: { sql: 'UPDATE notes SET edited_by = $1 WHERE notes.id = $2', params: ['ann', 1] },
      sqlite: { sql: 'UPDATE notes SET edited_by = ? WHERE notes.id = ?', params: ['ann', 1] },
      mysql: { sql: 'UPDATE notes SET edited_by = ? WHERE notes.id = ?', params: ['ann', 1] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(notes.c.body, notes.c.editedBy), [['hello', 'ann']])
  })

  it('deletes with a where', async () => {
    const stmt = delete_(addresses).where(addresses.c.userId.eq(1))
    testSql(stmt, {
      postgresql: { sql: 'DELETE FROM addresses WHERE addresses.user_id = $1', params: [1] },
      sqlite: { sql: 'DELETE FROM addresses WHERE addresses.user_id = ?', params: [1] },
      mysql: { sql: 'DELETE FROM addresses WHERE addresses.user_id = ?', params: [1] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(addresses.c.id), [[3]])
  })

  it('deletes with Table.delete() and in()', async () => {
    const stmt = posts.delete().where(posts.c.id.in([2, 4]))
    testSql(stmt, {
      postgresql: { sql: 'DELETE FROM posts WHERE posts.id IN ($1, $2)', params: [2, 4] },
      sqlite: { sql: 'DELETE FROM posts WHERE posts.id IN (?, ?)', params: [2, 4] },
      mysql: { sql: 'DELETE FROM posts WHERE posts.id IN (?, ?)', params: [2, 4] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(posts.c.id).orderBy(posts.c.id), [[1], [3]])
  })

  it('deletes with returning (not on mysql)', async () => {
    const stmt = delete_(posts).where(posts.c.score.lt(8)).returning(posts.c.id, posts.c.title)
    testSql(stmt, {
      postgresql: {
        sql: 'DELETE FROM posts WHERE posts.score < $1 RETURNING posts.id, posts.title',
        params: [8],
      },
      sqlite: { sql: 'DELETE FROM posts WHERE posts.score < ? RETURNING posts.id, posts.title', params: [8] },
      mysql: {
        error:
          /RETURNING is not supported on mysql; read the new key from the result's lastInsertId or run a SELECT/,
      },
    })
    await expectRows(
      dbs,
      stmt,
      [
        [3, 'Bob here'],
        [4, 'Cy post'],
      ],
      { unordered: true },
    )
    await expectRows(dbs, select(posts.c.id).orderBy(posts.c.id), {
      others: [[1], [2]],
      mysql: [[1], [2], [3], [4]],
    })
  })

  it('deletes with exists()', async () => {
    const stmt = delete_(posts).where(
      posts.c.authorId.ne(1),
      exists(select(addresses.c.id).where(addresses.c.userId.eq(posts.c.authorId))),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'DELETE FROM posts WHERE posts.author_id <> $1 AND EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = posts.author_id)',
        params: [1],
      },
      sqlite: {
        sql: 'DELETE FROM posts WHERE posts.author_id <> ? AND EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = posts.author_id)',
        params: [1],
      },
      mysql: {
        sql: 'DELETE FROM posts WHERE posts.author_id <> ? AND EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = posts.author_id)',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(posts.c.id).orderBy(posts.c.id), [[1], [2], [4]])
  })

  it('deletes every row', async () => {
    const stmt = delete_(counters)
    testSql(stmt, {
      postgresql: { sql: 'DELETE FROM counters', params: [] },
      sqlite: { sql: 'DELETE FROM counters', params: [] },
      mysql: { sql: 'DELETE FROM counters', params: [] },
    })
    await expectRows(dbs, stmt, [])
    await expectRows(dbs, select(func.count()).selectFrom(counters), { postgresql: [['0']], others: [[0]] })
  })
})
