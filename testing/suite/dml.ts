/** INSERT, UPDATE, DELETE through engine.execute and conn.execute, executemany, upsert. */
import {
  ArgumentError,
  bindparam,
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
import { dml, dmlCopy } from './schema.js'
import type { Topic } from './types.js'

export function dmlTopic(s: Topic): void {
  const { test, expect, api } = s
  api.beforeAll(async () => {
    await s.engine.execute(delete_(dml))
  })
  /** Inserts rows named `prefix-i` and returns their names. */
  const add = async (prefix: string, n: number, extra: Record<string, unknown> = {}) => {
    const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
    await s.engine.execute(insert(dml).values(names.map((name) => ({ name, ...extra })) as never))
    return names
  }
  const byPrefix = (prefix: string) => dml.c.name.startsWith(`${prefix}-`)
  const rowsOf = async (prefix: string) =>
    (await s.engine.execute(select(dml).where(byPrefix(prefix)).orderBy(dml.c.name))).all()
  const countOf = async (prefix: string) =>
    (await s.engine.execute(select(func.count()).selectFrom(dml).where(byPrefix(prefix)))).scalarOne()

  test('engine.execute(insert) writes one row and reports rowsAffected 1', async () => {
    const r = await s.engine.execute(insert(dml).values({ name: 'one-0' }))
    expect(r.rowsAffected).toBe(1)
    expect(await countOf('one')).toBe(1)
  })
  test('a multi-row insert writes every row', async () => {
    const r = await s.engine.execute(
      insert(dml).values([{ name: 'multi-0' }, { name: 'multi-1' }, { name: 'multi-2' }]),
    )
    expect(r.rowsAffected).toBe(3)
    expect(await countOf('multi')).toBe(3)
  })
  test('the database generates integer primary keys', async () => {
    await add('gen', 2)
    const [a, b] = await rowsOf('gen')
    expect(typeof a!.id).toBe('number')
    expect(b!.id).toBeGreaterThan(a!.id)
  })
  test('lastInsertId is the new key where the dialect reports one', async () => {
    const r = await s.engine.execute(insert(dml).values({ name: 'lastid-0' }))
    const [row] = await rowsOf('lastid')
    if (!s.engine.dialect.features.lastInsertId) expect(r.lastInsertId).toBeUndefined()
    else expect(Number(r.lastInsertId)).toBe(row!.id)
  })
  test('each result of a batch reports its own lastInsertId where the dialect does', async () => {
    const [a, b] = await s.engine.batch([
      insert(dml).values({ name: 'blast-0' }),
      insert(dml).values({ name: 'blast-1' }),
    ])
    const ids = (await rowsOf('blast')).map((x) => x.id)
    if (!s.engine.dialect.features.lastInsertId) expect(a!.lastInsertId).toBeUndefined()
    else expect([Number(a!.lastInsertId), Number(b!.lastInsertId)]).toEqual(ids)
  })
  test('client-side default is applied when the column is left out', async () => {
    await add('cdef', 1)
    expect((await rowsOf('cdef'))[0]!.qty).toBe(7)
  })
  test('server default is applied when the column is left out', async () => {
    await add('sdef', 1)
    expect((await rowsOf('sdef'))[0]!.status).toBe('new')
  })
  test('explicit null is written to a nullable column', async () => {
    await add('null', 1, { note: null })
    expect((await rowsOf('null'))[0]!.note).toBeNull()
  })
  test('a missing NOT NULL value is an ArgumentError before anything is sent', async () => {
    const before = s.requests()
    const err = await caught(async () => s.engine.execute(insert(dml).values({ note: 'x' } as never)))
    expect(err).toBeInstanceOf(ArgumentError)
    expect(s.requests()).toBe(before)
  })
  test('insert with RETURNING gives the new rows', { requires: ['returning'] }, async () => {
    const r = await s.engine.execute(
      insert(dml)
        .values([
          { name: 'ret-0', qty: 7 },
          { name: 'ret-1', qty: 3 },
        ])
        .returning(dml.c.id, dml.c.name, dml.c.qty, dml.c.status),
    )
    const rows = r.all()
    expect(rows.map((x) => [x.name, x.qty, x.status])).toEqual([
      ['ret-0', 7, 'new'],
      ['ret-1', 3, 'new'],
    ])
    expect(typeof rows[0]!.id).toBe('number')
  })
  test('insert from select copies rows', async () => {
    const names = await add('copy', 3)
    const src = select(dml.c.id, dml.c.name).where(byPrefix('copy'))
    const r = await s.engine.execute(insert(dmlCopy).fromSelectOf(['id', 'name'], src))
    expect(r.rowsAffected).toBe(3)
    const copied = await s.engine.execute(select(dmlCopy.c.name).orderBy(dmlCopy.c.name))
    expect(copied.scalars().all()).toEqual(names)
  })
  test('update changes matching rows and reports rowsAffected', async () => {
    await add('upd', 3)
    const r = await s.engine.execute(update(dml).where(byPrefix('upd')).values({ note: 'changed' }))
    expect(r.rowsAffected).toBe(3)
    expect((await rowsOf('upd')).map((x) => x.note)).toEqual(['changed', 'changed', 'changed'])
  })
  test('update matching nothing reports rowsAffected 0', async () => {
    const r = await s.engine.execute(update(dml).where(dml.c.name.eq('nobody')).values({ note: 'x' }))
    expect(r.rowsAffected).toBe(0)
  })
  test('rowsAffected of an update counts matched rows, even when a value is unchanged', {
    requires: ['matchedRowCount'],
  }, async () => {
    await add('same', 2, { note: 'x' })
    const stmt = update(dml).where(byPrefix('same')).values({ note: 'x' })
    // The first update sets `touched` (its onupdate); the second changes nothing at all.
    await s.engine.execute(stmt)
    const r = await s.engine.execute(stmt)
    expect(r.rowsAffected).toBe(2)
  })
  test('rowsAffected of an update counts changed rows where the adapter says so', async () => {
    await add('chg', 2, { note: 'x' })
    const stmt = update(dml).where(byPrefix('chg')).values({ note: 'x' })
    await s.engine.execute(stmt)
    const r = await s.engine.execute(stmt)
    const counts = s.engine.adapter.capabilities.updateRowCount ?? 'matched'
    expect(r.rowsAffected).toBe(counts === 'matched' ? 2 : 0)
  })
  test('update with an expression of the column', async () => {
    await add('expr', 1, { qty: 10 })
    await s.engine.execute(
      update(dml)
        .where(byPrefix('expr'))
        .values({ qty: dml.c.qty.add(5) }),
    )
    expect((await rowsOf('expr'))[0]!.qty).toBe(15)
  })
  test('update applies the onupdate client default', async () => {
    await add('onupd', 1)
    expect((await rowsOf('onupd'))[0]!.touched).toBeNull()
    await s.engine.execute(update(dml).where(byPrefix('onupd')).values({ note: 'n' }))
    expect((await rowsOf('onupd'))[0]!.touched).toBe(1)
  })
  test('update with RETURNING gives the changed rows', { requires: ['returning'] }, async () => {
    await add('uret', 2)
    const r = await s.engine.execute(
      update(dml).where(byPrefix('uret')).values({ qty: 1 }).returning(dml.c.name, dml.c.qty),
    )
    const rows = r.all().map((x) => [x.name, x.qty])
    expect(rows.sort()).toEqual([
      ['uret-0', 1],
      ['uret-1', 1],
    ])
  })
  test('delete removes matching rows and reports rowsAffected', async () => {
    await add('del', 4)
    const r = await s.engine.execute(delete_(dml).where(dml.c.name.in(['del-0', 'del-2'])))
    expect(r.rowsAffected).toBe(2)
    expect((await rowsOf('del')).map((x) => x.name)).toEqual(['del-1', 'del-3'])
  })
  test('delete with RETURNING gives the removed rows', { requires: ['returning'] }, async () => {
    await add('dret', 2)
    const r = await s.engine.execute(delete_(dml).where(byPrefix('dret')).returning(dml.c.name))
    expect(r.scalars().all().sort()).toEqual(['dret-0', 'dret-1'])
    expect(await countOf('dret')).toBe(0)
  })
  test('delete without WHERE removes every row', async () => {
    await s.engine.execute(delete_(dmlCopy))
    await s.engine.execute(
      insert(dmlCopy).values([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]),
    )
    const r = await s.engine.execute(delete_(dmlCopy))
    expect(r.rowsAffected).toBe(2)
    expect(await s.engine.scalar(select(func.count()).selectFrom(dmlCopy))).toBe(0)
  })
  test('conn.execute runs insert, update and delete', async () => {
    const conn = await s.engine.connect()
    try {
      await conn.execute(insert(dml).values({ name: 'conn-0' }))
      await conn.execute(update(dml).where(byPrefix('conn')).values({ qty: 2 }))
      await conn.execute(insert(dml).values({ name: 'conn-1' }))
      await conn.execute(delete_(dml).where(dml.c.name.eq('conn-1')))
      await conn.commit()
    } finally {
      await conn.close()
    }
    expect((await rowsOf('conn')).map((x) => [x.name, x.qty])).toEqual([['conn-0', 2]])
  })
  test('executemany: conn.execute(insert(t), [{...}, {...}]) writes each set', async () => {
    const conn = await s.engine.connect()
    try {
      const r = await conn.execute(insert(dml), [
        { name: 'many-0', qty: 1 },
        { name: 'many-1', qty: 2 },
        { name: 'many-2', qty: 3 },
      ])
      expect(r.rowsAffected).toBe(3)
      await conn.commit()
    } finally {
      await conn.close()
    }
    expect((await rowsOf('many')).map((x) => x.qty)).toEqual([1, 2, 3])
  })
  test('executemany through engine.execute commits every set', async () => {
    const r = await s.engine.execute(insert(dml), [
      { name: 'emany-0', qty: 1 },
      { name: 'emany-1', qty: 2 },
    ])
    expect(r.rowsAffected).toBe(2)
    expect((await rowsOf('emany')).map((x) => x.qty)).toEqual([1, 2])
  })
  test('a failing executemany through engine.execute leaves none of its rows', async () => {
    await add('efail', 1)
    const [existing] = await rowsOf('efail')
    const err = await caught(
      s.engine.execute(insert(dml), [
        { id: existing!.id + 200_000, name: 'efail-new' },
        { id: existing!.id, name: 'efail-dup' },
      ]),
    )
    expect(err).toBeInstanceOf(IntegrityError)
    expect((await rowsOf('efail')).map((x) => x.name)).toEqual(['efail-0'])
  })
  test('executemany applies client defaults for keys left out', async () => {
    const conn = await s.engine.connect()
    try {
      await conn.execute(insert(dml), [{ name: 'mdef-0' }, { name: 'mdef-1' }])
      await conn.commit()
    } finally {
      await conn.close()
    }
    expect((await rowsOf('mdef')).map((x) => x.qty)).toEqual([7, 7])
  })
  test('executemany of an update with bindparams', async () => {
    await add('mupd', 3)
    const conn = await s.engine.connect()
    try {
      const stmt = update(dml)
        .where(dml.c.name.eq(bindparam('target', t.String(50))))
        .values({ note: bindparam('newNote', t.String(100)) })
      const r = await conn.execute(stmt, [
        { target: 'mupd-0', newNote: 'zero' },
        { target: 'mupd-2', newNote: 'two' },
      ])
      expect(r.rowsAffected).toBe(2)
      await conn.commit()
    } finally {
      await conn.close()
    }
    expect((await rowsOf('mupd')).map((x) => x.note)).toEqual(['zero', null, 'two'])
  })
  test('executemany of a delete with bindparams', async () => {
    await add('mdel', 3)
    const conn = await s.engine.connect()
    try {
      await conn.execute(delete_(dml).where(dml.c.name.eq(bindparam('n', t.String(50)))), [
        { n: 'mdel-0' },
        { n: 'mdel-1' },
      ])
      await conn.commit()
    } finally {
      await conn.close()
    }
    expect((await rowsOf('mdel')).map((x) => x.name)).toEqual(['mdel-2'])
  })
  test('executemany with RETURNING gives the rows of every set', { requires: ['returning'] }, async () => {
    const conn = await s.engine.connect()
    try {
      const r = await conn.execute(insert(dml).returning(dml.c.name), [
        { name: 'mret-0' },
        { name: 'mret-1' },
      ])
      expect(r.scalars().all()).toEqual(['mret-0', 'mret-1'])
      await conn.commit()
    } finally {
      await conn.close()
    }
  })
  test('a failing executemany leaves none of its rows once the connection closes', async () => {
    await add('mfail', 1)
    const [existing] = await rowsOf('mfail')
    const conn = await s.engine.connect()
    try {
      const err = await caught(
        conn.execute(insert(dml), [
          { id: existing!.id + 100_000, name: 'mfail-new' },
          { id: existing!.id, name: 'mfail-dup' },
        ]),
      )
      expect(err).toBeInstanceOf(IntegrityError)
    } finally {
      await conn.close()
    }
    expect((await rowsOf('mfail')).map((x) => x.name)).toEqual(['mfail-0'])
  })
  test('upsert updates the existing row', async () => {
    await add('ups', 1, { qty: 1 })
    const [row] = await rowsOf('ups')
    const stmt = insert(dml).values({ id: row!.id, name: 'ups-0', qty: 9 })
    const upsert =
      s.engine.dialect.features.upsert === 'on_duplicate_key'
        ? stmt.onDuplicateKeyUpdate({ qty: stmt.excluded.qty })
        : stmt.onConflictDoUpdate({ target: [dml.c.id], set: { qty: stmt.excluded.qty } })
    await s.engine.execute(upsert)
    expect((await rowsOf('ups')).map((x) => x.qty)).toEqual([9])
  })
  test('text() runs a parameterised insert', async () => {
    const r = await s.engine.execute(
      text('INSERT INTO ea_dml (name, qty, status) VALUES (:name, :qty, :status)'),
      {
        name: 'text-0',
        qty: 4,
        status: 'raw',
      },
    )
    expect(r.rowsAffected).toBe(1)
    expect((await rowsOf('text')).map((x) => [x.qty, x.status])).toEqual([[4, 'raw']])
  })
}
