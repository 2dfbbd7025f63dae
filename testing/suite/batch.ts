/** engine.batch: atomic, one result per statement, one request where the adapter allows it. */
import {
  bindparam,
  DBAPIError,
  delete_,
  func,
  IntegrityError,
  insert,
  select,
  t,
  text,
  update,
} from '../../core/index.js'
import { caught } from './helpers.js'
import { batchRows } from './schema.js'
import type { Topic } from './types.js'

export function batchTopic(s: Topic): void {
  const { test, expect, api } = s
  api.beforeAll(async () => {
    await s.engine.execute(delete_(batchRows))
  })
  const row = (label: string) => ({ id: s.nextId(), label })
  const labels = async (prefix: string) =>
    (
      await s.engine.execute(
        select(batchRows.c.label).where(batchRows.c.label.startsWith(prefix)).orderBy(batchRows.c.label),
      )
    )
      .scalars()
      .all()

  test('batch runs every statement and commits them', async () => {
    await s.engine.batch([
      insert(batchRows).values(row('all-1')),
      insert(batchRows).values(row('all-2')),
      insert(batchRows).values(row('all-3')),
    ])
    expect(await labels('all-')).toEqual(['all-1', 'all-2', 'all-3'])
  })
  test('batch gives one result per statement, in order', async () => {
    const a = row('res-1')
    const results = await s.engine.batch([
      insert(batchRows).values(a),
      update(batchRows).where(batchRows.c.id.eq(a.id)).values({ label: 'res-2' }),
      select(batchRows.c.label).where(batchRows.c.id.eq(a.id)),
      select(func.count()).selectFrom(batchRows).where(batchRows.c.label.startsWith('res-')),
    ])
    expect(results).toHaveLength(4)
    expect(results[0]!.rowsAffected).toBe(1)
    expect(results[1]!.rowsAffected).toBe(1)
    expect(results[2]!.scalars().all()).toEqual(['res-2'])
    expect(results[3]!.scalar()).toBe(1)
  })
  test('rows of a batch are decoded by declared type', async () => {
    const at = new Date('2025-01-02T03:04:05.678Z')
    const a = { ...row('typed-1'), at }
    const [, read] = await s.engine.batch([
      insert(batchRows).values(a),
      select(batchRows.c.id, batchRows.c.at).where(batchRows.c.id.eq(a.id)),
    ])
    const r = read!.one()
    expect(r.id).toBe(a.id)
    expect(r.at).toBeInstanceOf(Date)
    expect((r.at as Date).toISOString()).toBe(at.toISOString())
  })
  test('a failing statement leaves nothing of the batch behind', async () => {
    const dup = row('atomic-dup')
    await s.engine.execute(insert(batchRows).values(dup))
    const err = await caught(
      s.engine.batch([
        insert(batchRows).values(row('atomic-1')),
        update(batchRows).where(batchRows.c.id.eq(dup.id)).values({ label: 'atomic-changed' }),
        insert(batchRows).values(dup),
        insert(batchRows).values(row('atomic-2')),
      ]),
    )
    expect(err).toBeInstanceOf(IntegrityError)
    expect(await labels('atomic-')).toEqual(['atomic-dup'])
  })
  test('a failing first statement runs none of the others', async () => {
    const dup = row('first-dup')
    await s.engine.execute(insert(batchRows).values(dup))
    await caught(s.engine.batch([insert(batchRows).values(dup), insert(batchRows).values(row('first-1'))]))
    expect(await labels('first-')).toEqual(['first-dup'])
  })
  test('a syntax error in a batch is a typed error and rolls the batch back', async () => {
    const err = await caught(
      s.engine.batch([insert(batchRows).values(row('syntax-1')), text('SELEC nothing FROM nowhere')]),
    )
    expect(err).toBeInstanceOf(DBAPIError)
    expect(await labels('syntax-')).toEqual([])
  })
  test('batch items may carry their own parameters', async () => {
    const stmt = insert(batchRows).values({
      id: bindparam('id', t.Integer),
      label: bindparam('label', t.String(50)),
    })
    const a = row('param-1')
    const b = row('param-2')
    await s.engine.batch([
      [stmt, a],
      [stmt, b],
    ])
    expect(await labels('param-')).toEqual(['param-1', 'param-2'])
  })
  test('a batch with RETURNING gives each statement its rows', { requires: ['returning'] }, async () => {
    const [a, b] = await s.engine.batch([
      insert(batchRows).values(row('bret-1')).returning(batchRows.c.label),
      insert(batchRows).values(row('bret-2')).returning(batchRows.c.label),
    ])
    expect([a!.scalar(), b!.scalar()]).toEqual(['bret-1', 'bret-2'])
  })
  test('a read-only batch reads', async () => {
    const [n] = await s.engine.batch([select(func.count()).selectFrom(batchRows)], { readOnly: true })
    expect(typeof n!.scalar()).toBe('number')
  })
  test('an empty batch returns no results and sends nothing', async () => {
    const before = s.requests()
    expect(await s.engine.batch([])).toEqual([])
    expect(s.requests()).toBe(before)
  })
  test('a batch is ONE request', { requires: ['requestCount', 'oneRoundTripBatch'] }, async () => {
    const before = s.requests()!
    await s.engine.batch([
      insert(batchRows).values(row('one-1')),
      insert(batchRows).values(row('one-2')),
      update(batchRows).where(batchRows.c.label.eq('one-2')).values({ label: 'one-3' }),
      select(batchRows.c.label).where(batchRows.c.label.startsWith('one-')),
    ])
    expect(s.requests()! - before).toBe(1)
  })
  test('a failing batch is ONE request too', {
    requires: ['requestCount', 'oneRoundTripBatch'],
  }, async () => {
    const dup = row('onefail-dup')
    await s.engine.execute(insert(batchRows).values(dup))
    const before = s.requests()!
    await caught(s.engine.batch([insert(batchRows).values(row('onefail-1')), insert(batchRows).values(dup)]))
    expect(s.requests()! - before).toBe(1)
  })
  test('executemany on a batch-only adapter is ONE atomic request', {
    requires: ['batchOnly', 'requestCount', 'oneRoundTripBatch'],
  }, async () => {
    const conn = await s.engine.connect()
    try {
      const before = s.requests()!
      await conn.execute(insert(batchRows), [row('many-1'), row('many-2'), row('many-3')])
      expect(s.requests()! - before).toBe(1)
    } finally {
      await conn.close()
    }
    expect(await labels('many-')).toEqual(['many-1', 'many-2', 'many-3'])
  })
  test('a single engine.execute is ONE request', { requires: ['requestCount'] }, async () => {
    const before = s.requests()!
    await s.engine.execute(insert(batchRows).values(row('single-1')))
    expect(s.requests()! - before).toBe(1)
  })
}
