/** The ORM session: states, identity map, autoflush, expiry, refresh, merge, rollback, errors. */
import {
  IntegrityError,
  InvalidRequestError,
  select,
  UnsupportedCapabilityError,
  update,
} from '../../core/index.js'
import { AsyncSession, inspect } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { Owner, Pet, Seat } from './orm-schema.js'
import type { Topic } from './types.js'

export function ormSessionTopic(s: Topic): void {
  const { test, expect } = s
  const session = (expireOnCommit = false) => new AsyncSession(s.engine, { expireOnCommit })
  const owner = (name: string, more: Record<string, unknown> = {}) =>
    new Owner({ id: s.nextId(), name, ...more })

  test('an object moves transient -> pending -> persistent -> detached', async () => {
    const db = session()
    const o = owner('states')
    expect(inspect(o).status).toBe('transient')
    db.add(o)
    expect(inspect(o).status).toBe('pending')
    expect(db.new.has(o)).toBe(true)
    await db.commit()
    expect(inspect(o).status).toBe('persistent')
    expect(db.new.size).toBe(0)
    db.expunge(o)
    expect(inspect(o).status).toBe('detached')
    await db.close()
  })

  test('a deleted object is gone at commit and detached afterwards', async () => {
    const db = session()
    const o = owner('to-delete')
    db.add(o)
    await db.commit()
    await db.delete(o)
    expect(db.deleted.has(o)).toBe(true)
    await db.commit()
    expect(inspect(o).status).toBe('detached')
    expect(await db.get(Owner, o.id)).toBeNull()
    await db.close()
  })

  test('get returns the same object every time, and a query returns it too', async () => {
    const db = session()
    const o = owner('identity')
    db.add(o)
    await db.commit()
    db.expungeAll()
    const a = await db.get(Owner, o.id)
    const b = await db.get(Owner, o.id)
    const c = (await db.scalars(select(Owner).where(Owner.c.id.eq(o.id)))).one()
    expect(a).not.toBe(o)
    expect(a).toBe(b)
    expect(c).toBe(a)
    expect(a!.name).toBe('identity')
    expect(a!.label).toBe('identity <->')
    expect(await db.get(Owner, -1)).toBeNull()
    await db.close()
  })

  test('get of an object already in the identity map sends nothing', {
    requires: ['requestCount'],
  }, async () => {
    const db = session()
    const o = owner('no-io')
    db.add(o)
    await db.commit()
    const before = s.requests()!
    expect(await db.get(Owner, o.id)).toBe(o)
    expect(s.requests()).toBe(before)
    await db.close()
  })

  test('a query does not overwrite loaded attributes unless populateExisting', async () => {
    const db = session()
    const o = owner('keep-mine')
    db.add(o)
    await db.commit()
    await s.engine.execute(update(Owner.__table__).where(Owner.c.id.eq(o.id)).values({ name: 'theirs' }))
    const again = (await db.scalars(select(Owner).where(Owner.c.id.eq(o.id)))).one()
    expect(again).toBe(o)
    expect(o.name).toBe('keep-mine')
    await db.scalars(select(Owner).where(Owner.c.id.eq(o.id)).executionOptions({ populateExisting: true }))
    expect(o.name).toBe('theirs')
    await db.close()
  })

  test('autoflush: a query sees objects added before it', {
    requires: ['interactiveTransactions'],
  }, async () => {
    const db = session()
    const o = owner('autoflush')
    db.add(o)
    const found = (await db.scalars(select(Owner).where(Owner.c.name.eq('autoflush')))).all()
    expect(found).toEqual([o])
    expect(inspect(o).status).toBe('persistent')
    await db.rollback()
    expect(inspect(o).status).toBe('transient')
    await db.close()
  })

  test('on a batch-only adapter flush() is refused and a query sees committed rows only', {
    requires: ['batchOnly'],
  }, async () => {
    const db = session()
    const o = owner('batch-only')
    db.add(o)
    expect(await caught(db.flush())).toBeInstanceOf(UnsupportedCapabilityError)
    expect((await db.scalars(select(Owner).where(Owner.c.name.eq('batch-only')))).all()).toEqual([])
    // a write given to execute() is held: commit() sends it in its batch, after the flush
    const held = await db.execute(
      update(Owner.__table__).where(Owner.c.name.eq('batch-only')).values({ score: 1 }),
    )
    expect(held.rowsAffected).toBe(-1)
    await db.commit()
    expect((await db.scalars(select(Owner).where(Owner.c.name.eq('batch-only')))).all()).toEqual([o])
    expect(await s.engine.scalar(select(Owner.c.score).where(Owner.c.name.eq('batch-only')))).toBe(1)
    await db.close()
  })

  test('expireOnCommit: attributes unload at commit; refresh and awaitableAttrs load them', async () => {
    const db = session(true)
    const o = owner('expire')
    db.add(o)
    await db.commit()
    expect(() => o.name).toThrow(InvalidRequestError)
    expect(await o.awaitableAttrs.name).toBe('expire')
    expect(o.name).toBe('expire')
    await db.commit()
    await db.refresh(o)
    expect(o.score).toBe(0)
    await db.close()
  })

  test('refresh discards unflushed changes of the attributes it loads', async () => {
    const db = session()
    const o = owner('refresh')
    db.add(o)
    await db.commit()
    o.name = 'changed'
    expect(db.dirty.has(o)).toBe(true)
    await db.refresh(o, ['name'])
    expect(o.name).toBe('refresh')
    expect(db.isModified(o)).toBe(false)
    await db.close()
  })

  test('only changed objects are dirty-modified, and a commit writes their changes', async () => {
    const db = session()
    const a = owner('dirty-a')
    const b = owner('dirty-b')
    db.addAll([a, b])
    await db.commit()
    a.score = 5
    b.name = 'dirty-b'
    expect(db.isModified(a)).toBe(true)
    expect(db.isModified(b)).toBe(false)
    expect(inspect(a).modifiedAttributes).toEqual(['score'])
    await db.commit()
    const row = (await s.engine.execute(select(Owner.c.score).where(Owner.c.id.eq(a.id)))).scalar()
    expect(row).toBe(5)
    await db.close()
  })

  test('merge copies a detached object onto the persistent one, or adds a new one', async () => {
    const db = session()
    const o = owner('merge')
    db.add(o)
    await db.commit()
    await db.close()
    const detached = new Owner({ id: o.id, name: 'merged', email: null })
    const other = session()
    const merged = await other.merge(detached)
    expect(merged).not.toBe(detached)
    expect(merged.name).toBe('merged')
    const fresh = await other.merge(new Owner({ id: s.nextId(), name: 'merge-new' }))
    expect(inspect(fresh).status).toBe('pending')
    await other.commit()
    const names = (
      await s.engine.execute(
        select(Owner.c.name)
          .where(Owner.c.id.in([o.id, fresh.id]))
          .orderBy(Owner.c.id),
      )
    )
      .scalars()
      .all()
    expect(names).toEqual(['merged', 'merge-new'])
    await other.close()
  })

  test('rollback restores objects in memory: new ones leave, deleted ones return, values come back', async () => {
    const db = session()
    const kept = owner('rb-kept')
    const gone = owner('rb-gone')
    db.addAll([kept, gone])
    await db.commit()
    kept.name = 'rb-changed'
    await db.delete(gone)
    const added = owner('rb-added')
    db.add(added)
    await db.rollback()
    expect(kept.name).toBe('rb-kept')
    expect(db.isModified(kept)).toBe(false)
    expect(inspect(gone).status).toBe('persistent')
    expect(inspect(added).status).toBe('transient')
    expect(db.new.size + db.deleted.size + db.dirty.size).toBe(0)
    await db.commit()
    expect(await s.engine.scalar(select(Owner.c.name).where(Owner.c.id.eq(gone.id)))).toBe('rb-gone')
    await db.close()
  })

  test('an IntegrityError at commit leaves the session usable after rollback', async () => {
    const email = `dup-${s.nextId()}@x`
    const db = session()
    db.add(owner('dup-1', { email }))
    await db.commit()
    const dup = owner('dup-2', { email })
    db.add(dup)
    expect(await caught(db.commit())).toBeInstanceOf(IntegrityError)
    expect(await caught(db.commit())).toBeInstanceOf(InvalidRequestError)
    await db.rollback()
    const ok = owner('dup-3', { email: `ok-${email}` })
    db.add(ok)
    await db.commit()
    expect(await s.engine.scalar(select(Owner.c.name).where(Owner.c.id.eq(ok.id)))).toBe('dup-3')
    expect(await s.engine.scalar(select(Owner.c.name).where(Owner.c.id.eq(dup.id)))).toBeNull()
    await db.close()
  })

  test('composite primary keys: insert, get by tuple or object, update', async () => {
    const db = session()
    const room = `r${s.nextId()}`
    db.addAll([new Seat({ room, n: 1, guest: 'a' }), new Seat({ room, n: 2 })])
    await db.commit()
    db.expungeAll()
    const seat = await db.get(Seat, [room, 2])
    expect(seat!.guest).toBeNull()
    seat!.guest = 'b'
    await db.commit()
    expect(await db.get(Seat, { room, n: 2 })).toBe(seat)
    db.expungeAll()
    expect((await db.get(Seat, [room, 2]))!.guest).toBe('b')
    await db.close()
  })

  test('session.begin(fn) commits what fn did; a throw rolls it back', async () => {
    const db = session()
    const a = owner('begin-ok')
    await db.begin(async () => {
      db.add(a)
    })
    const b = owner('begin-fail')
    expect(
      await caught(
        db.begin(async () => {
          db.add(b)
          throw new Error('boom')
        }),
      ),
    ).toBeInstanceOf(Error)
    const names = (await s.engine.execute(select(Owner.c.name).where(Owner.c.id.in([a.id, b.id]))))
      .scalars()
      .all()
    expect(names).toEqual(['begin-ok'])
    expect(inspect(b).status).toBe('transient')
    await db.close()
  })

  test('a savepoint rolls back to where it began, in the database and in memory', {
    requires: ['savepoints'],
  }, async () => {
    const db = session()
    const a = owner('sp-outer')
    db.add(a)
    const sp = await db.beginNested()
    const b = owner('sp-inner')
    db.add(b)
    a.name = 'sp-outer-changed'
    await sp.rollback()
    expect(inspect(b).status).toBe('transient')
    expect(a.name).toBe('sp-outer')
    await db.commit()
    const names = (await s.engine.execute(select(Owner.c.name).where(Owner.c.id.in([a.id, b.id]))))
      .scalars()
      .all()
    expect(names).toEqual(['sp-outer'])
    await db.close()
  })

  test('streaming objects goes through the identity map', { requires: ['streaming'] }, async () => {
    const db = session()
    const tag = `stream-${s.nextId()}`
    const owners = Array.from({ length: 7 }, (_, i) => owner(`${tag}-${i}`))
    db.addAll(owners)
    await db.commit()
    const seen: Owner[] = []
    const result = await db.stream(select(Owner).where(Owner.c.name.startsWith(tag)).orderBy(Owner.c.id), {
      chunkSize: 3,
    })
    for await (const o of result.scalars()) seen.push(o)
    expect(seen).toEqual(owners)
    expect(seen[0]).toBe(owners[0])
    await db.close()
  })

  test('a pet can be read back through a second session', async () => {
    const db = session()
    const o = owner('second')
    const p = new Pet({ id: s.nextId(), name: 'rex', owner: o })
    db.add(p)
    expect(db.new.has(o)).toBe(true)
    await db.commit()
    const other = session()
    const again = await other.get(Pet, p.id)
    expect(again!.ownerId).toBe(o.id)
    await db.close()
    await other.close()
  })
}
