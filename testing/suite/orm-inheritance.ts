/** Single-table inheritance, streaming objects with yieldPer, and inspect() history. */
import { delete_, func, insert, select, update } from '../../core/index.js'
import { AsyncSession, inspect } from '../../core/orm/index.js'
import { Engineer, LeadEngineer, Manager, Owner, Pet, Staff } from './orm-schema.js'
import type { Topic } from './types.js'

export function ormInheritanceTopic(s: Topic): void {
  const { test, expect } = s
  const session = () => new AsyncSession(s.engine, { expireOnCommit: false })

  test('single-table inheritance: each row loads as the class its discriminator names', async () => {
    const db = session()
    const ids = [s.nextId(), s.nextId(), s.nextId(), s.nextId()]
    const m = new Manager({ id: ids[0]!, name: 'Meg', reports: 3 })
    expect(m.kind).toBe('manager')
    db.addAll([
      m,
      new Engineer({ id: ids[1]!, name: 'Eve', language: 'ts' }),
      new LeadEngineer({ id: ids[2]!, name: 'Lee', language: 'rust' }),
      new Staff({ id: ids[3]!, name: 'Sam' }),
    ])
    await db.commit()
    db.expungeAll()
    const all = (await db.scalars(select(Staff).where(Staff.c.id.in(ids)).orderBy(Staff.c.id))).all()
    expect(all.map((x) => x.constructor.name)).toEqual(['Manager', 'Engineer', 'LeadEngineer', 'Staff'])
    expect(all[0]!.describe()).toBe('manager of 3')
    expect(all[3]!.describe()).toBe('staff Sam')
    const engineers = (
      await db.scalars(select(Engineer).where(Engineer.c.id.in(ids)).orderBy(Engineer.c.id))
    ).all()
    expect(engineers.map((x) => x.name)).toEqual(['Eve', 'Lee'])
    expect(engineers[0]).toBe(all[1])
    expect(await db.get(Manager, ids[1]!)).toBeNull()
    expect(await db.get(Engineer, ids[2]!)).toBe(all[2])
    const managers = await s.engine.scalar(
      select(func.count())
        .selectFrom(Manager.__table__)
        .where(Staff.c.kind.eq('manager'))
        .where(Staff.c.id.in(ids)),
    )
    expect(managers).toBe(1)
    await db.close()
  })

  test('a subclass object is updated and deleted like any other', async () => {
    const db = session()
    const id = s.nextId()
    db.add(new Engineer({ id, name: 'Ed', language: 'go' }))
    await db.commit()
    db.expungeAll()
    const e = (await db.get(Engineer, id))!
    e.language = 'zig'
    await db.commit()
    expect(await s.engine.scalar(select(Staff.c.language).where(Staff.c.id.eq(id)))).toBe('zig')
    await db.delete(e)
    await db.commit()
    expect(await s.engine.scalar(select(Staff.c.id).where(Staff.c.id.eq(id)))).toBeNull()
    await db.close()
  })

  test('update(Subclass) and delete_(Subclass) touch only the rows of that class', async () => {
    const db = session()
    const ids = [s.nextId(), s.nextId(), s.nextId()]
    db.addAll([
      new Manager({ id: ids[0]!, name: 'dml-m' }),
      new Engineer({ id: ids[1]!, name: 'dml-e' }),
      new LeadEngineer({ id: ids[2]!, name: 'dml-l' }),
    ])
    await db.commit()
    await db.execute(
      update(Engineer)
        .where(Staff.c.id.in(ids))
        .values({ language: 'ocaml' })
        .executionOptions({ synchronizeSession: 'fetch' }),
    )
    await db.execute(
      delete_(Manager).where(Staff.c.id.in(ids)).executionOptions({ synchronizeSession: 'fetch' }),
    )
    await db.commit()
    const rows = (
      await s.engine.execute(
        select(Staff.c.kind, Staff.c.language).where(Staff.c.id.in(ids)).orderBy(Staff.c.id),
      )
    ).all()
    expect(rows.map((r) => [r.kind, r.language])).toEqual([
      ['engineer', 'ocaml'],
      ['lead', 'ocaml'],
    ])
    await db.close()
  })

  test('insert(Subclass) writes the discriminator: a bulk INSERT of dicts loads back as the subclass', async () => {
    const db = session()
    const ids = [s.nextId(), s.nextId()]
    await db.execute(insert(Manager), [
      { id: ids[0]!, name: 'bulk-m', reports: 2 },
      { id: ids[1]!, name: 'bulk-m2' },
    ])
    await db.commit()
    db.expungeAll()
    const loaded = (await db.scalars(select(Staff).where(Staff.c.id.in(ids)).orderBy(Staff.c.id))).all()
    expect(loaded.map((x) => [x.constructor.name, x.kind])).toEqual([
      ['Manager', 'manager'],
      ['Manager', 'manager'],
    ])
    await db.close()
  })

  test('streaming objects in chunks of yieldPer', { requires: ['streaming'] }, async () => {
    const db = session()
    const tag = `yp-${s.nextId()}`
    db.addAll(
      Array.from(
        { length: 25 },
        (_, i) => new Owner({ id: s.nextId(), name: `${tag}-${String(i).padStart(2, '0')}` }),
      ),
    )
    await db.commit()
    db.expungeAll()
    const result = await db.stream(
      select(Owner)
        .where(Owner.c.name.startsWith(tag))
        .orderBy(Owner.c.id)
        .executionOptions({ yieldPer: 10 }),
    )
    const sizes: number[] = []
    for await (const part of result.scalars().partitions(10)) sizes.push(part.length)
    expect(sizes).toEqual([10, 10, 5])
    // bounded memory: the identity map holds the chunk in hand, not the whole stream
    expect(db.identityMap.size).toBeLessThanOrEqual(10)
    await db.close()
  })

  test('inspect() tells state, identity and history', async () => {
    const db = session()
    const o = new Owner({ id: s.nextId(), name: 'hist' })
    expect(inspect(o).transient).toBe(true)
    db.add(o)
    expect(inspect(o).pending).toBe(true)
    await db.commit()
    const info = inspect(o)
    expect(info.persistent).toBe(true)
    expect(info.identity).toEqual([o.id])
    o.name = 'hist-2'
    expect(inspect(o).history('name')).toEqual({ added: ['hist-2'], unchanged: [], deleted: ['hist'] })
    expect(inspect(o).history('score')).toEqual({ added: [], unchanged: [0], deleted: [] })
    const p = new Pet({ id: s.nextId(), name: 'h' })
    o.pets.push(p)
    expect(inspect(o).history('pets')).toEqual({ added: [p], unchanged: [], deleted: [] })
    expect(db.isModified(o)).toBe(true)
    await db.commit()
    expect(inspect(o).history('pets')).toEqual({ added: [], unchanged: [p], deleted: [] })
    expect(db.isModified(o)).toBe(false)
    await db.close()
  })
}
