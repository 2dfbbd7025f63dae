import { describe, expect, it } from 'vitest'
import { ArgumentError, type ColumnElement, func, select } from '../../core/index.js'
import { posts, useFixtureDatabases, users } from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('functions', () => {
  const dbs = useFixtureDatabases('func')

  it('count(*)', async () => {
    const stmt = select(func.count()).selectFrom(users)
    testSql(stmt, {
      postgresql: { sql: 'SELECT count(*) FROM users', params: [] },
      sqlite: { sql: 'SELECT count(*) FROM users', params: [] },
      mysql: { sql: 'SELECT count(*) FROM users', params: [] },
    })
    await expectRows(dbs, stmt, { postgresql: [['4']], others: [[4]] })
  })

  it('count(column) skips nulls', async () => {
    const stmt = select(func.count(users.c.email).label('n'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT count(users.email) AS n FROM users', params: [] },
      sqlite: { sql: 'SELECT count(users.email) AS n FROM users', params: [] },
      mysql: { sql: 'SELECT count(users.email) AS n FROM users', params: [] },
    })
    await expectRows(dbs, stmt, { postgresql: [['3']], others: [[3]] })
  })

  it('countDistinct', async () => {
    const stmt = select(func.countDistinct(posts.c.authorId).label('authors'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT count(DISTINCT posts.author_id) AS authors FROM posts', params: [] },
      sqlite: { sql: 'SELECT count(DISTINCT posts.author_id) AS authors FROM posts', params: [] },
      mysql: { sql: 'SELECT count(DISTINCT posts.author_id) AS authors FROM posts', params: [] },
    })
    await expectRows(dbs, stmt, { postgresql: [['3']], others: [[3]] })
  })

  it('max and min', async () => {
    const stmt = select(func.max(users.c.age).label('hi'), func.min(users.c.age).label('lo'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT max(users.age) AS hi, min(users.age) AS lo FROM users', params: [] },
      sqlite: { sql: 'SELECT max(users.age) AS hi, min(users.age) AS lo FROM users', params: [] },
      mysql: { sql: 'SELECT max(users.age) AS hi, min(users.age) AS lo FROM users', params: [] },
    })
    await expectRows(dbs, stmt, [[41, 25]])
  })

  it('sum', async () => {
    const stmt = select(func.sum(posts.c.score).label('total'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT sum(posts.score) AS total FROM posts', params: [] },
      sqlite: { sql: 'SELECT sum(posts.score) AS total FROM posts', params: [] },
      mysql: { sql: 'SELECT sum(posts.score) AS total FROM posts', params: [] },
    })
    await expectRows(dbs, stmt, { others: [['22']], sqlite: [[22]] })
  })

  it('avg', async () => {
    const stmt = select(func.avg(users.c.id).label('mean'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT avg(users.id) AS mean FROM users', params: [] },
      sqlite: { sql: 'SELECT avg(users.id) AS mean FROM users', params: [] },
      mysql: { sql: 'SELECT avg(users.id) AS mean FROM users', params: [] },
    })
    await expectRows(dbs, stmt, {
      postgresql: [['2.5000000000000000']],
      sqlite: [[2.5]],
      mysql: [['2.5000']],
    })
  })

  it('coalesce', async () => {
    const stmt = select(users.c.id, func.coalesce(users.c.email, users.c.name).label('contact')).orderBy(
      users.c.id,
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, coalesce(users.email, users.name) AS contact FROM users ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.id, coalesce(users.email, users.name) AS contact FROM users ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.id, coalesce(users.email, users.name) AS contact FROM users ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      [1, 'ann@x.org'],
      [2, 'bob'],
      [3, 'cy_1@x.org'],
      [4, 'dora%@y.org'],
    ])
  })

  it('coalesce with a value', async () => {
    const stmt = select(func.coalesce(posts.c.score, 0).label('s')).orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT coalesce(posts.score, $1::INTEGER) AS s FROM posts ORDER BY posts.id',
        params: [0],
      },
      sqlite: { sql: 'SELECT coalesce(posts.score, ?) AS s FROM posts ORDER BY posts.id', params: [0] },
      mysql: { sql: 'SELECT coalesce(posts.score, ?) AS s FROM posts ORDER BY posts.id', params: [0] },
    })
    await expectRows(dbs, stmt, [[10], [0], [5], [7]])
  })

  it('lower and upper', async () => {
    const stmt = select(
      func.upper(users.c.name).label('u'),
      func.lower(func.upper(users.c.name)).label('l'),
    ).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT upper(users.name) AS u, lower(upper(users.name)) AS l FROM users WHERE users.id = $1',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT upper(users.name) AS u, lower(upper(users.name)) AS l FROM users WHERE users.id = ?',
        params: [1],
      },
      mysql: {
        sql: 'SELECT upper(users.name) AS u, lower(upper(users.name)) AS l FROM users WHERE users.id = ?',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [['ANN', 'ann']])
  })

  it('any function by name: abs', async () => {
    const stmt = select(func.abs(users.c.age.sub(40)).label('d')).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: { sql: 'SELECT abs(users.age - $1) AS d FROM users ORDER BY users.id', params: [40] },
      sqlite: { sql: 'SELECT abs(users.age - ?) AS d FROM users ORDER BY users.id', params: [40] },
      mysql: { sql: 'SELECT abs(users.age - ?) AS d FROM users ORDER BY users.id', params: [40] },
    })
    await expectRows(dbs, stmt, [[10], [15], [null], [1]])
  })

  it('any function by name: replace', async () => {
    const stmt = select(func.replace(users.c.name, 'a', 'A').label('r')).where(users.c.id.eq(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT replace(users.name, $1::VARCHAR, $2::VARCHAR) AS r FROM users WHERE users.id = $3',
        params: ['a', 'A', 1],
      },
      sqlite: {
        sql: 'SELECT replace(users.name, ?, ?) AS r FROM users WHERE users.id = ?',
        params: ['a', 'A', 1],
      },
      mysql: {
        sql: 'SELECT replace(users.name, ?, ?) AS r FROM users WHERE users.id = ?',
        params: ['a', 'A', 1],
      },
    })
    await expectRows(dbs, stmt, [['Ann']])
  })

  it('length', async () => {
    const stmt = select(users.c.name).where(func.length(users.c.name).eq(2))
    testSql(stmt, {
      postgresql: { sql: 'SELECT users.name FROM users WHERE length(users.name) = $1', params: [2] },
      sqlite: { sql: 'SELECT users.name FROM users WHERE length(users.name) = ?', params: [2] },
      mysql: { sql: 'SELECT users.name FROM users WHERE length(users.name) = ?', params: [2] },
    })
    await expectRows(dbs, stmt, [['cy']])
  })

  it('an aggregate in HAVING with a label in the select', async () => {
    const stmt = select(posts.c.authorId, func.sum(posts.c.score).label('total'))
      .groupBy(posts.c.authorId)
      .having(func.sum(posts.c.score).gt(6))
      .orderBy(posts.c.authorId)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.author_id AS "authorId", sum(posts.score) AS total FROM posts GROUP BY posts.author_id HAVING sum(posts.score) > $1 ORDER BY posts.author_id',
        params: [6],
      },
      sqlite: {
        sql: 'SELECT posts.author_id AS "authorId", sum(posts.score) AS total FROM posts GROUP BY posts.author_id HAVING sum(posts.score) > ? ORDER BY posts.author_id',
        params: [6],
      },
      mysql: {
        sql: 'SELECT posts.author_id AS `authorId`, sum(posts.score) AS total FROM posts GROUP BY posts.author_id HAVING sum(posts.score) > ? ORDER BY posts.author_id',
        params: [6],
      },
    })
    await expectRows(dbs, stmt, {
      others: [
        [1, '10'],
        [3, '7'],
      ],
      sqlite: [
        [1, 10],
        [3, 7],
      ],
    })
  })

  it('aggregate filter', async () => {
    const stmt = select(
      func.count().filter(users.c.active.eq(true)).label('active'),
      func.count().label('all'),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT count(*) FILTER (WHERE users.active = $1) AS active, count(*) AS "all" FROM users',
        params: [true],
      },
      sqlite: {
        sql: 'SELECT count(*) FILTER (WHERE users.active = ?) AS active, count(*) AS "all" FROM users',
        params: [1],
      },
      mysql: {
        sql: 'SELECT count(CASE WHEN users.active = ? THEN 1 END) AS active, count(*) AS `all` FROM users',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, { postgresql: [['2', '4']], others: [[2, 4]] })
  })

  it('aggregate filter on a column', async () => {
    const stmt = select(func.sum(posts.c.score).filter(posts.c.authorId.eq(1)).label('ann'))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT sum(posts.score) FILTER (WHERE posts.author_id = $1) AS ann FROM posts',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT sum(posts.score) FILTER (WHERE posts.author_id = ?) AS ann FROM posts',
        params: [1],
      },
      mysql: {
        sql: 'SELECT sum(CASE WHEN posts.author_id = ? THEN posts.score END) AS ann FROM posts',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, { others: [['10']], sqlite: [[10]] })
  })

  it('count(column) with filter', async () => {
    const stmt = select(func.count(users.c.age).filter(users.c.age.gt(26)).label('n'))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT count(users.age) FILTER (WHERE users.age > $1) AS n FROM users',
        params: [26],
      },
      sqlite: { sql: 'SELECT count(users.age) FILTER (WHERE users.age > ?) AS n FROM users', params: [26] },
      mysql: {
        sql: 'SELECT count(CASE WHEN users.age > ? THEN users.age END) AS n FROM users',
        params: [26],
      },
    })
    await expectRows(dbs, stmt, { postgresql: [['2']], others: [[2]] })
  })

  it('countDistinct with filter', async () => {
    const stmt = select(func.countDistinct(posts.c.authorId).filter(posts.c.score.gt(6)).label('n'))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT count(DISTINCT posts.author_id) FILTER (WHERE posts.score > $1) AS n FROM posts',
        params: [6],
      },
      sqlite: {
        sql: 'SELECT count(DISTINCT posts.author_id) FILTER (WHERE posts.score > ?) AS n FROM posts',
        params: [6],
      },
      mysql: {
        sql: 'SELECT count(DISTINCT CASE WHEN posts.score > ? THEN posts.author_id END) AS n FROM posts',
        params: [6],
      },
    })
    await expectRows(dbs, stmt, { postgresql: [['2']], others: [[2]] })
  })

  it('row_number over partition and order', async () => {
    const stmt = select(
      posts.c.id,
      func.rowNumber().over({ partitionBy: posts.c.authorId, orderBy: posts.c.id }).label('rn'),
    ).orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.id, row_number() OVER (PARTITION BY posts.author_id ORDER BY posts.id) AS rn FROM posts ORDER BY posts.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT posts.id, row_number() OVER (PARTITION BY posts.author_id ORDER BY posts.id) AS rn FROM posts ORDER BY posts.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT posts.id, row_number() OVER (PARTITION BY posts.author_id ORDER BY posts.id) AS rn FROM posts ORDER BY posts.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        [1, '1'],
        [2, '2'],
        [3, '1'],
        [4, '1'],
      ],
      others: [
        [1, 1],
        [2, 2],
        [3, 1],
        [4, 1],
      ],
    })
  })

  it('rank over order by desc', async () => {
    const stmt = select(
      users.c.name,
      func.rank().over({ orderBy: users.c.active.desc() }).label('r'),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, rank() OVER (ORDER BY users.active DESC) AS r FROM users ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, rank() OVER (ORDER BY users.active DESC) AS r FROM users ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, rank() OVER (ORDER BY users.active DESC) AS r FROM users ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', '1'],
        ['bob', '3'],
        ['cy', '1'],
        ['dora', '3'],
      ],
      others: [
        ['ann', 1],
        ['bob', 3],
        ['cy', 1],
        ['dora', 3],
      ],
    })
  })

  it('dense_rank', async () => {
    const stmt = select(
      users.c.name,
      func
        .denseRank()
        .over({ orderBy: [users.c.active.desc()] })
        .label('r'),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, dense_rank() OVER (ORDER BY users.active DESC) AS r FROM users ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, dense_rank() OVER (ORDER BY users.active DESC) AS r FROM users ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, dense_rank() OVER (ORDER BY users.active DESC) AS r FROM users ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', '1'],
        ['bob', '2'],
        ['cy', '1'],
        ['dora', '2'],
      ],
      others: [
        ['ann', 1],
        ['bob', 2],
        ['cy', 1],
        ['dora', 2],
      ],
    })
  })

  it('an aggregate over a partition', async () => {
    const stmt = select(posts.c.id, func.count().over({ partitionBy: posts.c.authorId }).label('n')).orderBy(
      posts.c.id,
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.id, count(*) OVER (PARTITION BY posts.author_id) AS n FROM posts ORDER BY posts.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT posts.id, count(*) OVER (PARTITION BY posts.author_id) AS n FROM posts ORDER BY posts.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT posts.id, count(*) OVER (PARTITION BY posts.author_id) AS n FROM posts ORDER BY posts.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        [1, '2'],
        [2, '2'],
        [3, '1'],
        [4, '1'],
      ],
      others: [
        [1, 2],
        [2, 2],
        [3, 1],
        [4, 1],
      ],
    })
  })

  it('sum over the whole result', async () => {
    const stmt = select(users.c.id, func.sum(users.c.age).over().label('total'))
      .where(users.c.id.le(2))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id, sum(users.age) OVER () AS total FROM users WHERE users.id <= $1 ORDER BY users.id',
        params: [2],
      },
      sqlite: {
        sql: 'SELECT users.id, sum(users.age) OVER () AS total FROM users WHERE users.id <= ? ORDER BY users.id',
        params: [2],
      },
      mysql: {
        sql: 'SELECT users.id, sum(users.age) OVER () AS total FROM users WHERE users.id <= ? ORDER BY users.id',
        params: [2],
      },
    })
    await expectRows(dbs, stmt, {
      others: [
        [1, '55'],
        [2, '55'],
      ],
      sqlite: [
        [1, 55],
        [2, 55],
      ],
    })
  })

  it('a running sum over two partition columns', async () => {
    const stmt = select(
      posts.c.id,
      func
        .sum(posts.c.id)
        .over({ partitionBy: [posts.c.authorId, posts.c.title.isNull()], orderBy: [posts.c.id] })
        .label('run'),
    ).orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.id, sum(posts.id) OVER (PARTITION BY posts.author_id, posts.title IS NULL ORDER BY posts.id) AS run FROM posts ORDER BY posts.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT posts.id, sum(posts.id) OVER (PARTITION BY posts.author_id, posts.title IS NULL ORDER BY posts.id) AS run FROM posts ORDER BY posts.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT posts.id, sum(posts.id) OVER (PARTITION BY posts.author_id, posts.title IS NULL ORDER BY posts.id) AS run FROM posts ORDER BY posts.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      others: [
        [1, '1'],
        [2, '3'],
        [3, '3'],
        [4, '4'],
      ],
      sqlite: [
        [1, 1],
        [2, 3],
        [3, 3],
        [4, 4],
      ],
    })
  })

  it('a window ordered with nulls last (emulated on mysql)', async () => {
    const stmt = select(
      posts.c.id,
      func.rowNumber().over({ orderBy: posts.c.score.desc().nullsLast() }).label('rn'),
    ).orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.id, row_number() OVER (ORDER BY posts.score DESC NULLS LAST) AS rn FROM posts ORDER BY posts.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT posts.id, row_number() OVER (ORDER BY posts.score DESC NULLS LAST) AS rn FROM posts ORDER BY posts.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT posts.id, row_number() OVER (ORDER BY posts.score IS NULL, posts.score DESC) AS rn FROM posts ORDER BY posts.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        [1, '1'],
        [2, '4'],
        [3, '3'],
        [4, '2'],
      ],
      others: [
        [1, 1],
        [2, 4],
        [3, 3],
        [4, 2],
      ],
    })
  })

  it('a window function in a subquery, filtered outside', async () => {
    const ranked = select(
      posts.c.id,
      posts.c.authorId,
      func.rowNumber().over({ partitionBy: posts.c.authorId, orderBy: posts.c.id.desc() }).label('rn'),
    ).subquery('ranked')
    const stmt = select(ranked.c.id).where(ranked.c.rn.eq(1)).orderBy(ranked.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT ranked.id FROM (SELECT posts.id, posts.author_id AS "authorId", row_number() OVER (PARTITION BY posts.author_id ORDER BY posts.id DESC) AS rn FROM posts) AS ranked WHERE ranked.rn = $1 ORDER BY ranked.id',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT ranked.id FROM (SELECT posts.id, posts.author_id AS "authorId", row_number() OVER (PARTITION BY posts.author_id ORDER BY posts.id DESC) AS rn FROM posts) AS ranked WHERE ranked.rn = ? ORDER BY ranked.id',
        params: [1],
      },
      mysql: {
        sql: 'SELECT ranked.id FROM (SELECT posts.id, posts.author_id AS `authorId`, row_number() OVER (PARTITION BY posts.author_id ORDER BY posts.id DESC) AS rn FROM posts) AS ranked WHERE ranked.rn = ? ORDER BY ranked.id',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [[2], [3], [4]])
  })

  it('now() is current_timestamp on sqlite', async () => {
    const stmt = select(func.now().isNotNull().label('ok'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT now() IS NOT NULL AS ok', params: [] },
      sqlite: { sql: 'SELECT current_timestamp IS NOT NULL AS ok', params: [] },
      mysql: { sql: 'SELECT now() IS NOT NULL AS ok', params: [] },
    })
    await expectRows(dbs, stmt, { postgresql: [[true]], others: [[1]] })
  })

  it('currentTimestamp', async () => {
    const stmt = select(func.currentTimestamp().isNotNull().label('ok'))
    testSql(stmt, {
      postgresql: { sql: 'SELECT current_timestamp IS NOT NULL AS ok', params: [] },
      sqlite: { sql: 'SELECT current_timestamp IS NOT NULL AS ok', params: [] },
      mysql: { sql: 'SELECT current_timestamp IS NOT NULL AS ok', params: [] },
    })
    await expectRows(dbs, stmt, { postgresql: [[true]], others: [[1]] })
  })

  it('a function in WHERE and ORDER BY', async () => {
    const stmt = select(users.c.name)
      .where(func.lower(users.c.name).ne('bob'))
      .orderBy(func.length(users.c.name).desc(), users.c.name)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE lower(users.name) <> $1 ORDER BY length(users.name) DESC, users.name',
        params: ['bob'],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE lower(users.name) <> ? ORDER BY length(users.name) DESC, users.name',
        params: ['bob'],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE lower(users.name) <> ? ORDER BY length(users.name) DESC, users.name',
        params: ['bob'],
      },
    })
    await expectRows(dbs, stmt, [['dora'], ['ann'], ['cy']])
  })

  const byAuthor = (agg: ColumnElement<any, any>) =>
    select(users.c.name, agg)
      .selectFrom(users.join(posts))
      .groupBy(users.c.id, users.c.name)
      .orderBy(users.c.id)
  const grouped =
    'FROM users JOIN posts ON posts.author_id = users.id GROUP BY users.id, users.name ORDER BY users.id'

  it('aggregateStrings joins values in the aggregate ORDER BY order', async () => {
    const stmt = byAuthor(
      func.aggregateStrings(posts.c.title, '; ').aggregateOrderBy(posts.c.id.desc()).label('titles'),
    )
    testSql(stmt, {
      postgresql: {
        sql: `SELECT users.name, string_agg(posts.title, '; ' ORDER BY posts.id DESC) AS titles ${grouped}`,
        params: [],
      },
      sqlite: {
        sql: `SELECT users.name, group_concat(posts.title, '; ' ORDER BY posts.id DESC) AS titles ${grouped}`,
        params: [],
      },
      mysql: {
        sql: `SELECT users.name, group_concat(posts.title ORDER BY posts.id DESC SEPARATOR '; ') AS titles ${grouped}`,
        params: [],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'Again; Hello'],
      ['bob', 'Bob here'],
      ['cy', 'Cy post'],
    ])
    // the other direction proves the order is applied, not the storage order
    const asc = byAuthor(func.aggregateStrings(posts.c.title, '; ').aggregateOrderBy(posts.c.id).label('t'))
    await expectRows(dbs, asc, [
      ['ann', 'Hello; Again'],
      ['bob', 'Bob here'],
      ['cy', 'Cy post'],
    ])
  })

  it('aggregateStrings needs a separator string; jsonArrayAgg one expression (ArgumentError)', () => {
    expect(() => func.aggregateStrings(posts.c.title, 1 as never)).toThrow(ArgumentError)
    expect(() => (func.aggregateStrings as (...a: unknown[]) => unknown)(posts.c.title)).toThrow(/separator/)
    expect(() => (func.jsonArrayAgg as (...a: unknown[]) => unknown)(posts.c.title, posts.c.id)).toThrow(
      ArgumentError,
    )
  })

  it('aggregateStrings writes its separator as an escaped literal', async () => {
    const stmt = select(
      func.aggregateStrings(posts.c.title, "\\'").aggregateOrderBy(posts.c.title).label('t'),
    )
      .selectFrom(posts)
      .where(posts.c.authorId.eq(1))
    const tail = (p: string) => `AS t FROM posts WHERE posts.author_id = ${p}`
    testSql(stmt, {
      postgresql: {
        sql: `SELECT string_agg(posts.title, '\\''' ORDER BY posts.title) ${tail('$1')}`,
        params: [1],
      },
      sqlite: {
        sql: `SELECT group_concat(posts.title, '\\''' ORDER BY posts.title) ${tail('?')}`,
        params: [1],
      },
      mysql: {
        sql: `SELECT group_concat(posts.title ORDER BY posts.title SEPARATOR '\\\\''') ${tail('?')}`,
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [["Again\\'Hello"]])
  })

  it('aggregateStrings with a filter and an order (CASE emulation on mysql)', async () => {
    const agg = func
      .aggregateStrings(posts.c.title, ',')
      .filter(posts.c.score.isNotNull())
      .aggregateOrderBy(posts.c.title)
      .label('titles')
    const stmt = select(agg).selectFrom(posts)
    testSql(stmt, {
      postgresql: {
        sql: "SELECT string_agg(posts.title, ',' ORDER BY posts.title) FILTER (WHERE posts.score IS NOT NULL) AS titles FROM posts",
        params: [],
      },
      sqlite: {
        sql: "SELECT group_concat(posts.title, ',' ORDER BY posts.title) FILTER (WHERE posts.score IS NOT NULL) AS titles FROM posts",
        params: [],
      },
      mysql: {
        sql: "SELECT group_concat(CASE WHEN posts.score IS NOT NULL THEN posts.title END ORDER BY posts.title SEPARATOR ',') AS titles FROM posts",
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['Bob here,Cy post,Hello']])
  })

  it('jsonArrayAgg builds a JSON array in the aggregate ORDER BY order', async () => {
    const stmt = byAuthor(func.jsonArrayAgg(posts.c.title).aggregateOrderBy(posts.c.title.desc()).label('j'))
    testSql(stmt, {
      postgresql: {
        sql: `SELECT users.name, json_agg(posts.title ORDER BY posts.title DESC) AS j ${grouped}`,
        params: [],
      },
      sqlite: {
        sql: `SELECT users.name, json_group_array(posts.title ORDER BY posts.title DESC) AS j ${grouped}`,
        params: [],
      },
      mysql: {
        sql: `SELECT users.name, json_arrayagg(posts.title ORDER BY posts.title DESC) AS j ${grouped}`,
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      // pg and mysql2 parse JSON results; libSQL hands over the text
      sqlite: [
        ['ann', '["Hello","Again"]'],
        ['bob', '["Bob here"]'],
        ['cy', '["Cy post"]'],
      ],
      others: [
        ['ann', ['Hello', 'Again']],
        ['bob', ['Bob here']],
        ['cy', ['Cy post']],
      ],
    })
  })

  it('an aggregate ORDER BY in another aggregate is a CompileError on mysql', async () => {
    const stmt = byAuthor(func.max(posts.c.title).aggregateOrderBy(posts.c.id).label('m'))
    testSql(stmt, {
      postgresql: {
        sql: `SELECT users.name, max(posts.title ORDER BY posts.id) AS m ${grouped}`,
        params: [],
      },
      sqlite: { sql: `SELECT users.name, max(posts.title ORDER BY posts.id) AS m ${grouped}`, params: [] },
      mysql: { error: /ORDER BY inside max\(\) is not supported on mysql: only group_concat/ },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'Hello'],
      ['bob', 'Bob here'],
      ['cy', 'Cy post'],
    ])
  })
})
