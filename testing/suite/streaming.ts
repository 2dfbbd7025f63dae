/**
 * conn.stream(): 1,000 rows in chunks of 100 through a cursor or pages, `for await`, early
 * break releases, a select with no ORDER BY is paged in primary key order, paged adapters refuse
 * what they cannot page.
 * @module
 */
import {
  ArgumentError,
  type AsyncConnection,
  Column,
  delete_,
  func,
  insert,
  MetaData,
  ProgrammingError,
  select,
  Table,
  t,
  text,
} from '../../core/index.js'
import { AsyncSession } from '../../core/orm/index.js'
import { caught, insertRows } from './helpers.js'
import { Author } from './orm-schema.js'
import { streamRows } from './schema.js'
import type { Topic } from './types.js'

const total = 1000
/** A table the suite never creates. */
const missing = new Table('ea_never_created', new MetaData(), {
  id: new Column(t.Integer, { primaryKey: true }),
})
const missingOrdered = select(missing).orderBy(missing.c.id)
const epoch = Date.UTC(2025, 0, 1)

export function streamingTopic(s: Topic): void {
  const { test, expect, api } = s
  api.beforeAll(async () => {
    await s.engine.execute(delete_(streamRows))
    const rows = Array.from({ length: total }, (_, i) => ({
      id: i + 1,
      label: `row ${i + 1}`,
      bucket: i % 7,
      at: new Date(epoch + i * 1000),
    }))
    await insertRows(s.engine, streamRows, rows)
  }, 120_000)
  const ordered = select(streamRows).orderBy(streamRows.c.id)
  const streaming = { requires: ['streaming'] } as const
  const withConn = async (fn: (conn: AsyncConnection) => Promise<void>) => {
    const conn = await s.engine.connect()
    try {
      await fn(conn)
    } finally {
      await conn.close()
    }
  }

  test('for await reads 1,000 rows in order, in chunks of 100', {
    ...streaming,
    timeout: 60_000,
  }, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered, { chunkSize: 100 })
      let expected = 1
      for await (const row of result) {
        expect(row.id).toBe(expected)
        expected++
      }
      expect(expected).toBe(total + 1)
    })
  })
  test('streamed rows are decoded by declared type', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered.where(streamRows.c.id.le(150)), { chunkSize: 100 })
      const rows = await result.all()
      expect(rows).toHaveLength(150)
      const last = rows[149]!
      expect(last._mapping).toEqual({
        id: 150,
        label: 'row 150',
        bucket: 149 % 7,
        at: new Date(epoch + 149_000),
      })
    })
  })
  test('breaking out early releases the stream; the connection keeps working', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered, { chunkSize: 100 })
      let n = 0
      for await (const _row of result) if (++n === 150) break
      expect(n).toBe(150)
      expect(await result.fetchOne()).toBeNull()
      expect(await conn.scalar(select(func.count()).selectFrom(streamRows))).toBe(total)
    })
    expect(await s.engine.scalar(select(func.count()).selectFrom(streamRows))).toBe(total)
  })
  test('close() releases a stream that was never read to the end', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered, { chunkSize: 100 })
      expect((await result.fetchOne())!.id).toBe(1)
      await result.close()
      expect(await result.fetchOne()).toBeNull()
      const again = await conn.stream(ordered.where(streamRows.c.id.le(3)), { chunkSize: 100 })
      expect((await again.all()).map((r) => r.id)).toEqual([1, 2, 3])
    })
  })
  test('disposing a stream (await using) releases it', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered, { chunkSize: 100 })
      await result.fetchMany(10)
      await result[Symbol.asyncDispose]()
      expect(await result.fetchOne()).toBeNull()
    })
  })
  test('closing a connection releases its unfinished streams', {
    ...streaming,
    timeout: 60_000,
  }, async () => {
    for (let i = 0; i < 12; i++) {
      const conn = await s.engine.connect()
      const result = await conn.stream(ordered, { chunkSize: 100 })
      expect((await result.fetchOne())!.id).toBe(1)
      await conn.close()
      expect(await result.fetchOne()).toBeNull()
    }
    expect(await s.engine.scalar(select(func.count()).selectFrom(streamRows))).toBe(total)
  })
  test('many streams one after another on one connection', { ...streaming, timeout: 60_000 }, async () => {
    await withConn(async (conn) => {
      for (let i = 0; i < 5; i++) {
        const result = await conn.stream(ordered, { chunkSize: 100 })
        for await (const row of result) if (row.id === 120) break
      }
      expect(await conn.scalar(select(func.max(streamRows.c.id)))).toBe(total)
    })
  })
  test('partitions(100) gives 10 lists of 100', { ...streaming, timeout: 60_000 }, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered, { chunkSize: 100 })
      const sizes: number[] = []
      for await (const part of result.partitions(100)) sizes.push(part.length)
      expect(sizes).toEqual(Array(10).fill(100))
    })
  })
  test('scalars() streams one column', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(select(streamRows.c.label).orderBy(streamRows.c.id), {
        chunkSize: 100,
      })
      const labels: unknown[] = []
      for await (const label of result.scalars()) labels.push(label)
      expect(labels).toHaveLength(total)
      expect(labels[999]).toBe('row 1000')
    })
  })
  test('mappings() streams plain objects', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(
        select(streamRows.c.id, streamRows.c.bucket).where(streamRows.c.id.le(250)).orderBy(streamRows.c.id),
        { chunkSize: 100 },
      )
      const rows = await result.mappings().all()
      expect(rows).toHaveLength(250)
      expect(rows[249]).toEqual({ id: 250, bucket: 249 % 7 })
    })
  })
  test('fetchMany and fetchOne read across chunk boundaries', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered, { chunkSize: 100 })
      expect((await result.fetchMany(95)).length).toBe(95)
      expect((await result.fetchMany(10)).map((r) => r.id)).toEqual([
        96, 97, 98, 99, 100, 101, 102, 103, 104, 105,
      ])
      expect((await result.fetchOne())!.id).toBe(106)
      await result.close()
    })
  })
  test('a LIMIT on the streamed select is respected', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered.limit(250), { chunkSize: 100 })
      expect((await result.all()).map((r) => r.id).at(-1)).toBe(250)
    })
  })
  test('a WHERE on the streamed select filters every chunk', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered.where(streamRows.c.bucket.eq(3)), { chunkSize: 50 })
      const ids = (await result.all()).map((r) => r.id)
      expect(ids).toHaveLength(143)
      expect(ids.every((id) => (id - 1) % 7 === 3)).toBe(true)
    })
  })
  test('streaming an empty result yields nothing', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered.where(streamRows.c.id.gt(total)), { chunkSize: 100 })
      let n = 0
      for await (const _ of result) n++
      expect(n).toBe(0)
    })
  })
  test('execute() buffers the same 1,000 rows', async () => {
    const rows = (await s.engine.execute(ordered)).all()
    expect(rows).toHaveLength(total)
    expect(rows[999]!._mapping).toEqual({
      id: 1000,
      label: 'row 1000',
      bucket: 999 % 7,
      at: new Date(epoch + 999_000),
    })
  })
  test('unique() on a stream drops duplicates', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(
        select(streamRows.c.bucket, streamRows.c.id).orderBy(streamRows.c.id),
        {
          chunkSize: 100,
        },
      )
      const buckets: unknown[] = []
      for await (const b of result.scalars().unique()) buckets.push(b)
      expect(buckets).toEqual([0, 1, 2, 3, 4, 5, 6])
    })
  })
  test('columns() narrows a stream', streaming, async () => {
    await withConn(async (conn) => {
      const result = await conn.stream(ordered.where(streamRows.c.id.le(120)), { chunkSize: 100 })
      const rows = await result.columns('label', 'id').all()
      expect(rows).toHaveLength(120)
      expect(rows[119]!._tuple()).toEqual(['row 120', 120])
    })
  })
  test('a streamed statement that fails is a typed error and releases its connection', {
    ...streaming,
    timeout: 60_000,
  }, async () => {
    for (let i = 0; i < 20; i++) {
      await withConn(async (conn) => {
        const err = await caught(async () => (await conn.stream(missingOrdered, { chunkSize: 100 })).all())
        expect(err).toBeInstanceOf(ProgrammingError)
        expect((err as ProgrammingError).sql).toContain('ea_never_created')
      })
    }
    expect(await s.engine.scalar(select(func.count()).selectFrom(streamRows))).toBe(total)
  })
  test('a chunk size that is not a positive integer is an ArgumentError', streaming, async () => {
    await withConn(async (conn) => {
      expect(await caught(conn.stream(ordered, { chunkSize: 0 }))).toBeInstanceOf(ArgumentError)
    })
  })
  test('a stream inside a transaction sees its uncommitted rows', {
    requires: ['streaming', 'interactiveTransactions'],
  }, async () => {
    await withConn(async (conn) => {
      const tx = await conn.begin()
      await conn.execute(
        insert(streamRows).values({ id: total + 1, label: 'new', bucket: 0, at: new Date(epoch) }),
      )
      const result = await conn.stream(ordered.where(streamRows.c.id.gt(total - 5)), { chunkSize: 2 })
      expect((await result.all()).map((r) => r.id)).toEqual([996, 997, 998, 999, 1000, 1001])
      await tx.rollback()
    })
    expect(await s.engine.scalar(select(func.count()).selectFrom(streamRows))).toBe(total)
  })
  test('a select with no ORDER BY streams every row once (in primary key order where paged)', {
    ...streaming,
    timeout: 60_000,
  }, async () => {
    const paged = s.config.capabilities.streaming === 'paged'
    await withConn(async (conn) => {
      const result = await conn.stream(select(streamRows).where(streamRows.c.bucket.ne(3)), {
        chunkSize: 100,
      })
      const ids: number[] = []
      for await (const row of result) ids.push(row.id)
      const expected = Array.from({ length: total }, (_, i) => i + 1).filter((id) => (id - 1) % 7 !== 3)
      expect(paged ? ids : [...ids].sort((a, b) => a - b)).toEqual(expected)
    })
  })
  test('session.stream(select(Author).where(...)) with no ORDER BY yields every object once (in key order where paged)', {
    ...streaming,
    timeout: 60_000,
  }, async () => {
    const paged = s.config.capabilities.streaming === 'paged'
    const tag = `nostream-order-${s.nextId()}`
    // inserted out of key order, so a page read in storage order would come back unsorted
    const keys = [7, 2, 9, 0, 5, 1, 8, 3, 6, 4].map((k) => `${tag}-${k}`)
    {
      await using session = new AsyncSession(s.engine)
      for (const id of keys) session.add(new Author({ id, name: `${tag} ${id}` }))
      await session.commit()
    }
    await using session = new AsyncSession(s.engine)
    const result = await session.stream(select(Author).where(Author.c.name.startsWith(tag)), { chunkSize: 3 })
    const seen: string[] = []
    for await (const author of result.scalars()) {
      expect(author).toBeInstanceOf(Author)
      seen.push(author.id)
    }
    const sorted = [...keys].sort()
    expect(paged ? seen : [...seen].sort()).toEqual(sorted)
  })
  test('paged streaming refuses a select with no unique key to order by, with a clear error', {
    requires: ['pagedStreaming'],
  }, async () => {
    await withConn(async (conn) => {
      const other = streamRows.alias('other')
      for (const stmt of [
        select(streamRows).orderBy(streamRows.c.bucket),
        select(streamRows.c.id, other.c.id).selectFrom(
          streamRows.join(other, other.c.bucket.eq(streamRows.c.bucket)),
        ),
        select(streamRows.c.bucket, func.count().label('n')).groupBy(streamRows.c.bucket),
        select(func.count()).selectFrom(streamRows),
        select(streamRows.c.bucket).distinct(),
      ]) {
        const err = await caught(conn.stream(stmt, { chunkSize: 100 }))
        expect(err).toBeInstanceOf(ArgumentError)
        expect(err.message).toMatch(/order/i)
        expect(err.message).toMatch(/unique key|primary key/i)
      }
    })
  })
  test('paged streaming refuses text(), which cannot be paged', {
    requires: ['pagedStreaming'],
  }, async () => {
    await withConn(async (conn) => {
      const err = await caught(conn.stream(text('SELECT id FROM ea_stream ORDER BY id')))
      expect(err).toBeInstanceOf(ArgumentError)
      expect(err.message).toContain('text()')
    })
  })
  test('paged streaming reads one page per chunk', {
    requires: ['pagedStreaming', 'requestCount', 'batchOnly'],
    timeout: 60_000,
  }, async () => {
    await withConn(async (conn) => {
      const before = s.requests()!
      const result = await conn.stream(ordered, { chunkSize: 100 })
      let n = 0
      for await (const _ of result) if (++n === 150) break
      // Two pages hold rows 1-200: no more is read than the reader asked for.
      expect(s.requests()! - before).toBe(2)
    })
  })
}
