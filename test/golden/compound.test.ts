import { describe, it } from 'vitest'
import { except, intersect, select, union, unionAll } from '../../core/index.js'
import { addresses, posts, useFixtureDatabases, users } from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('union, intersect and except', () => {
  const dbs = useFixtureDatabases('compound')

  it('union removes duplicates', async () => {
    const stmt = union(select(users.c.id).where(users.c.id.lt(3)), select(posts.c.authorId)).orderBy(
      users.c.id,
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.id < $1 UNION SELECT posts.author_id AS "authorId" FROM posts ORDER BY id',
        params: [3],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.id < ? UNION SELECT posts.author_id AS "authorId" FROM posts ORDER BY id',
        params: [3],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.id < ? UNION SELECT posts.author_id AS `authorId` FROM posts ORDER BY id',
        params: [3],
      },
    })
    await expectRows(dbs, stmt, [[1], [2], [3]])
  })

  it('unionAll keeps duplicates', async () => {
    const stmt = unionAll(select(addresses.c.userId), select(posts.c.authorId)).orderBy(addresses.c.userId)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT addresses.user_id AS "userId" FROM addresses UNION ALL SELECT posts.author_id AS "authorId" FROM posts ORDER BY "userId"',
        params: [],
      },
      sqlite: {
        sql: 'SELECT addresses.user_id AS "userId" FROM addresses UNION ALL SELECT posts.author_id AS "authorId" FROM posts ORDER BY "userId"',
        params: [],
      },
      mysql: {
        sql: 'SELECT addresses.user_id AS `userId` FROM addresses UNION ALL SELECT posts.author_id AS `authorId` FROM posts ORDER BY `userId`',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[1], [1], [1], [1], [2], [2], [3]])
  })

  it('Select.union with limit and offset', async () => {
    const stmt = select(users.c.name)
      .where(users.c.id.eq(1))
      .union(select(users.c.name).where(users.c.id.eq(4)))
      .orderBy(users.c.name.desc())
      .limit(1)
      .offset(1)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.id = $1 UNION SELECT users.name FROM users WHERE users.id = $2 ORDER BY name DESC LIMIT $3 OFFSET $4',
        params: [1, 4, 1, 1],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE users.id = ? UNION SELECT users.name FROM users WHERE users.id = ? ORDER BY name DESC LIMIT ? OFFSET ?',
        params: [1, 4, 1, 1],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE users.id = ? UNION SELECT users.name FROM users WHERE users.id = ? ORDER BY name DESC LIMIT ? OFFSET ?',
        params: [1, 4, 1, 1],
      },
    })
    await expectRows(dbs, stmt, [['ann']])
  })

  it('intersect', async () => {
    const stmt = intersect(select(users.c.id), select(addresses.c.userId)).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users INTERSECT SELECT addresses.user_id AS "userId" FROM addresses ORDER BY id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users INTERSECT SELECT addresses.user_id AS "userId" FROM addresses ORDER BY id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.id FROM users INTERSECT SELECT addresses.user_id AS `userId` FROM addresses ORDER BY id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[1], [2]])
  })

  it('except', async () => {
    const stmt = except(select(users.c.id), select(posts.c.authorId))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users EXCEPT SELECT posts.author_id AS "authorId" FROM posts',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users EXCEPT SELECT posts.author_id AS "authorId" FROM posts',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.id FROM users EXCEPT SELECT posts.author_id AS `authorId` FROM posts',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('Select.unionAll of three selects', async () => {
    const stmt = select(users.c.id)
      .where(users.c.id.eq(1))
      .unionAll(select(users.c.id).where(users.c.id.eq(2)), select(users.c.id).where(users.c.id.eq(3)))
      .orderBy(users.c.id.desc())
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.id = $1 UNION ALL SELECT users.id FROM users WHERE users.id = $2 UNION ALL SELECT users.id FROM users WHERE users.id = $3 ORDER BY id DESC',
        params: [1, 2, 3],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.id = ? UNION ALL SELECT users.id FROM users WHERE users.id = ? UNION ALL SELECT users.id FROM users WHERE users.id = ? ORDER BY id DESC',
        params: [1, 2, 3],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.id = ? UNION ALL SELECT users.id FROM users WHERE users.id = ? UNION ALL SELECT users.id FROM users WHERE users.id = ? ORDER BY id DESC',
        params: [1, 2, 3],
      },
    })
    await expectRows(dbs, stmt, [[3], [2], [1]])
  })

  it('a part with its own ORDER BY and LIMIT', async () => {
    const stmt = union(
      select(users.c.name).orderBy(users.c.id).limit(1),
      select(users.c.name).orderBy(users.c.id.desc()).limit(1),
    ).orderBy(users.c.name)
    testSql(stmt, {
      postgresql: {
        sql: '(SELECT users.name FROM users ORDER BY users.id LIMIT $1) UNION (SELECT users.name FROM users ORDER BY users.id DESC LIMIT $2) ORDER BY name',
        params: [1, 1],
      },
      sqlite: {
        sql: 'SELECT * FROM (SELECT users.name FROM users ORDER BY users.id LIMIT ?) AS anon_1 UNION SELECT * FROM (SELECT users.name FROM users ORDER BY users.id DESC LIMIT ?) AS anon_2 ORDER BY name',
        params: [1, 1],
      },
      mysql: {
        sql: '(SELECT users.name FROM users ORDER BY users.id LIMIT ?) UNION (SELECT users.name FROM users ORDER BY users.id DESC LIMIT ?) ORDER BY name',
        params: [1, 1],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['dora']])
  })

  it('a compound as a subquery', async () => {
    const ids = union(
      select(addresses.c.userId.label('uid')),
      select(posts.c.authorId.label('uid')),
    ).subquery('ids')
    const stmt = select(users.c.name)
      .selectFrom(users.join(ids, ids.c.uid.eq(users.c.id)))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users JOIN (SELECT addresses.user_id AS uid FROM addresses UNION SELECT posts.author_id AS uid FROM posts) AS ids ON ids.uid = users.id ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users JOIN (SELECT addresses.user_id AS uid FROM addresses UNION SELECT posts.author_id AS uid FROM posts) AS ids ON ids.uid = users.id ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name FROM users JOIN (SELECT addresses.user_id AS uid FROM addresses UNION SELECT posts.author_id AS uid FROM posts) AS ids ON ids.uid = users.id ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['bob'], ['cy']])
  })

  it('a compound inside a compound', async () => {
    const stmt = union(
      unionAll(select(users.c.id).where(users.c.id.eq(1)), select(users.c.id).where(users.c.id.eq(1))),
      select(users.c.id).where(users.c.id.eq(2)),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: '(SELECT users.id FROM users WHERE users.id = $1 UNION ALL SELECT users.id FROM users WHERE users.id = $2) UNION SELECT users.id FROM users WHERE users.id = $3 ORDER BY id',
        params: [1, 1, 2],
      },
      sqlite: {
        sql: 'SELECT * FROM (SELECT users.id FROM users WHERE users.id = ? UNION ALL SELECT users.id FROM users WHERE users.id = ?) AS anon_1 UNION SELECT users.id FROM users WHERE users.id = ? ORDER BY id',
        params: [1, 1, 2],
      },
      mysql: {
        sql: '(SELECT users.id FROM users WHERE users.id = ? UNION ALL SELECT users.id FROM users WHERE users.id = ?) UNION SELECT users.id FROM users WHERE users.id = ? ORDER BY id',
        params: [1, 1, 2],
      },
    })
    await expectRows(dbs, stmt, [[1], [2]])
  })

  it('in() over a compound', async () => {
    const stmt = select(users.c.name)
      .where(
        users.c.id.in(union(select(addresses.c.userId), select(posts.c.authorId).where(posts.c.score.gt(6)))),
      )
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (SELECT addresses.user_id AS "userId" FROM addresses UNION SELECT posts.author_id AS "authorId" FROM posts WHERE posts.score > $1) ORDER BY users.id',
        params: [6],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (SELECT addresses.user_id AS "userId" FROM addresses UNION SELECT posts.author_id AS "authorId" FROM posts WHERE posts.score > ?) ORDER BY users.id',
        params: [6],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (SELECT addresses.user_id AS `userId` FROM addresses UNION SELECT posts.author_id AS `authorId` FROM posts WHERE posts.score > ?) ORDER BY users.id',
        params: [6],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['bob'], ['cy']])
  })

  it('a compound with offset alone', async () => {
    const stmt = union(select(users.c.id), select(posts.c.id)).orderBy(users.c.id).offset(3)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users UNION SELECT posts.id FROM posts ORDER BY id OFFSET $1',
        params: [3],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users UNION SELECT posts.id FROM posts ORDER BY id LIMIT -1 OFFSET ?',
        params: [3],
      },
      mysql: {
        sql: 'SELECT users.id FROM users UNION SELECT posts.id FROM posts ORDER BY id LIMIT 18446744073709551615 OFFSET ?',
        params: [3],
      },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('a compound ordered by a labelled expression name', async () => {
    const stmt = union(
      select(users.c.name.label('n')).where(users.c.id.eq(2)),
      select(addresses.c.email.label('n')).where(addresses.c.id.eq(1)),
    ).orderBy(users.c.name.label('n'))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name AS n FROM users WHERE users.id = $1 UNION SELECT addresses.email AS n FROM addresses WHERE addresses.id = $2 ORDER BY n',
        params: [2, 1],
      },
      sqlite: {
        sql: 'SELECT users.name AS n FROM users WHERE users.id = ? UNION SELECT addresses.email AS n FROM addresses WHERE addresses.id = ? ORDER BY n',
        params: [2, 1],
      },
      mysql: {
        sql: 'SELECT users.name AS n FROM users WHERE users.id = ? UNION SELECT addresses.email AS n FROM addresses WHERE addresses.id = ? ORDER BY n',
        params: [2, 1],
      },
    })
    await expectRows(dbs, stmt, [['ann@home'], ['bob']])
  })
})
