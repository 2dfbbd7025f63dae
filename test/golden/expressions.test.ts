import { describe, it } from 'vitest'
import {
  and,
  case_,
  cast,
  exists,
  false_,
  literal,
  not,
  null_,
  or,
  select,
  t,
  true_,
} from '../../core/index.js'
import { posts, useFixtureDatabases, users } from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('expressions', () => {
  const dbs = useFixtureDatabases('expr')

  it('eq', async () => {
    const stmt = select(users.c.id).where(users.c.name.eq('bob'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.name = $1', params: ['bob'] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.name = ?', params: ['bob'] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.name = ?', params: ['bob'] },
    })
    await expectRows(dbs, stmt, [[2]])
  })

  it('eq(null) is IS NULL', async () => {
    const stmt = select(users.c.id).where(users.c.email.eq(null))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.email IS NULL', params: [] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.email IS NULL', params: [] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.email IS NULL', params: [] },
    })
    await expectRows(dbs, stmt, [[2]])
  })

  it('ne', async () => {
    const stmt = select(users.c.id).where(users.c.name.ne('bob')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.name <> $1 ORDER BY users.id',
        params: ['bob'],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.name <> ? ORDER BY users.id', params: ['bob'] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.name <> ? ORDER BY users.id', params: ['bob'] },
    })
    await expectRows(dbs, stmt, [[1], [3], [4]])
  })

  it('ne(null) is IS NOT NULL', async () => {
    const stmt = select(users.c.id).where(users.c.age.ne(null)).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.age IS NOT NULL ORDER BY users.id',
        params: [],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.age IS NOT NULL ORDER BY users.id', params: [] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.age IS NOT NULL ORDER BY users.id', params: [] },
    })
    await expectRows(dbs, stmt, [[1], [2], [4]])
  })

  it('lt and le', async () => {
    const stmt = select(users.c.id).where(users.c.age.lt(30), users.c.id.le(2))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.age < $1 AND users.id <= $2',
        params: [30, 2],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.age < ? AND users.id <= ?', params: [30, 2] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.age < ? AND users.id <= ?', params: [30, 2] },
    })
    await expectRows(dbs, stmt, [[2]])
  })

  it('gt and ge', async () => {
    const stmt = select(users.c.id).where(users.c.age.gt(25), users.c.age.ge(41))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.age > $1 AND users.age >= $2',
        params: [25, 41],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.age > ? AND users.age >= ?', params: [25, 41] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.age > ? AND users.age >= ?', params: [25, 41] },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('compares two columns', async () => {
    const stmt = select(posts.c.id)
      .where(posts.c.score.gt(posts.c.authorId.mul(4)))
      .orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.id FROM posts WHERE posts.score > posts.author_id * $1 ORDER BY posts.id',
        params: [4],
      },
      sqlite: {
        sql: 'SELECT posts.id FROM posts WHERE posts.score > posts.author_id * ? ORDER BY posts.id',
        params: [4],
      },
      mysql: {
        sql: 'SELECT posts.id FROM posts WHERE posts.score > posts.author_id * ? ORDER BY posts.id',
        params: [4],
      },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('in a list', async () => {
    const stmt = select(users.c.name)
      .where(users.c.id.in([1, 3]))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.id IN ($1, $2) ORDER BY users.id',
        params: [1, 3],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (?, ?) ORDER BY users.id',
        params: [1, 3],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (?, ?) ORDER BY users.id',
        params: [1, 3],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['cy']])
  })

  it('in an empty list is always false', async () => {
    const stmt = select(users.c.name).where(users.c.id.in([]))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.name FROM users WHERE 1 = 0', params: [] },
      sqlite: { sql: 'SELECT users.name FROM users WHERE 1 = 0', params: [] },
      mysql: { sql: 'SELECT users.name FROM users WHERE 1 = 0', params: [] },
    })
    await expectRows(dbs, stmt, [])
  })

  it('notIn a list', async () => {
    const stmt = select(users.c.name)
      .where(users.c.id.notIn([1, 3]))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.id NOT IN ($1, $2) ORDER BY users.id',
        params: [1, 3],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE users.id NOT IN (?, ?) ORDER BY users.id',
        params: [1, 3],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE users.id NOT IN (?, ?) ORDER BY users.id',
        params: [1, 3],
      },
    })
    await expectRows(dbs, stmt, [['bob'], ['dora']])
  })

  it('notIn an empty list is always true', async () => {
    const stmt = select(users.c.id).where(users.c.id.notIn([])).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE 1 = 1 ORDER BY users.id', params: [] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE 1 = 1 ORDER BY users.id', params: [] },
      mysql: { sql: 'SELECT users.id FROM users WHERE 1 = 1 ORDER BY users.id', params: [] },
    })
    await expectRows(dbs, stmt, [[1], [2], [3], [4]])
  })

  it('in a list of strings', async () => {
    const stmt = select(users.c.id)
      .where(users.c.name.in(['cy', 'ann', 'zed']))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.name IN ($1, $2, $3) ORDER BY users.id',
        params: ['cy', 'ann', 'zed'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.name IN (?, ?, ?) ORDER BY users.id',
        params: ['cy', 'ann', 'zed'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.name IN (?, ?, ?) ORDER BY users.id',
        params: ['cy', 'ann', 'zed'],
      },
    })
    await expectRows(dbs, stmt, [[1], [3]])
  })

  it('in a list of expressions', async () => {
    const stmt = select(users.c.id)
      .where(users.c.age.in([users.c.id.mul(25), 41]))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.age IN (users.id * $1, $2) ORDER BY users.id',
        params: [25, 41],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.age IN (users.id * ?, ?) ORDER BY users.id',
        params: [25, 41],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.age IN (users.id * ?, ?) ORDER BY users.id',
        params: [25, 41],
      },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('between', async () => {
    const stmt = select(users.c.id).where(users.c.age.between(25, 30)).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.age BETWEEN $1 AND $2 ORDER BY users.id',
        params: [25, 30],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.age BETWEEN ? AND ? ORDER BY users.id',
        params: [25, 30],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.age BETWEEN ? AND ? ORDER BY users.id',
        params: [25, 30],
      },
    })
    await expectRows(dbs, stmt, [[1], [2]])
  })

  it('not(between)', async () => {
    const stmt = select(users.c.id)
      .where(not(users.c.age.between(25, 30)))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE NOT users.age BETWEEN $1 AND $2 ORDER BY users.id',
        params: [25, 30],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE NOT users.age BETWEEN ? AND ? ORDER BY users.id',
        params: [25, 30],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE NOT users.age BETWEEN ? AND ? ORDER BY users.id',
        params: [25, 30],
      },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('like', async () => {
    const stmt = select(users.c.id).where(users.c.email.like('%@x.org')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE $1 ORDER BY users.id',
        params: ['%@x.org'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%@x.org'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%@x.org'],
      },
    })
    await expectRows(dbs, stmt, [[1], [3]])
  })

  it('notLike', async () => {
    const stmt = select(users.c.id).where(users.c.email.notLike('%@x.org'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.email NOT LIKE $1', params: ['%@x.org'] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.email NOT LIKE ?', params: ['%@x.org'] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.email NOT LIKE ?', params: ['%@x.org'] },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('like with an escape character', async () => {
    const stmt = select(users.c.id).where(users.c.email.like('%!%%', { escape: '!' }))
    testSql(stmt, {
      postgresql: {
        sql: "SELECT users.id FROM users WHERE users.email LIKE $1 ESCAPE '!'",
        params: ['%!%%'],
      },
      sqlite: { sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '!'", params: ['%!%%'] },
      mysql: { sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '!'", params: ['%!%%'] },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('ilike', async () => {
    const stmt = select(users.c.id).where(users.c.name.ilike('AN%'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.name ILIKE $1', params: ['AN%'] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?)', params: ['AN%'] },
      mysql: { sql: 'SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?)', params: ['AN%'] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('notIlike', async () => {
    const stmt = select(users.c.id).where(users.c.name.notIlike('%O%')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.name NOT ILIKE $1 ORDER BY users.id',
        params: ['%O%'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE lower(users.name) NOT LIKE lower(?) ORDER BY users.id',
        params: ['%O%'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE lower(users.name) NOT LIKE lower(?) ORDER BY users.id',
        params: ['%O%'],
      },
    })
    await expectRows(dbs, stmt, [[1], [3]])
  })

  it('startsWith', async () => {
    const stmt = select(users.c.id).where(users.c.email.startsWith('cy'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE users.email LIKE $1', params: ['cy%'] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.email LIKE ?', params: ['cy%'] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.email LIKE ?', params: ['cy%'] },
    })
    await expectRows(dbs, stmt, [[3]])
  })

  it('endsWith', async () => {
    const stmt = select(users.c.id).where(users.c.email.endsWith('.org')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE $1 ORDER BY users.id',
        params: ['%.org'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%.org'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%.org'],
      },
    })
    await expectRows(dbs, stmt, [[1], [3], [4]])
  })

  it('contains', async () => {
    const stmt = select(users.c.id).where(users.c.email.contains('@x')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE $1 ORDER BY users.id',
        params: ['%@x%'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%@x%'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%@x%'],
      },
    })
    await expectRows(dbs, stmt, [[1], [3]])
  })

  it('contains without autoescape treats _ as a wildcard', async () => {
    const stmt = select(users.c.id).where(users.c.email.contains('y_')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE $1 ORDER BY users.id',
        params: ['%y_%'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%y_%'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.email LIKE ? ORDER BY users.id',
        params: ['%y_%'],
      },
    })
    await expectRows(dbs, stmt, [[3], [4]])
  })

  it('contains with autoescape matches _ literally', async () => {
    const stmt = select(users.c.id).where(users.c.email.contains('y_', { autoescape: true }))
    testSql(stmt, {
      postgresql: {
        sql: "SELECT users.id FROM users WHERE users.email LIKE $1 ESCAPE '/'",
        params: ['%y/_%'],
      },
      sqlite: { sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '/'", params: ['%y/_%'] },
      mysql: { sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '/'", params: ['%y/_%'] },
    })
    await expectRows(dbs, stmt, [[3]])
  })

  it('startsWith with autoescape matches % literally', async () => {
    const stmt = select(users.c.id).where(users.c.email.startsWith('dora%', { autoescape: true }))
    testSql(stmt, {
      postgresql: {
        sql: "SELECT users.id FROM users WHERE users.email LIKE $1 ESCAPE '/'",
        params: ['dora/%%'],
      },
      sqlite: { sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '/'", params: ['dora/%%'] },
      mysql: { sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '/'", params: ['dora/%%'] },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('endsWith with autoescape', async () => {
    const stmt = select(users.c.id).where(users.c.email.endsWith('%@y.org', { autoescape: true }))
    testSql(stmt, {
      postgresql: {
        sql: "SELECT users.id FROM users WHERE users.email LIKE $1 ESCAPE '/'",
        params: ['%/%@y.org'],
      },
      sqlite: {
        sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '/'",
        params: ['%/%@y.org'],
      },
      mysql: { sql: "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '/'", params: ['%/%@y.org'] },
    })
    await expectRows(dbs, stmt, [[4]])
  })

  it('isNull', async () => {
    const stmt = select(posts.c.id).where(posts.c.score.isNull())
    testSql(stmt, {
      postgresql: { sql: 'SELECT posts.id FROM posts WHERE posts.score IS NULL', params: [] },
      sqlite: { sql: 'SELECT posts.id FROM posts WHERE posts.score IS NULL', params: [] },
      mysql: { sql: 'SELECT posts.id FROM posts WHERE posts.score IS NULL', params: [] },
    })
    await expectRows(dbs, stmt, [[2]])
  })

  it('isNotNull', async () => {
    const stmt = select(posts.c.id).where(posts.c.score.isNotNull()).orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.id FROM posts WHERE posts.score IS NOT NULL ORDER BY posts.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT posts.id FROM posts WHERE posts.score IS NOT NULL ORDER BY posts.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT posts.id FROM posts WHERE posts.score IS NOT NULL ORDER BY posts.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[1], [3], [4]])
  })

  it('arithmetic', async () => {
    const stmt = select(
      users.c.age.add(1).label('a'),
      users.c.age.sub(5).label('s'),
      users.c.age.mul(2).label('m'),
      users.c.age.div(4).label('d'),
      users.c.age.mod(7).label('r'),
    ).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.age + $1 AS a, users.age - $2 AS s, users.age * $3 AS m, users.age / $4 AS d, users.age % $5 AS r FROM users WHERE users.id = $6',
        params: [1, 5, 2, 4, 7, 1],
      },
      sqlite: {
        sql: 'SELECT users.age + ? AS a, users.age - ? AS s, users.age * ? AS m, users.age / ? AS d, users.age % ? AS r FROM users WHERE users.id = ?',
        params: [1, 5, 2, 4, 7, 1],
      },
      mysql: {
        sql: 'SELECT users.age + ? AS a, users.age - ? AS s, users.age * ? AS m, users.age / ? AS d, users.age % ? AS r FROM users WHERE users.id = ?',
        params: [1, 5, 2, 4, 7, 1],
      },
    })
    await expectRows(dbs, stmt, { postgresql: [[31, 25, 60, 7, 2]], others: [[31, 25, 60, 7.5, 2]] })
  })

  it('arithmetic keeps the grouping of the right operand', async () => {
    const stmt = select(
      users.c.age.sub(users.c.id.sub(1)).label('x'),
      users.c.age.mul(users.c.id.add(1)).label('y'),
      users.c.age.div(users.c.id.mul(2)).label('z'),
    ).where(users.c.id.eq(2))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.age - (users.id - $1) AS x, users.age * (users.id + $2) AS y, users.age / (users.id * $3) AS z FROM users WHERE users.id = $4',
        params: [1, 1, 2, 2],
      },
      sqlite: {
        sql: 'SELECT users.age - (users.id - ?) AS x, users.age * (users.id + ?) AS y, users.age / (users.id * ?) AS z FROM users WHERE users.id = ?',
        params: [1, 1, 2, 2],
      },
      mysql: {
        sql: 'SELECT users.age - (users.id - ?) AS x, users.age * (users.id + ?) AS y, users.age / (users.id * ?) AS z FROM users WHERE users.id = ?',
        params: [1, 1, 2, 2],
      },
    })
    await expectRows(dbs, stmt, { postgresql: [[24, 75, 6]], others: [[24, 75, 6.25]] })
  })

  it('arithmetic on the left needs no parentheses', async () => {
    const stmt = select(users.c.age.add(1).mul(2).label('x'), users.c.age.mul(2).add(1).label('y')).where(
      users.c.id.eq(1),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT (users.age + $1) * $2 AS x, users.age * $3 + $4 AS y FROM users WHERE users.id = $5',
        params: [1, 2, 2, 1, 1],
      },
      sqlite: {
        sql: 'SELECT (users.age + ?) * ? AS x, users.age * ? + ? AS y FROM users WHERE users.id = ?',
        params: [1, 2, 2, 1, 1],
      },
      mysql: {
        sql: 'SELECT (users.age + ?) * ? AS x, users.age * ? + ? AS y FROM users WHERE users.id = ?',
        params: [1, 2, 2, 1, 1],
      },
    })
    await expectRows(dbs, stmt, [[62, 61]])
  })

  it('arithmetic in a comparison', async () => {
    const stmt = select(users.c.id)
      .where(users.c.age.add(5).gt(users.c.id.mul(10)))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.age + $1 > users.id * $2 ORDER BY users.id',
        params: [5, 10],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.age + ? > users.id * ? ORDER BY users.id',
        params: [5, 10],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.age + ? > users.id * ? ORDER BY users.id',
        params: [5, 10],
      },
    })
    await expectRows(dbs, stmt, [[1], [2], [4]])
  })

  it('concat', async () => {
    const stmt = select(users.c.name.concat('!').label('x')).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name || $1::VARCHAR AS x FROM users WHERE users.id = $2',
        params: ['!', 1],
      },
      sqlite: { sql: 'SELECT users.name || ? AS x FROM users WHERE users.id = ?', params: ['!', 1] },
      mysql: { sql: 'SELECT concat(users.name, ?) AS x FROM users WHERE users.id = ?', params: ['!', 1] },
    })
    await expectRows(dbs, stmt, [['ann!']])
  })

  it('concat of columns and values', async () => {
    const stmt = select(users.c.name.concat(':').concat(users.c.email).label('x')).where(users.c.id.eq(3))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name || $1::VARCHAR || users.email AS x FROM users WHERE users.id = $2',
        params: [':', 3],
      },
      sqlite: {
        sql: 'SELECT users.name || ? || users.email AS x FROM users WHERE users.id = ?',
        params: [':', 3],
      },
      mysql: {
        sql: 'SELECT concat(concat(users.name, ?), users.email) AS x FROM users WHERE users.id = ?',
        params: [':', 3],
      },
    })
    await expectRows(dbs, stmt, [['cy:cy_1@x.org']])
  })

  it('concat compared with a value', async () => {
    const stmt = select(users.c.id).where(users.c.name.concat('x').eq('annx'))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.name || $1::VARCHAR = $2',
        params: ['x', 'annx'],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.name || ? = ?', params: ['x', 'annx'] },
      mysql: { sql: 'SELECT users.id FROM users WHERE concat(users.name, ?) = ?', params: ['x', 'annx'] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('case_ searched', async () => {
    const stmt = select(
      users.c.name,
      case_(
        [
          [users.c.age.lt(30), 'young'],
          [users.c.age.ge(30), 'older'],
        ],
        { else_: 'unknown' },
      ).label('band'),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, CASE WHEN users.age < $1 THEN $2::VARCHAR WHEN users.age >= $3 THEN $4::VARCHAR ELSE $5::VARCHAR END AS band FROM users ORDER BY users.id',
        params: [30, 'young', 30, 'older', 'unknown'],
      },
      sqlite: {
        sql: 'SELECT users.name, CASE WHEN users.age < ? THEN ? WHEN users.age >= ? THEN ? ELSE ? END AS band FROM users ORDER BY users.id',
        params: [30, 'young', 30, 'older', 'unknown'],
      },
      mysql: {
        sql: 'SELECT users.name, CASE WHEN users.age < ? THEN ? WHEN users.age >= ? THEN ? ELSE ? END AS band FROM users ORDER BY users.id',
        params: [30, 'young', 30, 'older', 'unknown'],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'older'],
      ['bob', 'young'],
      ['cy', 'unknown'],
      ['dora', 'older'],
    ])
  })

  it('case_ without else gives null', async () => {
    const stmt = select(case_([[users.c.active.eq(true), 1]]).label('x')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT CASE WHEN users.active = $1 THEN $2::INTEGER END AS x FROM users ORDER BY users.id',
        params: [true, 1],
      },
      sqlite: {
        sql: 'SELECT CASE WHEN users.active = ? THEN ? END AS x FROM users ORDER BY users.id',
        params: [1, 1],
      },
      mysql: {
        sql: 'SELECT CASE WHEN users.active = ? THEN ? END AS x FROM users ORDER BY users.id',
        params: [1, 1],
      },
    })
    await expectRows(dbs, stmt, [[1], [null], [1], [null]])
  })

  it('case_ with a value', async () => {
    const stmt = select(
      case_(
        [
          ['ann', 'A'],
          ['bob', 'B'],
        ],
        { value: users.c.name, else_: '?' },
      ).label('initial'),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT CASE users.name WHEN $1 THEN $2::VARCHAR WHEN $3 THEN $4::VARCHAR ELSE $5::VARCHAR END AS initial FROM users ORDER BY users.id',
        params: ['ann', 'A', 'bob', 'B', '?'],
      },
      sqlite: {
        sql: 'SELECT CASE users.name WHEN ? THEN ? WHEN ? THEN ? ELSE ? END AS initial FROM users ORDER BY users.id',
        params: ['ann', 'A', 'bob', 'B', '?'],
      },
      mysql: {
        sql: 'SELECT CASE users.name WHEN ? THEN ? WHEN ? THEN ? ELSE ? END AS initial FROM users ORDER BY users.id',
        params: ['ann', 'A', 'bob', 'B', '?'],
      },
    })
    await expectRows(dbs, stmt, [['A'], ['B'], ['?'], ['?']])
  })

  it('case_ with column results', async () => {
    const stmt = select(
      case_([[users.c.age.isNull(), users.c.id]], { else_: users.c.age }).label('x'),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT CASE WHEN users.age IS NULL THEN users.id ELSE users.age END AS x FROM users ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT CASE WHEN users.age IS NULL THEN users.id ELSE users.age END AS x FROM users ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT CASE WHEN users.age IS NULL THEN users.id ELSE users.age END AS x FROM users ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[30], [25], [3], [41]])
  })

  it('cast to a string', async () => {
    const stmt = select(cast(users.c.id, t.String(10)).label('s')).where(users.c.id.eq(2))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT CAST(users.id AS VARCHAR(10)) AS s FROM users WHERE users.id = $1',
        params: [2],
      },
      sqlite: { sql: 'SELECT CAST(users.id AS TEXT) AS s FROM users WHERE users.id = ?', params: [2] },
      mysql: { sql: 'SELECT CAST(users.id AS CHAR) AS s FROM users WHERE users.id = ?', params: [2] },
    })
    await expectRows(dbs, stmt, [['2']])
  })

  it('cast to an integer', async () => {
    const stmt = select(cast('42', t.Integer).label('n')).selectFrom(users).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT CAST($1 AS INTEGER) AS n FROM users WHERE users.id = $2',
        params: ['42', 1],
      },
      sqlite: { sql: 'SELECT CAST(? AS INTEGER) AS n FROM users WHERE users.id = ?', params: ['42', 1] },
      mysql: { sql: 'SELECT CAST(? AS SIGNED) AS n FROM users WHERE users.id = ?', params: ['42', 1] },
    })
    await expectRows(dbs, stmt, [[42]])
  })

  it('ColumnElement.cast', async () => {
    const stmt = select(users.c.age.cast(t.Float).label('f')).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT CAST(users.age AS DOUBLE PRECISION) AS f FROM users WHERE users.id = $1',
        params: [1],
      },
      sqlite: { sql: 'SELECT CAST(users.age AS REAL) AS f FROM users WHERE users.id = ?', params: [1] },
      mysql: { sql: 'SELECT CAST(users.age AS DOUBLE) AS f FROM users WHERE users.id = ?', params: [1] },
    })
    await expectRows(dbs, stmt, [[30]])
  })

  it('and, or and not', async () => {
    const stmt = select(users.c.id)
      .where(and(or(users.c.age.lt(26), users.c.age.gt(40)), not(users.c.active.eq(true))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE (users.age < $1 OR users.age > $2) AND NOT users.active = $3 ORDER BY users.id',
        params: [26, 40, true],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE (users.age < ? OR users.age > ?) AND NOT users.active = ? ORDER BY users.id',
        params: [26, 40, 1],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE (users.age < ? OR users.age > ?) AND NOT users.active = ? ORDER BY users.id',
        params: [26, 40, 1],
      },
    })
    await expectRows(dbs, stmt, [[2], [4]])
  })

  it('not(or()) keeps the parentheses', async () => {
    const stmt = select(users.c.id)
      .where(not(or(users.c.id.eq(1), users.c.id.eq(2))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE NOT (users.id = $1 OR users.id = $2) ORDER BY users.id',
        params: [1, 2],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE NOT (users.id = ? OR users.id = ?) ORDER BY users.id',
        params: [1, 2],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE NOT (users.id = ? OR users.id = ?) ORDER BY users.id',
        params: [1, 2],
      },
    })
    await expectRows(dbs, stmt, [[3], [4]])
  })

  it('not(and()) keeps the parentheses', async () => {
    const stmt = select(users.c.id)
      .where(not(and(users.c.id.gt(1), users.c.active.eq(true))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE NOT (users.id > $1 AND users.active = $2) ORDER BY users.id',
        params: [1, true],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE NOT (users.id > ? AND users.active = ?) ORDER BY users.id',
        params: [1, 1],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE NOT (users.id > ? AND users.active = ?) ORDER BY users.id',
        params: [1, 1],
      },
    })
    await expectRows(dbs, stmt, [[1], [2], [4]])
  })

  it('or inside and', async () => {
    const stmt = select(users.c.id)
      .where(users.c.id.gt(1), or(users.c.name.eq('bob'), users.c.name.eq('dora')))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.id > $1 AND (users.name = $2 OR users.name = $3) ORDER BY users.id',
        params: [1, 'bob', 'dora'],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.id > ? AND (users.name = ? OR users.name = ?) ORDER BY users.id',
        params: [1, 'bob', 'dora'],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.id > ? AND (users.name = ? OR users.name = ?) ORDER BY users.id',
        params: [1, 'bob', 'dora'],
      },
    })
    await expectRows(dbs, stmt, [[2], [4]])
  })

  it('and() of nothing is true, or() of nothing is false', async () => {
    const stmt = select(users.c.id).where(and(), not(or())).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE true AND NOT false ORDER BY users.id',
        params: [],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE 1 AND NOT 0 ORDER BY users.id', params: [] },
      mysql: { sql: 'SELECT users.id FROM users WHERE true AND NOT false ORDER BY users.id', params: [] },
    })
    await expectRows(dbs, stmt, [[1], [2], [3], [4]])
  })

  it('literal values', async () => {
    const stmt = select(literal(3).label('i'), literal('x').label('s'), literal(2.5).label('f')).where(
      literal(1).lt(2),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT $1::INTEGER AS i, $2::VARCHAR AS s, $3::DOUBLE PRECISION AS f WHERE $4::INTEGER < $5::INTEGER',
        params: [3, 'x', 2.5, 1, 2],
      },
      sqlite: { sql: 'SELECT ? AS i, ? AS s, ? AS f WHERE ? < ?', params: [3, 'x', 2.5, 1, 2] },
      mysql: { sql: 'SELECT ? AS i, ? AS s, ? AS f FROM DUAL WHERE ? < ?', params: [3, 'x', 2.5, 1, 2] },
    })
    await expectRows(dbs, stmt, [[3, 'x', 2.5]])
  })

  it('true_ and false_', async () => {
    const stmt = select(users.c.id).where(or(false_(), true_())).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE (false OR true) AND users.id = $1', params: [1] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE (0 OR 1) AND users.id = ?', params: [1] },
      mysql: { sql: 'SELECT users.id FROM users WHERE (false OR true) AND users.id = ?', params: [1] },
    })
    await expectRows(dbs, stmt, [[1]])
  })

  it('true_ selected', async () => {
    const stmt = select(true_().label('t'), false_().label('f'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT true AS t, false AS f', params: [] },
      sqlite: { sql: 'SELECT 1 AS t, 0 AS f', params: [] },
      mysql: { sql: 'SELECT true AS t, false AS f', params: [] },
    })
    await expectRows(dbs, stmt, { postgresql: [[true, false]], others: [[1, 0]] })
  })

  it('null_', async () => {
    const stmt = select(users.c.id, null_().label('nothing')).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id, NULL AS nothing FROM users WHERE users.id = $1', params: [1] },
      sqlite: { sql: 'SELECT users.id, NULL AS "nothing" FROM users WHERE users.id = ?', params: [1] },
      mysql: { sql: 'SELECT users.id, NULL AS nothing FROM users WHERE users.id = ?', params: [1] },
    })
    await expectRows(dbs, stmt, [[1, null]])
  })

  it('compares with a boolean column', async () => {
    const stmt = select(users.c.id).where(users.c.active.eq(false)).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.active = $1 ORDER BY users.id',
        params: [false],
      },
      sqlite: { sql: 'SELECT users.id FROM users WHERE users.active = ? ORDER BY users.id', params: [0] },
      mysql: { sql: 'SELECT users.id FROM users WHERE users.active = ? ORDER BY users.id', params: [0] },
    })
    await expectRows(dbs, stmt, [[2], [4]])
  })

  it('a boolean expression compared with a boolean', async () => {
    const stmt = select(users.c.id).where(users.c.age.gt(26).eq(true)).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE (users.age > $1) = $2 ORDER BY users.id',
        params: [26, true],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE (users.age > ?) = ? ORDER BY users.id',
        params: [26, 1],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE (users.age > ?) = ? ORDER BY users.id',
        params: [26, 1],
      },
    })
    await expectRows(dbs, stmt, [[1], [4]])
  })

  it('labels an expression', async () => {
    const stmt = select(users.c.name.label('who'), users.c.age.label('years')).where(users.c.id.eq(4))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name AS who, users.age AS years FROM users WHERE users.id = $1',
        params: [4],
      },
      sqlite: {
        sql: 'SELECT users.name AS who, users.age AS years FROM users WHERE users.id = ?',
        params: [4],
      },
      mysql: {
        sql: 'SELECT users.name AS who, users.age AS years FROM users WHERE users.id = ?',
        params: [4],
      },
    })
    await expectRows(dbs, stmt, [['dora', 41]])
  })

  it('IS NULL on a comparison wraps the comparison', async () => {
    const stmt = select(users.c.id).where(users.c.age.gt(26).isNull())
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.id FROM users WHERE (users.age > $1) IS NULL', params: [26] },
      sqlite: { sql: 'SELECT users.id FROM users WHERE (users.age > ?) IS NULL', params: [26] },
      mysql: { sql: 'SELECT users.id FROM users WHERE (users.age > ?) IS NULL', params: [26] },
    })
    await expectRows(dbs, stmt, [[3]])
  })

  it('a value bound with a column type keeps its full length on PostgreSQL', async () => {
    const stmt = select(
      case_([[users.c.id.eq(0), users.c.name]], {
        else_: 'a string longer than fifty characters, which must not be cut off',
      }).label('x'),
    ).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT CASE WHEN users.id = $1 THEN users.name ELSE $2::VARCHAR END AS x FROM users WHERE users.id = $3',
        params: [0, 'a string longer than fifty characters, which must not be cut off', 1],
      },
      sqlite: {
        sql: 'SELECT CASE WHEN users.id = ? THEN users.name ELSE ? END AS x FROM users WHERE users.id = ?',
        params: [0, 'a string longer than fifty characters, which must not be cut off', 1],
      },
      mysql: {
        sql: 'SELECT CASE WHEN users.id = ? THEN users.name ELSE ? END AS x FROM users WHERE users.id = ?',
        params: [0, 'a string longer than fifty characters, which must not be cut off', 1],
      },
    })
    await expectRows(dbs, stmt, [['a string longer than fifty characters, which must not be cut off']])
  })

  it('an IN predicate compared with a boolean', async () => {
    const stmt = select(users.c.id)
      .where(users.c.id.in([1, 2]).eq(false))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE (users.id IN ($1, $2)) = $3 ORDER BY users.id',
        params: [1, 2, false],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE (users.id IN (?, ?)) = ? ORDER BY users.id',
        params: [1, 2, 0],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE (users.id IN (?, ?)) = ? ORDER BY users.id',
        params: [1, 2, 0],
      },
    })
    await expectRows(dbs, stmt, [[3], [4]])
  })

  it('not(not()) keeps both', async () => {
    const stmt = select(users.c.id)
      .where(not(not(users.c.active.eq(true))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE NOT (NOT users.active = $1) ORDER BY users.id',
        params: [true],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE NOT (NOT users.active = ?) ORDER BY users.id',
        params: [1],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE NOT (NOT users.active = ?) ORDER BY users.id',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [[1], [3]])
  })

  it('exists() selected as a value', async () => {
    const stmt = select(
      users.c.name,
      exists(select(posts.c.id).where(posts.c.authorId.eq(users.c.id))).label('wrote'),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id) AS wrote FROM users ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id) AS wrote FROM users ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id) AS wrote FROM users ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', true],
        ['bob', true],
        ['cy', true],
        ['dora', false],
      ],
      others: [
        ['ann', 1],
        ['bob', 1],
        ['cy', 1],
        ['dora', 0],
      ],
    })
  })

  it('labels that need quoting', async () => {
    const stmt = select(users.c.name.label('Full Name'), users.c.id.label('order')).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name AS "Full Name", users.id AS "order" FROM users WHERE users.id = $1',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT users.name AS "Full Name", users.id AS "order" FROM users WHERE users.id = ?',
        params: [1],
      },
      mysql: {
        sql: 'SELECT users.name AS `Full Name`, users.id AS `order` FROM users WHERE users.id = ?',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [['ann', 1]])
  })

  it('a negated IS NULL', async () => {
    const stmt = select(users.c.id).where(not(users.c.email.isNull())).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE NOT users.email IS NULL ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE NOT users.email IS NULL ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE NOT users.email IS NULL ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [[1], [3], [4]])
  })
})
