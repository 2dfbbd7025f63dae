import { describe, it } from 'vitest'
import { and, desc, func, literal, not, or, select } from '../../core/index.js'
import { addresses, posts, useFixtureDatabases, users } from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('select', () => {
  const dbs = useFixtureDatabases('select')

  it('selects columns', async () => {
    const stmt = select(users.c.id, users.c.name).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id, users.name FROM users ORDER BY users.id', params: [] },
      sqlite: { sql: 'SELECT users.id, users.name FROM users ORDER BY users.id', params: [] },
      mysql: { sql: 'SELECT users.id, users.name FROM users ORDER BY users.id', params: [] },
    })
    await expectRows(dbs, stmt, [
      [1, 'ann'],
      [2, 'bob'],
      [3, 'cy'],
      [4, 'dora'],
    ])
  })

  it('selects a whole table', async () => {
    const stmt = select(users).where(users.c.id.eq(2))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, users.name, users.email, users.age, users.active FROM users WHERE users.id = $1',
        params: [2],
      },
      sqlite: {
        sql: 'SELECT users.id, users.name, users.email, users.age, users.active FROM users WHERE users.id = ?',
        params: [2],
      },
      mysql: {
        sql: 'SELECT users.id, users.name, users.email, users.age, users.active FROM users WHERE users.id = ?',
        params: [2],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [[2, 'bob', null, 25, false]],
      others: [[2, 'bob', null, 25, 0]],
    })
  })

  it('selects expressions with labels', async () => {
    const stmt = select(users.c.id.add(1).label('next'), users.c.name.label('who'))
      .where(users.c.id.lt(3))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id + $1 AS next, users.name AS who FROM users WHERE users.id < $2 ORDER BY users.id',
        params: [1, 3],
      },
      sqlite: {
        sql: 'SELECT users.id + ? AS next, users.name AS who FROM users WHERE users.id < ? ORDER BY users.id',
        params: [1, 3],
      },
      mysql: {
        sql: 'SELECT users.id + ? AS next, users.name AS who FROM users WHERE users.id < ? ORDER BY users.id',
        params: [1, 3],
      },
    })
    await expectRows(dbs, stmt, [
      [2, 'ann'],
      [3, 'bob'],
    ])
  })

  it('selects a literal with selectFrom', async () => {
    const stmt = select(literal(7).label('seven')).selectFrom(users).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: { sql: 'SELECT $1::INTEGER AS seven FROM users WHERE users.id = $2', params: [7, 1] },
      sqlite: { sql: 'SELECT ? AS seven FROM users WHERE users.id = ?', params: [7, 1] },
      mysql: { sql: 'SELECT ? AS seven FROM users WHERE users.id = ?', params: [7, 1] },
    })
    await expectRows(dbs, stmt, [[7]])
  })

  it('selects from two tables as a cross join', async () => {
    const stmt = select(users.c.name, posts.c.title)
      .where(posts.c.authorId.eq(users.c.id), posts.c.score.gt(6))
      .orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, posts.title FROM users, posts WHERE posts.author_id = users.id AND posts.score > $1 ORDER BY posts.id',
        params: [6],
      },
      sqlite: {
        sql: 'SELECT users.name, posts.title FROM users, posts WHERE posts.author_id = users.id AND posts.score > ? ORDER BY posts.id',
        params: [6],
      },
      mysql: {
        sql: 'SELECT users.name, posts.title FROM users, posts WHERE posts.author_id = users.id AND posts.score > ? ORDER BY posts.id',
        params: [6],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'Hello'],
      ['cy', 'Cy post'],
    ])
  })

  it('where with several conditions joins them with AND', async () => {
    const stmt = select(users.c.id)
      .where(users.c.age.gt(20))
      .where(users.c.active.eq(true))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.age > $1 AND users.active = $2 ORDER BY users.id',
        params: [20, true],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.age > ? AND users.active = ? ORDER BY users.id',
        params: [20, 1],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.age > ? AND users.active = ? ORDER BY users.id',
        params: [20, 1],
      },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('groups and counts', async () => {
    const stmt = select(posts.c.authorId, func.count().label('n'))
      .groupBy(posts.c.authorId)
      .orderBy(posts.c.authorId)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id ORDER BY posts.author_id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id ORDER BY posts.author_id',
        params: [],
      },
      mysql: {
        sql: 'SELECT posts.author_id AS `authorId`, count(*) AS n FROM posts GROUP BY posts.author_id ORDER BY posts.author_id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        [1, '2'],
        [2, '1'],
        [3, '1'],
      ],
      others: [
        [1, 2],
        [2, 1],
        [3, 1],
      ],
    })
  })

  it('having filters groups', async () => {
    const stmt = select(posts.c.authorId, func.count().label('n'))
      .groupBy(posts.c.authorId)
      .having(func.count().gt(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id HAVING count(*) > $1',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id HAVING count(*) > ?',
        params: [1],
      },
      mysql: {
        sql: 'SELECT posts.author_id AS `authorId`, count(*) AS n FROM posts GROUP BY posts.author_id HAVING count(*) > ?',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, { postgresql: [[1, '2']], others: [[1, 2]] })
  })

  it('orders ascending and descending', async () => {
    const stmt = select(users.c.name).orderBy(users.c.active.desc(), users.c.name.asc())
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users ORDER BY users.active DESC, users.name ASC',
        params: [],
      },
      sqlite: { sql: 'SELECT users.name FROM users ORDER BY users.active DESC, users.name ASC', params: [] },
      mysql: { sql: 'SELECT users.name FROM users ORDER BY users.active DESC, users.name ASC', params: [] },
    })
    await expectRows(dbs, stmt, [['ann'], ['cy'], ['bob'], ['dora']])
  })

  it('orders with asc() and desc() functions', async () => {
    const stmt = select(users.c.name).orderBy(desc(users.c.id)).limit(2)
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.name FROM users ORDER BY users.id DESC LIMIT $1', params: [2] },
      sqlite: { sql: 'SELECT users.name FROM users ORDER BY users.id DESC LIMIT ?', params: [2] },
      mysql: { sql: 'SELECT users.name FROM users ORDER BY users.id DESC LIMIT ?', params: [2] },
    })
    await expectRows(dbs, stmt, [['dora'], ['cy']])
  })

  it('orders nulls first', async () => {
    const stmt = select(users.c.id, users.c.age).orderBy(users.c.age.asc().nullsFirst(), users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, users.age FROM users ORDER BY users.age ASC NULLS FIRST, users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.id, users.age FROM users ORDER BY users.age ASC NULLS FIRST, users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.id, users.age FROM users ORDER BY users.age IS NULL DESC, users.age ASC, users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      [3, null],
      [2, 25],
      [1, 30],
      [4, 41],
    ])
  })

  it('orders nulls last', async () => {
    const stmt = select(users.c.id).orderBy(users.c.age.desc().nullsLast())
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users ORDER BY users.age DESC NULLS LAST', params: [] },
      sqlite: { sql: 'SELECT users.id FROM users ORDER BY users.age DESC NULLS LAST', params: [] },
      mysql: { sql: 'SELECT users.id FROM users ORDER BY users.age IS NULL, users.age DESC', params: [] },
    })
    await expectRows(dbs, stmt, [[4], [1], [2], [3]])
  })

  it('orders desc nulls first', async () => {
    const stmt = select(posts.c.id).orderBy(posts.c.score.desc().nullsFirst())
    testSql(stmt, {
      postgresql: { sql: 'SELECT posts.id FROM posts ORDER BY posts.score DESC NULLS FIRST', params: [] },
      sqlite: { sql: 'SELECT posts.id FROM posts ORDER BY posts.score DESC NULLS FIRST', params: [] },
      mysql: {
        sql: 'SELECT posts.id FROM posts ORDER BY posts.score IS NULL DESC, posts.score DESC',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[2], [1], [4], [3]])
  })

  it('orders asc nulls last', async () => {
    const stmt = select(posts.c.id).orderBy(posts.c.score.asc().nullsLast())
    testSql(stmt, {
      postgresql: { sql: 'SELECT posts.id FROM posts ORDER BY posts.score ASC NULLS LAST', params: [] },
      sqlite: { sql: 'SELECT posts.id FROM posts ORDER BY posts.score ASC NULLS LAST', params: [] },
      mysql: { sql: 'SELECT posts.id FROM posts ORDER BY posts.score IS NULL, posts.score ASC', params: [] },
    })
    await expectRows(dbs, stmt, [[3], [4], [1], [2]])
  })

  it('limits', async () => {
    const stmt = select(users.c.id).orderBy(users.c.id).limit(2)
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT $1', params: [2] },
      sqlite: { sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT ?', params: [2] },
      mysql: { sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT ?', params: [2] },
    })
    await expectRows(dbs, stmt, [[1], [2]])
  })

  it('limits and offsets', async () => {
    const stmt = select(users.c.id).orderBy(users.c.id).limit(2).offset(1)
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT $1 OFFSET $2', params: [2, 1] },
      sqlite: { sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT ? OFFSET ?', params: [2, 1] },
      mysql: { sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT ? OFFSET ?', params: [2, 1] },
    })
    await expectRows(dbs, stmt, [[2], [3]])
  })

  it('offsets alone', async () => {
    const stmt = select(users.c.id).orderBy(users.c.id).offset(3)
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users ORDER BY users.id OFFSET $1', params: [3] },
      sqlite: { sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT -1 OFFSET ?', params: [3] },
      mysql: {
        sql: 'SELECT users.id FROM users ORDER BY users.id LIMIT 18446744073709551615 OFFSET ?',
        params: [3],
      },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('limit(null) removes the limit', async () => {
    const stmt = select(users.c.id).orderBy(users.c.id).limit(1).limit(null)
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users ORDER BY users.id', params: [] },
      sqlite: { sql: 'SELECT users.id FROM users ORDER BY users.id', params: [] },
      mysql: { sql: 'SELECT users.id FROM users ORDER BY users.id', params: [] },
    })
    await expectRows(dbs, stmt, [[1], [2], [3], [4]])
  })

  it('orderBy(null) clears the ordering', async () => {
    const stmt = select(users.c.id).orderBy(users.c.name).orderBy(null).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.id = $1', params: [1] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('selects distinct', async () => {
    const stmt = select(posts.c.authorId).distinct().orderBy(posts.c.authorId)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT DISTINCT posts.author_id AS "authorId" FROM posts ORDER BY posts.author_id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT DISTINCT posts.author_id AS "authorId" FROM posts ORDER BY posts.author_id',
        params: [],
      },
      mysql: {
        sql: 'SELECT DISTINCT posts.author_id AS `authorId` FROM posts ORDER BY posts.author_id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[1], [2], [3]])
  })

  it('distinct on is PostgreSQL only', async () => {
    const stmt = select(posts.c.authorId, posts.c.title)
      .distinct(posts.c.authorId)
      .orderBy(posts.c.authorId, posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT DISTINCT ON (posts.author_id) posts.author_id AS "authorId", posts.title FROM posts ORDER BY posts.author_id, posts.id',
        params: [],
      },
      sqlite: { error: /DISTINCT ON is PostgreSQL only; on sqlite use GROUP BY or a window function/ },
      mysql: { error: /DISTINCT ON is PostgreSQL only; on mysql use GROUP BY or a window function/ },
    })
    await expectRows(dbs, stmt, [
      [1, 'Hello'],
      [2, 'Bob here'],
      [3, 'Cy post'],
    ])
  })

  it('for update locks rows (ignored on sqlite)', async () => {
    const stmt = select(users.c.id).where(users.c.id.eq(1)).forUpdate()
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.id = $1 FOR UPDATE', params: [1] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.id = ? FOR UPDATE', params: [1] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('for share', async () => {
    const stmt = select(users.c.id).where(users.c.id.eq(1)).forUpdate({ read: true })
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.id = $1 FOR SHARE', params: [1] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.id = ? LOCK IN SHARE MODE', params: [1] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('for update nowait', async () => {
    const stmt = select(users.c.id).where(users.c.id.eq(1)).forUpdate({ nowait: true })
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.id = $1 FOR UPDATE NOWAIT', params: [1] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.id = ? FOR UPDATE NOWAIT', params: [1] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('for update skip locked', async () => {
    const stmt = select(users.c.id).where(users.c.id.eq(1)).forUpdate({ skipLocked: true })
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.id = $1 FOR UPDATE SKIP LOCKED',
        params: [1],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.id = ? FOR UPDATE SKIP LOCKED', params: [1] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('for update of a table is PostgreSQL only', async () => {
    const stmt = select(users.c.id)
      .where(users.c.id.eq(1))
      .forUpdate({ of: [users] })
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.id = $1 FOR UPDATE OF users', params: [1] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.id = ?', params: [1] },
      mysql: { error: /FOR UPDATE OF is PostgreSQL only/ },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('addColumns appends to the select list', async () => {
    const stmt = select(users.c.id).addColumns(users.c.name).where(users.c.id.eq(3))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id, users.name FROM users WHERE users.id = $1', params: [3] },
      sqlite: { sql: 'SELECT users.id, users.name FROM users WHERE users.id = ?', params: [3] },
      mysql: { sql: 'SELECT users.id, users.name FROM users WHERE users.id = ?', params: [3] },
    })
    await expectRows(dbs, stmt, [[3, 'cy']])
  })

  it('duplicate column names are labelled', async () => {
    const stmt = select(users.c.id, posts.c.id).where(posts.c.authorId.eq(users.c.id), users.c.id.eq(2))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users, posts WHERE posts.author_id = users.id AND users.id = $1',
        params: [2],
      },
      sqlite: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users, posts WHERE posts.author_id = users.id AND users.id = ?',
        params: [2],
      },
      mysql: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users, posts WHERE posts.author_id = users.id AND users.id = ?',
        params: [2],
      },
    })
    await expectRows(dbs, stmt, [[2, 3]])
  })

  it('a select with no FROM', async () => {
    const stmt = select(literal(1).label('one'), literal('a').label('a'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT $1::INTEGER AS one, $2::VARCHAR AS a', params: [1, 'a'] },
      sqlite: { sql: 'SELECT ? AS one, ? AS a', params: [1, 'a'] },
      mysql: { sql: 'SELECT ? AS one, ? AS a', params: [1, 'a'] },
    })
    await expectRows(dbs, stmt, [[1, 'a']])
  })

  it('a select with no FROM and a WHERE', async () => {
    const stmt = select(literal(1).label('one')).where(literal(1).eq(1))
    testSql(stmt, {
      postgresql: { sql: 'SELECT $1::INTEGER AS one WHERE $2::INTEGER = $3::INTEGER', params: [1, 1, 1] },
      sqlite: { sql: 'SELECT ? AS one WHERE ? = ?', params: [1, 1, 1] },
      mysql: { sql: 'SELECT ? AS one FROM DUAL WHERE ? = ?', params: [1, 1, 1] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('and/or/not nest with parentheses', async () => {
    const stmt = select(users.c.id)
      .where(or(and(users.c.id.gt(1), users.c.id.lt(4)), not(users.c.name.eq('ann'))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE (users.id > $1 AND users.id < $2) OR NOT users.name = $3 ORDER BY users.id',
        params: [1, 4, 'ann'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE (users.id > ? AND users.id < ?) OR NOT users.name = ? ORDER BY users.id',
        params: [1, 4, 'ann'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE (users.id > ? AND users.id < ?) OR NOT users.name = ? ORDER BY users.id',
        params: [1, 4, 'ann'],
      },
    })
    await expectRows(dbs, stmt, [[2], [3], [4]])
  })

  it('orders by a label expression', async () => {
    const stmt = select(users.c.name, func.length(users.c.name).label('len')).orderBy(
      desc(func.length(users.c.name)),
      users.c.name,
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, length(users.name) AS len FROM users ORDER BY length(users.name) DESC, users.name',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, length(users.name) AS len FROM users ORDER BY length(users.name) DESC, users.name',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, length(users.name) AS len FROM users ORDER BY length(users.name) DESC, users.name',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      ['dora', 4],
      ['ann', 3],
      ['bob', 3],
      ['cy', 2],
    ])
  })

  it('groups by an expression and orders by an aggregate', async () => {
    const stmt = select(addresses.c.userId, func.max(addresses.c.email).label('last'))
      .groupBy(addresses.c.userId)
      .orderBy(func.max(addresses.c.email).desc())
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT addresses.user_id AS "userId", max(addresses.email) AS last FROM addresses GROUP BY addresses.user_id ORDER BY max(addresses.email) DESC',
        params: [],
      },
      sqlite: {
        sql: 'SELECT addresses.user_id AS "userId", max(addresses.email) AS "last" FROM addresses GROUP BY addresses.user_id ORDER BY max(addresses.email) DESC',
        params: [],
      },
      mysql: {
        sql: 'SELECT addresses.user_id AS `userId`, max(addresses.email) AS last FROM addresses GROUP BY addresses.user_id ORDER BY max(addresses.email) DESC',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      [2, 'bob@home'],
      [1, 'ann@work'],
    ])
  })
})
