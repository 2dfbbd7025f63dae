import { describe, it } from 'vitest'
import { exists, func, literal, not, select } from '../../core/index.js'
import { addresses, categories, posts, useFixtureDatabases, users } from '../support/fixture.js'
import { expectRows, testSql } from '../support/golden.js'

describe('subqueries and CTEs', () => {
  const dbs = useFixtureDatabases('subq')

  it('a subquery in FROM', async () => {
    const counts = select(posts.c.authorId, func.count().label('n'))
      .groupBy(posts.c.authorId)
      .subquery('counts')
    const stmt = select(counts.c.authorId, counts.c.n).where(counts.c.n.gt(1))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT counts."authorId", counts.n FROM (SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id) AS counts WHERE counts.n > $1',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT counts."authorId", counts.n FROM (SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id) AS counts WHERE counts.n > ?',
        params: [1],
      },
      mysql: {
        sql: 'SELECT counts.`authorId`, counts.n FROM (SELECT posts.author_id AS `authorId`, count(*) AS n FROM posts GROUP BY posts.author_id) AS counts WHERE counts.n > ?',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, { postgresql: [[1, '2']], others: [[1, 2]] })
  })

  it('a subquery joined to a table', async () => {
    const counts = select(posts.c.authorId, func.count().label('n'))
      .groupBy(posts.c.authorId)
      .subquery('counts')
    const stmt = select(users.c.name, counts.c.n)
      .selectFrom(users.join(counts, counts.c.authorId.eq(users.c.id)))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, counts.n FROM users JOIN (SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id) AS counts ON counts."authorId" = users.id ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, counts.n FROM users JOIN (SELECT posts.author_id AS "authorId", count(*) AS n FROM posts GROUP BY posts.author_id) AS counts ON counts."authorId" = users.id ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, counts.n FROM users JOIN (SELECT posts.author_id AS `authorId`, count(*) AS n FROM posts GROUP BY posts.author_id) AS counts ON counts.`authorId` = users.id ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', '2'],
        ['bob', '1'],
        ['cy', '1'],
      ],
      others: [
        ['ann', 2],
        ['bob', 1],
        ['cy', 1],
      ],
    })
  })

  it('a subquery of expressions labels its columns', async () => {
    const s = select(users.c.id, users.c.age.add(1)).where(users.c.age.isNotNull()).subquery('s')
    const stmt = select(s.c.id).selectFrom(s).orderBy(s.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT s.id FROM (SELECT users.id, users.age + $1 AS col_2 FROM users WHERE users.age IS NOT NULL) AS s ORDER BY s.id',
        params: [1],
      },
      sqlite: {
        sql: 'SELECT s.id FROM (SELECT users.id, users.age + ? AS col_2 FROM users WHERE users.age IS NOT NULL) AS s ORDER BY s.id',
        params: [1],
      },
      mysql: {
        sql: 'SELECT s.id FROM (SELECT users.id, users.age + ? AS col_2 FROM users WHERE users.age IS NOT NULL) AS s ORDER BY s.id',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [[1], [2], [4]])
  })

  it('a scalar subquery in the select list (correlated)', async () => {
    const stmt = select(
      users.c.name,
      select(func.count()).where(addresses.c.userId.eq(users.c.id)).scalarSubquery().label('n'),
    ).orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, (SELECT count(*) FROM addresses WHERE addresses.user_id = users.id) AS n FROM users ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name, (SELECT count(*) FROM addresses WHERE addresses.user_id = users.id) AS n FROM users ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name, (SELECT count(*) FROM addresses WHERE addresses.user_id = users.id) AS n FROM users ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', '2'],
        ['bob', '1'],
        ['cy', '0'],
        ['dora', '0'],
      ],
      others: [
        ['ann', 2],
        ['bob', 1],
        ['cy', 0],
        ['dora', 0],
      ],
    })
  })

  it('a scalar subquery in WHERE (uncorrelated)', async () => {
    const stmt = select(users.c.name).where(users.c.age.eq(select(func.max(users.c.age)).scalarSubquery()))
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.age = (SELECT max(users.age) FROM users)',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE users.age = (SELECT max(users.age) FROM users)',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE users.age = (SELECT max(users.age) FROM users)',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['dora']])
  })

  it('a scalar subquery of the same table through an alias', async () => {
    const a2 = addresses.alias('a2')
    const stmt = select(addresses.c.email)
      .where(
        addresses.c.id.eq(
          select(func.max(a2.c.id)).where(a2.c.userId.eq(addresses.c.userId)).scalarSubquery(),
        ),
      )
      .orderBy(addresses.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT addresses.email FROM addresses WHERE addresses.id = (SELECT max(a2.id) FROM addresses AS a2 WHERE a2.user_id = addresses.user_id) ORDER BY addresses.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT addresses.email FROM addresses WHERE addresses.id = (SELECT max(a2.id) FROM addresses AS a2 WHERE a2.user_id = addresses.user_id) ORDER BY addresses.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT addresses.email FROM addresses WHERE addresses.id = (SELECT max(a2.id) FROM addresses AS a2 WHERE a2.user_id = addresses.user_id) ORDER BY addresses.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['ann@work'], ['bob@home']])
  })

  it('exists() with a correlated subquery', async () => {
    const stmt = select(users.c.name)
      .where(exists(select(addresses.c.id).where(addresses.c.userId.eq(users.c.id))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id) ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id) ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id) ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['bob']])
  })

  it('not(exists()) negates it', async () => {
    const stmt = select(users.c.name)
      .where(not(exists(select(addresses.c.id).where(addresses.c.userId.eq(users.c.id)))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE NOT (EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)) ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE NOT (EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)) ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE NOT (EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)) ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['cy'], ['dora']])
  })

  it('select.exists() builds EXISTS', async () => {
    const stmt = select(users.c.name).where(
      select(posts.c.id).where(posts.c.authorId.eq(users.c.id), posts.c.score.isNull()).exists(),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id AND posts.score IS NULL)',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id AND posts.score IS NULL)',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id AND posts.score IS NULL)',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['ann']])
  })

  it('exists combined with other conditions', async () => {
    const stmt = select(users.c.id).where(
      users.c.active.eq(false),
      exists(select(posts.c.id).where(posts.c.authorId.eq(users.c.id))),
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.id FROM users WHERE users.active = $1 AND EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id)',
        params: [false],
      },
      sqlite: {
        sql: 'SELECT users.id FROM users WHERE users.active = ? AND EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id)',
        params: [0],
      },
      mysql: {
        sql: 'SELECT users.id FROM users WHERE users.active = ? AND EXISTS (SELECT posts.id FROM posts WHERE posts.author_id = users.id)',
        params: [0],
      },
    })
    await expectRows(dbs, stmt, [[2]])
  })

  it('in(select)', async () => {
    const stmt = select(users.c.name)
      .where(users.c.id.in(select(posts.c.authorId).where(posts.c.score.gt(6))))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (SELECT posts.author_id AS "authorId" FROM posts WHERE posts.score > $1) ORDER BY users.id',
        params: [6],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (SELECT posts.author_id AS "authorId" FROM posts WHERE posts.score > ?) ORDER BY users.id',
        params: [6],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE users.id IN (SELECT posts.author_id AS `authorId` FROM posts WHERE posts.score > ?) ORDER BY users.id',
        params: [6],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['cy']])
  })

  it('notIn(select)', async () => {
    const stmt = select(users.c.name)
      .where(users.c.id.notIn(select(addresses.c.userId)))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users WHERE users.id NOT IN (SELECT addresses.user_id AS "userId" FROM addresses) ORDER BY users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users WHERE users.id NOT IN (SELECT addresses.user_id AS "userId" FROM addresses) ORDER BY users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name FROM users WHERE users.id NOT IN (SELECT addresses.user_id AS `userId` FROM addresses) ORDER BY users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['cy'], ['dora']])
  })

  it('an aggregate subquery over the same table keeps its own FROM', async () => {
    const stmt = select(posts.c.title)
      .where(posts.c.score.gt(select(func.avg(posts.c.score)).scalarSubquery()))
      .orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT posts.title FROM posts WHERE posts.score > (SELECT avg(posts.score) FROM posts) ORDER BY posts.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT posts.title FROM posts WHERE posts.score > (SELECT avg(posts.score) FROM posts) ORDER BY posts.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT posts.title FROM posts WHERE posts.score > (SELECT avg(posts.score) FROM posts) ORDER BY posts.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['Hello']])
  })

  it('a scalar subquery in ORDER BY', async () => {
    const stmt = select(users.c.name).orderBy(
      select(func.count()).where(posts.c.authorId.eq(users.c.id)).scalarSubquery().desc(),
      users.c.id,
    )
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name FROM users ORDER BY (SELECT count(*) FROM posts WHERE posts.author_id = users.id) DESC, users.id',
        params: [],
      },
      sqlite: {
        sql: 'SELECT users.name FROM users ORDER BY (SELECT count(*) FROM posts WHERE posts.author_id = users.id) DESC, users.id',
        params: [],
      },
      mysql: {
        sql: 'SELECT users.name FROM users ORDER BY (SELECT count(*) FROM posts WHERE posts.author_id = users.id) DESC, users.id',
        params: [],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['bob'], ['cy'], ['dora']])
  })

  it('a CTE', async () => {
    const active = select(users.c.id, users.c.name).where(users.c.active.eq(true)).cte('active_users')
    const stmt = select(active.c.name).orderBy(active.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = $1) SELECT active_users.name FROM active_users ORDER BY active_users.id',
        params: [true],
      },
      sqlite: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = ?) SELECT active_users.name FROM active_users ORDER BY active_users.id',
        params: [1],
      },
      mysql: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = ?) SELECT active_users.name FROM active_users ORDER BY active_users.id',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['cy']])
  })

  it('a CTE joined to a table', async () => {
    const active = select(users.c.id, users.c.name).where(users.c.active.eq(true)).cte('active_users')
    const stmt = select(active.c.name, posts.c.title)
      .selectFrom(active.join(posts, posts.c.authorId.eq(active.c.id)))
      .orderBy(posts.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = $1) SELECT active_users.name, posts.title FROM active_users JOIN posts ON posts.author_id = active_users.id ORDER BY posts.id',
        params: [true],
      },
      sqlite: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = ?) SELECT active_users.name, posts.title FROM active_users JOIN posts ON posts.author_id = active_users.id ORDER BY posts.id',
        params: [1],
      },
      mysql: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = ?) SELECT active_users.name, posts.title FROM active_users JOIN posts ON posts.author_id = active_users.id ORDER BY posts.id',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'Hello'],
      ['ann', 'Again'],
      ['cy', 'Cy post'],
    ])
  })

  it('two CTEs, one used in a subquery', async () => {
    const active = select(users.c.id, users.c.name).where(users.c.active.eq(true)).cte('active_users')
    const top = select(posts.c.id, posts.c.score).where(posts.c.score.isNotNull()).cte('scored')
    const stmt = select(active.c.name)
      .where(active.c.id.in(select(posts.c.authorId).selectFrom(posts.join(top, top.c.id.eq(posts.c.id)))))
      .orderBy(active.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = $1), scored(id, score) AS (SELECT posts.id, posts.score FROM posts WHERE posts.score IS NOT NULL) SELECT active_users.name FROM active_users WHERE active_users.id IN (SELECT posts.author_id AS "authorId" FROM posts JOIN scored ON scored.id = posts.id) ORDER BY active_users.id',
        params: [true],
      },
      sqlite: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = ?), scored(id, score) AS (SELECT posts.id, posts.score FROM posts WHERE posts.score IS NOT NULL) SELECT active_users.name FROM active_users WHERE active_users.id IN (SELECT posts.author_id AS "authorId" FROM posts JOIN scored ON scored.id = posts.id) ORDER BY active_users.id',
        params: [1],
      },
      mysql: {
        sql: 'WITH active_users(id, name) AS (SELECT users.id, users.name FROM users WHERE users.active = ?), scored(id, score) AS (SELECT posts.id, posts.score FROM posts WHERE posts.score IS NOT NULL) SELECT active_users.name FROM active_users WHERE active_users.id IN (SELECT posts.author_id AS `authorId` FROM posts JOIN scored ON scored.id = posts.id) ORDER BY active_users.id',
        params: [1],
      },
    })
    await expectRows(dbs, stmt, [['ann'], ['cy']])
  })

  it('a recursive CTE walks a tree down', async () => {
    const base = select(categories.c.id, categories.c.name, literal(0).label('depth'))
      .where(categories.c.parentId.isNull())
      .cte('tree', { recursive: true })
    const tree = base.unionAll(
      select(categories.c.id, categories.c.name, base.c.depth.add(1)).selectFrom(
        categories.join(base, categories.c.parentId.eq(base.c.id)),
      ),
    )
    const stmt = select(tree.c.name, tree.c.depth).orderBy(tree.c.depth, tree.c.name)
    testSql(stmt, {
      postgresql: {
        sql: 'WITH RECURSIVE tree(id, name, depth) AS (SELECT categories.id, categories.name, $1::INTEGER AS depth FROM categories WHERE categories.parent_id IS NULL UNION ALL SELECT categories.id, categories.name, tree.depth + $2 AS col_3 FROM categories JOIN tree ON categories.parent_id = tree.id) SELECT tree.name, tree.depth FROM tree ORDER BY tree.depth, tree.name',
        params: [0, 1],
      },
      sqlite: {
        sql: 'WITH RECURSIVE tree(id, name, depth) AS (SELECT categories.id, categories.name, ? AS depth FROM categories WHERE categories.parent_id IS NULL UNION ALL SELECT categories.id, categories.name, tree.depth + ? AS col_3 FROM categories JOIN tree ON categories.parent_id = tree.id) SELECT tree.name, tree.depth FROM tree ORDER BY tree.depth, tree.name',
        params: [0, 1],
      },
      mysql: {
        sql: 'WITH RECURSIVE tree(id, name, depth) AS (SELECT categories.id, categories.name, ? AS depth FROM categories WHERE categories.parent_id IS NULL UNION ALL SELECT categories.id, categories.name, tree.depth + ? AS col_3 FROM categories JOIN tree ON categories.parent_id = tree.id) SELECT tree.name, tree.depth FROM tree ORDER BY tree.depth, tree.name',
        params: [0, 1],
      },
    })
    await expectRows(dbs, stmt, [
      ['root', 0],
      ['a', 1],
      ['b', 1],
      ['a1', 2],
    ])
  })

  it('a recursive CTE with UNION walks up', async () => {
    const start = select(categories.c.id, categories.c.parentId)
      .where(categories.c.id.eq(4))
      .cte('ancestors', { recursive: true })
    const anc = start.union(
      select(categories.c.id, categories.c.parentId).selectFrom(
        categories.join(start, categories.c.id.eq(start.c.parentId)),
      ),
    )
    const stmt = select(anc.c.id).orderBy(anc.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'WITH RECURSIVE ancestors(id, "parentId") AS (SELECT categories.id, categories.parent_id AS "parentId" FROM categories WHERE categories.id = $1 UNION SELECT categories.id, categories.parent_id AS "parentId" FROM categories JOIN ancestors ON categories.id = ancestors."parentId") SELECT ancestors.id FROM ancestors ORDER BY ancestors.id',
        params: [4],
      },
      sqlite: {
        sql: 'WITH RECURSIVE ancestors(id, "parentId") AS (SELECT categories.id, categories.parent_id AS "parentId" FROM categories WHERE categories.id = ? UNION SELECT categories.id, categories.parent_id AS "parentId" FROM categories JOIN ancestors ON categories.id = ancestors."parentId") SELECT ancestors.id FROM ancestors ORDER BY ancestors.id',
        params: [4],
      },
      mysql: {
        sql: 'WITH RECURSIVE ancestors(id, `parentId`) AS (SELECT categories.id, categories.parent_id AS `parentId` FROM categories WHERE categories.id = ? UNION SELECT categories.id, categories.parent_id AS `parentId` FROM categories JOIN ancestors ON categories.id = ancestors.`parentId`) SELECT ancestors.id FROM ancestors ORDER BY ancestors.id',
        params: [4],
      },
    })
    await expectRows(dbs, stmt, [[1], [2], [4]])
  })

  it('a lateral subquery is PostgreSQL only', async () => {
    const last = select(posts.c.title)
      .where(posts.c.authorId.eq(users.c.id))
      .orderBy(posts.c.id.desc())
      .limit(1)
      .subquery('last', { lateral: true })
    const stmt = select(users.c.name, last.c.title)
      .selectFrom(users.join(last, literal(true).eq(true)))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, last.title FROM users JOIN LATERAL (SELECT posts.title FROM posts WHERE posts.author_id = users.id ORDER BY posts.id DESC LIMIT $1) AS last ON $2::BOOLEAN = $3::BOOLEAN ORDER BY users.id',
        params: [1, true, true],
      },
      sqlite: { error: /LATERAL subqueries are not supported on sqlite/ },
      mysql: { error: /LATERAL subqueries are not supported on mysql/ },
    })
    await expectRows(dbs, stmt, [
      ['ann', 'Again'],
      ['bob', 'Bob here'],
      ['cy', 'Cy post'],
    ])
  })

  it('a subquery in FROM inside a scalar subquery correlates to the enclosing query (MariaDB: CompileError)', async () => {
    // The derived table refers to users of the outermost query: it must not add users to its own
    // FROM (that would count every post for every user).
    const mine = select(posts.c.id).where(posts.c.authorId.eq(users.c.id)).subquery('mine')
    const stmt = select(
      users.c.name,
      select(func.count()).selectFrom(mine).scalarSubquery().label('n'),
    ).orderBy(users.c.id)
    const sql =
      'SELECT users.name, (SELECT count(*) FROM (SELECT posts.id FROM posts WHERE posts.author_id = users.id) AS mine) AS n FROM users ORDER BY users.id'
    testSql(stmt, {
      postgresql: { sql, params: [] },
      sqlite: { sql, params: [] },
      mysql: { error: /subquery mine in FROM refers to users of an enclosing query.*MariaDB/ },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', '2'],
        ['bob', '1'],
        ['cy', '1'],
        ['dora', '0'],
      ],
      sqlite: [
        ['ann', 2],
        ['bob', 1],
        ['cy', 1],
        ['dora', 0],
      ],
    })
  })

  it('a subquery in FROM is not correlated to its siblings (no LATERAL): it keeps their tables', async () => {
    const mine = select(posts.c.title).where(posts.c.authorId.eq(users.c.id)).subquery('mine')
    const stmt = select(users.c.name, mine.c.title)
      .selectFrom(users, mine)
      .where(users.c.id.eq(4))
      .orderBy(mine.c.title)
    const sql = (p: string) =>
      `SELECT users.name, mine.title FROM users, (SELECT posts.title FROM posts, users WHERE posts.author_id = users.id) AS mine WHERE users.id = ${p} ORDER BY mine.title`
    testSql(stmt, {
      postgresql: { sql: sql('$1'), params: [4] },
      sqlite: { sql: sql('?'), params: [4] },
      mysql: { sql: sql('?'), params: [4] },
    })
    await expectRows(dbs, stmt, [
      ['dora', 'Again'],
      ['dora', 'Bob here'],
      ['dora', 'Cy post'],
      ['dora', 'Hello'],
    ])
  })

  it('a JSON array per row from a correlated derived table, in aggregate ORDER BY order', async () => {
    // The query of the issue: each user's post titles as one JSON array, built in Core.
    const sub = select(posts.c.title.label('x'), posts.c.id)
      .where(posts.c.authorId.eq(users.c.id))
      .subquery('sub')
    const titles = select(func.jsonArrayAgg(sub.c.x).aggregateOrderBy(sub.c.id.desc())).selectFrom(sub)
    const stmt = select(users.c.name, titles.scalarSubquery().label('titles'))
      .where(users.c.id.le(2))
      .orderBy(users.c.id)
    testSql(stmt, {
      postgresql: {
        sql: 'SELECT users.name, (SELECT json_agg(sub.x ORDER BY sub.id DESC) FROM (SELECT posts.title AS x, posts.id FROM posts WHERE posts.author_id = users.id) AS sub) AS titles FROM users WHERE users.id <= $1 ORDER BY users.id',
        params: [2],
      },
      sqlite: {
        sql: 'SELECT users.name, (SELECT json_group_array(sub.x ORDER BY sub.id DESC) FROM (SELECT posts.title AS x, posts.id FROM posts WHERE posts.author_id = users.id) AS sub) AS titles FROM users WHERE users.id <= ? ORDER BY users.id',
        params: [2],
      },
      mysql: { error: /subquery sub in FROM refers to users of an enclosing query/ },
    })
    await expectRows(dbs, stmt, {
      postgresql: [
        ['ann', ['Again', 'Hello']],
        ['bob', ['Bob here']],
      ],
      sqlite: [
        ['ann', '["Again","Hello"]'],
        ['bob', '["Bob here"]'],
      ],
    })
  })
})
