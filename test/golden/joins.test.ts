import { describe, it } from 'vitest'
import { and, func, select } from '../../core/index.js'
import { addresses, categories, posts, useFixtureDatabases, users } from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('joins', () => {
  const dbs = useFixtureDatabases('joins')

  it('select.join infers ON from the foreign key', async () => {
    const stmt = select(users.c.name, addresses.c.email).join(addresses).orderBy(addresses.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, addresses.email FROM users JOIN addresses ON addresses.user_id = users.id ORDER BY addresses.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, addresses.email FROM users JOIN addresses ON addresses.user_id = users.id ORDER BY addresses.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, addresses.email FROM users JOIN addresses ON addresses.user_id = users.id ORDER BY addresses.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'ann@home'],
      ['ann', 'ann@work'],
      ['bob', 'bob@home'],
    ])
  })

  it('select.join with an explicit ON clause', async () => {
    const stmt = select(users.c.name, posts.c.title)
      .join(posts, posts.c.authorId.eq(users.c.id))
      .where(posts.c.score.ge(7))
      .orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, posts.title FROM users JOIN posts ON posts.author_id = users.id WHERE posts.score >= $1 ORDER BY posts.id',
        params: [7],
      },
      sqlite: {
        sql: 'SELECT users.name, posts.title FROM users JOIN posts ON posts.author_id = users.id WHERE posts.score >= ? ORDER BY posts.id',
        params: [7],
      },
      mysql: {
        sql: 'SELECT users.name, posts.title FROM users JOIN posts ON posts.author_id = users.id WHERE posts.score >= ? ORDER BY posts.id',
        params: [7],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'Hello'],
      ['cy', 'Cy post'],
    ])
  })

  it('select.join with isOuter is a left join', async () => {
    const stmt = select(users.c.id, addresses.c.id)
      .join(addresses, void 0, { isOuter: true })
      .orderBy(users.c.id, addresses.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, addresses.id AS id_1 FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.id, addresses.id AS id_1 FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.id, addresses.id AS id_1 FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      [1, 1],
      [1, 2],
      [2, 3],
      [3, null],
      [4, null],
    ])
  })

  it('select.outerjoin keeps rows without a match', async () => {
    const stmt = select(users.c.name, addresses.c.email)
      .outerjoin(addresses)
      .orderBy(users.c.id, addresses.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, addresses.email FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, addresses.email FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, addresses.email FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'ann@home'],
      ['ann', 'ann@work'],
      ['bob', 'bob@home'],
      ['cy', null],
      ['dora', null],
    ])
  })

  it('select.rightjoin', async () => {
    const stmt = select(addresses.c.email, users.c.name)
      .selectFrom(addresses)
      .rightjoin(users)
      .orderBy(users.c.id, addresses.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT addresses.email, users.name FROM addresses RIGHT OUTER JOIN users ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT addresses.email, users.name FROM addresses RIGHT OUTER JOIN users ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT addresses.email, users.name FROM addresses RIGHT OUTER JOIN users ON addresses.user_id = users.id ORDER BY users.id, addresses.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann@home', 'ann'],
      ['ann@work', 'ann'],
      ['bob@home', 'bob'],
      [null, 'cy'],
      [null, 'dora'],
    ])
  })

  it('select.fullJoin is not on mysql', async () => {
    const stmt = select(users.c.id, addresses.c.id)
      .fullJoin(addresses, and(addresses.c.userId.eq(users.c.id), addresses.c.email.like('%work')))
      .orderBy(users.c.id.asc().nullsLast(), addresses.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, addresses.id AS id_1 FROM users FULL OUTER JOIN addresses ON addresses.user_id = users.id AND addresses.email LIKE $1 ORDER BY users.id ASC NULLS LAST, addresses.id',
        params: ['%work'],
      },
      sqlite: {
        sql: 'SELECT users.id, addresses.id AS id_1 FROM users FULL OUTER JOIN addresses ON addresses.user_id = users.id AND addresses.email LIKE ? ORDER BY users.id ASC NULLS LAST, addresses.id',
        params: ['%work'],
      },
      mysql: { error: /FULL OUTER JOIN is not supported on mysql; use a UNION of a LEFT and a RIGHT join/ },
    })
    await expectRows(dbs, stmt, [
      [1, 2],
      [2, null],
      [3, null],
      [4, null],
      [null, 1],
      [null, 3],
    ])
  })

  it('select.join with full: true', async () => {
    const stmt = select(users.c.id, posts.c.id)
      .join(posts, and(posts.c.authorId.eq(users.c.id), posts.c.score.gt(6)), { full: true })
      .orderBy(users.c.id.asc().nullsLast(), posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users FULL OUTER JOIN posts ON posts.author_id = users.id AND posts.score > $1 ORDER BY users.id ASC NULLS LAST, posts.id',
        params: [6],
      },
      sqlite: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users FULL OUTER JOIN posts ON posts.author_id = users.id AND posts.score > ? ORDER BY users.id ASC NULLS LAST, posts.id',
        params: [6],
      },
      mysql: { error: /FULL OUTER JOIN is not supported on mysql; use a UNION of a LEFT and a RIGHT join/ },
    })
    await expectRows(dbs, stmt, [
      [1, 1],
      [2, null],
      [3, 4],
      [4, null],
      [null, 2],
      [null, 3],
    ])
  })

  it('chained select joins start from the same left side', async () => {
    const stmt = select(users.c.name, addresses.c.email, posts.c.title)
      .join(addresses)
      .join(posts)
      .where(posts.c.score.eq(5))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, addresses.email, posts.title FROM users JOIN addresses ON addresses.user_id = users.id JOIN posts ON posts.author_id = users.id WHERE posts.score = $1',
        params: [5],
      },
      sqlite: {
        sql: 'SELECT users.name, addresses.email, posts.title FROM users JOIN addresses ON addresses.user_id = users.id JOIN posts ON posts.author_id = users.id WHERE posts.score = ?',
        params: [5],
      },
      mysql: {
        sql: 'SELECT users.name, addresses.email, posts.title FROM users JOIN addresses ON addresses.user_id = users.id JOIN posts ON posts.author_id = users.id WHERE posts.score = ?',
        params: [5],
      },
    })
    await expectRows(dbs, stmt, [['bob', 'bob@home', 'Bob here']])
  })

  it('Table.join in selectFrom', async () => {
    const stmt = select(users.c.name, posts.c.title).selectFrom(users.join(posts)).orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, posts.title FROM users JOIN posts ON posts.author_id = users.id ORDER BY posts.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, posts.title FROM users JOIN posts ON posts.author_id = users.id ORDER BY posts.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, posts.title FROM users JOIN posts ON posts.author_id = users.id ORDER BY posts.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'Hello'],
      ['ann', 'Again'],
      ['bob', 'Bob here'],
      ['cy', 'Cy post'],
    ])
  })

  it('Table.outerjoin in selectFrom', async () => {
    const stmt = select(users.c.name, posts.c.title)
      .selectFrom(users.outerjoin(posts))
      .where(users.c.id.ge(3))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, posts.title FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id WHERE users.id >= $1 ORDER BY users.id',
        params: [3],
      },
      sqlite: {
        sql: 'SELECT users.name, posts.title FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id WHERE users.id >= ? ORDER BY users.id',
        params: [3],
      },
      mysql: {
        sql: 'SELECT users.name, posts.title FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id WHERE users.id >= ? ORDER BY users.id',
        params: [3],
      },
    })
    await expectRows(dbs, stmt, [
      ['cy', 'Cy post'],
      ['dora', null],
    ])
  })

  it('Table.join with isOuter', async () => {
    const stmt = select(users.c.id, posts.c.id)
      .selectFrom(users.join(posts, void 0, { isOuter: true }))
      .where(posts.c.id.isNull())
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id WHERE posts.id IS NULL',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id WHERE posts.id IS NULL',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.id, posts.id AS id_1 FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id WHERE posts.id IS NULL',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[4, null]])
  })

  it('a join chain Join.join and Join.outerjoin', async () => {
    const stmt = select(users.c.name, addresses.c.email, posts.c.title)
      .selectFrom(users.join(posts).outerjoin(addresses))
      .where(posts.c.id.eq(4))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, addresses.email, posts.title FROM users JOIN posts ON posts.author_id = users.id LEFT OUTER JOIN addresses ON addresses.user_id = users.id WHERE posts.id = $1',
        params: [4],
      },
      sqlite: {
        sql: 'SELECT users.name, addresses.email, posts.title FROM users JOIN posts ON posts.author_id = users.id LEFT OUTER JOIN addresses ON addresses.user_id = users.id WHERE posts.id = ?',
        params: [4],
      },
      mysql: {
        sql: 'SELECT users.name, addresses.email, posts.title FROM users JOIN posts ON posts.author_id = users.id LEFT OUTER JOIN addresses ON addresses.user_id = users.id WHERE posts.id = ?',
        params: [4],
      },
    })
    await expectRows(dbs, stmt, [['cy', null, 'Cy post']])
  })

  it('the join infers ON from the referencing side too', async () => {
    const stmt = select(addresses.c.email, users.c.name)
      .selectFrom(addresses.join(users))
      .where(addresses.c.id.eq(3))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT addresses.email, users.name FROM addresses JOIN users ON addresses.user_id = users.id WHERE addresses.id = $1',
        params: [3],
      },
      sqlite: {
        sql: 'SELECT addresses.email, users.name FROM addresses JOIN users ON addresses.user_id = users.id WHERE addresses.id = ?',
        params: [3],
      },
      mysql: {
        sql: 'SELECT addresses.email, users.name FROM addresses JOIN users ON addresses.user_id = users.id WHERE addresses.id = ?',
        params: [3],
      },
    })
    await expectRows(dbs, stmt, [['bob@home', 'bob']])
  })

  it('a join to a join nests the right side', async () => {
    const stmt = select(users.c.name, addresses.c.email)
      .selectFrom(
        users.join(
          addresses.join(posts, posts.c.authorId.eq(addresses.c.userId)),
          addresses.c.userId.eq(users.c.id),
        ),
      )
      .where(posts.c.id.eq(3))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, addresses.email FROM users JOIN (addresses JOIN posts ON posts.author_id = addresses.user_id) ON addresses.user_id = users.id WHERE posts.id = $1',
        params: [3],
      },
      sqlite: {
        sql: 'SELECT users.name, addresses.email FROM users JOIN (addresses JOIN posts ON posts.author_id = addresses.user_id) ON addresses.user_id = users.id WHERE posts.id = ?',
        params: [3],
      },
      mysql: {
        sql: 'SELECT users.name, addresses.email FROM users JOIN (addresses JOIN posts ON posts.author_id = addresses.user_id) ON addresses.user_id = users.id WHERE posts.id = ?',
        params: [3],
      },
    })
    await expectRows(dbs, stmt, [['bob', 'bob@home']])
  })

  it('joins a table to its own alias', async () => {
    const parent = categories.alias('parent')
    const stmt = select(categories.c.name, parent.c.name)
      .selectFrom(categories.join(parent, categories.c.parentId.eq(parent.c.id)))
      .orderBy(categories.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT categories.name, parent.name AS name_1 FROM categories JOIN categories AS parent ON categories.parent_id = parent.id ORDER BY categories.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT categories.name, parent.name AS name_1 FROM categories JOIN categories AS parent ON categories.parent_id = parent.id ORDER BY categories.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT categories.name, parent.name AS name_1 FROM categories JOIN categories AS parent ON categories.parent_id = parent.id ORDER BY categories.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      ['a', 'root'],
      ['b', 'root'],
      ['a1', 'a'],
    ])
  })

  it('left joins an alias with an explicit ON', async () => {
    const child = categories.alias('child')
    const stmt = select(categories.c.name, func.count(child.c.id).label('children'))
      .selectFrom(categories.outerjoin(child, child.c.parentId.eq(categories.c.id)))
      .groupBy(categories.c.id, categories.c.name)
      .orderBy(categories.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT categories.name, count(child.id) AS children FROM categories LEFT OUTER JOIN categories AS child ON child.parent_id = categories.id GROUP BY categories.id, categories.name ORDER BY categories.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT categories.name, count(child.id) AS children FROM categories LEFT OUTER JOIN categories AS child ON child.parent_id = categories.id GROUP BY categories.id, categories.name ORDER BY categories.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT categories.name, count(child.id) AS children FROM categories LEFT OUTER JOIN categories AS child ON child.parent_id = categories.id GROUP BY categories.id, categories.name ORDER BY categories.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['root', '2'],
        ['a', '1'],
        ['b', '0'],
        ['a1', '0'],
      ],
      others: [
        ['root', 2],
        ['a', 1],
        ['b', 0],
        ['a1', 0],
      ],
    })
  })

  it('two aliases of one table', async () => {
    const a = users.alias('a')
    const b = users.alias('b')
    const stmt = select(a.c.name, b.c.name).where(a.c.age.lt(b.c.age), b.c.id.eq(1)).orderBy(a.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT a.name, b.name AS name_1 FROM users AS a, users AS b WHERE a.age < b.age AND b.id = $1 ORDER BY a.id',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT a.name, b.name AS name_1 FROM users AS a, users AS b WHERE a.age < b.age AND b.id = ? ORDER BY a.id',
        params: [1],
      },
      mysql: {
        sql: 'SELECT a.name, b.name AS name_1 FROM users AS a, users AS b WHERE a.age < b.age AND b.id = ? ORDER BY a.id',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [['bob', 'ann']])
  })

  it('an alias joined on its foreign key', async () => {
    const p = posts.alias('p')
    const stmt = select(users.c.name, p.c.title).selectFrom(users.join(p)).where(p.c.score.isNull())
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, p.title FROM users JOIN posts AS p ON p.author_id = users.id WHERE p.score IS NULL',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, p.title FROM users JOIN posts AS p ON p.author_id = users.id WHERE p.score IS NULL',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, p.title FROM users JOIN posts AS p ON p.author_id = users.id WHERE p.score IS NULL',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['ann', 'Again']])
  })

  it('a join with aggregate and group by', async () => {
    const stmt = select(users.c.name, func.count(posts.c.id).label('posts'))
      .outerjoin(posts)
      .groupBy(users.c.id, users.c.name)
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, count(posts.id) AS posts FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id GROUP BY users.id, users.name ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, count(posts.id) AS posts FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id GROUP BY users.id, users.name ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, count(posts.id) AS posts FROM users LEFT OUTER JOIN posts ON posts.author_id = users.id GROUP BY users.id, users.name ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', '2'],
        ['bob', '1'],
        ['cy', '1'],
        ['dora', '0'],
      ],
      others: [
        ['ann', 2],
        ['bob', 1],
        ['cy', 1],
        ['dora', 0],
      ],
    })
  })
})
