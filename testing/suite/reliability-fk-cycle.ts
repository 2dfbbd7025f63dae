/**
 * Rows that point to each other (a foreign key cycle, SQLAlchemy's post_update): a parent whose
 * nullable `favorite_child_id` names one of its children, each child's NOT NULL `parent_id`. The
 * unit of work inserts the favorite as NULL and sets it afterwards, and clears it before the
 * DELETEs, inside the commit's one batch where the adapter sends one.
 */
import { delete_, func, StaleDataError, select, update } from '../../core/index.js'
import { AsyncSession } from '../../core/orm/index.js'
import { caught } from './helpers.js'
import { CycleChild, CycleParent } from './orm-schema.js'
import type { Topic } from './types.js'

export function fkCycleCases(topic: Topic): void {
  const { test, expect } = topic
  const session = (expireOnCommit = false) => new AsyncSession(topic.engine, { expireOnCommit })

  /** A parent with two children, the first its favorite, committed in one commit. */
  const seed = async (db: AsyncSession, name: string) => {
    const parent = new CycleParent({ id: topic.nextId(), name })
    const favorite = new CycleChild({ id: topic.nextId(), name: `${name}-fav` })
    const other = new CycleChild({ id: topic.nextId(), name: `${name}-other` })
    parent.children.push(favorite, other)
    parent.favorite = favorite
    db.add(parent)
    await db.commit()
    return { parent, favorite, other }
  }
  const parentRows = (ids: readonly number[]) =>
    topic.engine.scalar(
      select(func.count()).selectFrom(CycleParent.__table__).where(CycleParent.c.id.in(ids)),
    )
  const childRows = (parentIds: readonly number[]) =>
    topic.engine.scalar(
      select(func.count()).selectFrom(CycleChild.__table__).where(CycleChild.c.parentId.in(parentIds)),
    )
  const favoriteOf = (id: number) =>
    topic.engine.scalar(select(CycleParent.c.favoriteChildId).where(CycleParent.c.id.eq(id)))
  /** Removes what a case left, in an order the foreign keys accept. */
  const clear = async (parentIds: readonly number[]) => {
    await topic.engine.execute(
      update(CycleParent.__table__).values({ favoriteChildId: null }).where(CycleParent.c.id.in(parentIds)),
    )
    await topic.engine.execute(delete_(CycleChild.__table__).where(CycleChild.c.parentId.in(parentIds)))
    await topic.engine.execute(delete_(CycleParent.__table__).where(CycleParent.c.id.in(parentIds)))
  }

  test('fk cycle: a parent, its children and its favorite child insert in one commit', async () => {
    const db = session()
    const { parent, favorite } = await seed(db, 'cyc-insert')
    expect(parent.favoriteChildId).toBe(favorite.id)
    expect(await favoriteOf(parent.id)).toBe(favorite.id)
    expect(await childRows([parent.id])).toBe(2)
    await clear([parent.id])
    await db.close()
  })

  test('fk cycle: deleting the parent clears its favorite first, then deletes children and parent', async () => {
    const db = session()
    const { parent } = await seed(db, 'cyc-delete')
    await db.delete(parent)
    await db.commit()
    expect(await parentRows([parent.id])).toBe(0)
    expect(await childRows([parent.id])).toBe(0)
    await db.close()
  })

  test('fk cycle: deleting several parents in one commit', async () => {
    const db = session()
    const seeded = [await seed(db, 'cyc-many-1'), await seed(db, 'cyc-many-2'), await seed(db, 'cyc-many-3')]
    const ids = seeded.map((x) => x.parent.id)
    for (const { parent } of seeded) await db.delete(parent)
    await db.commit()
    expect(await parentRows(ids)).toBe(0)
    expect(await childRows(ids)).toBe(0)
    await db.close()
  })

  test('fk cycle: deleting a parent loaded in a new session, its favorite not loaded', async () => {
    const db = session()
    const { parent } = await seed(db, 'cyc-fresh')
    db.expungeAll()
    const again = (await db.get(CycleParent, parent.id))!
    await db.delete(again) // loads the children (delete cascade); the favorite stays unloaded
    await db.commit()
    expect(await parentRows([parent.id])).toBe(0)
    expect(await childRows([parent.id])).toBe(0)
    await db.close()
  })

  test('fk cycle: deleting a parent whose attributes expired at the last commit', async () => {
    const db = session(true)
    const id = topic.nextId()
    const parent = new CycleParent({ id, name: 'cyc-expired' })
    const favorite = new CycleChild({ id: topic.nextId(), name: 'cyc-expired-fav' })
    parent.children.push(favorite, new CycleChild({ id: topic.nextId(), name: 'cyc-expired-other' }))
    parent.favorite = favorite
    db.add(parent)
    await db.commit()
    await db.delete(parent) // favorite_child_id is not loaded: it is cleared without being read
    await db.commit()
    expect(await parentRows([id])).toBe(0)
    expect(await childRows([id])).toBe(0)
    await db.close()
  })

  test('fk cycle: deleting only the favorite child sets the parent reference to NULL first', async () => {
    const db = session()
    const { parent, favorite, other } = await seed(db, 'cyc-fav')
    await db.delete(favorite)
    await db.commit()
    expect(parent.favoriteChildId).toBeNull()
    expect(await favoriteOf(parent.id)).toBeNull()
    expect(await parentRows([parent.id])).toBe(1)
    const left = await topic.engine.execute(
      select(CycleChild.c.id).where(CycleChild.c.parentId.eq(parent.id)),
    )
    expect(left.scalars().all()).toEqual([other.id])
    await clear([parent.id])
    await db.close()
  })

  test('fk cycle: removing the favorite child from the collection (delete-orphan) clears the reference', async () => {
    const db = session()
    const { parent, favorite, other } = await seed(db, 'cyc-orphan')
    parent.children.splice(parent.children.indexOf(favorite), 1)
    await db.commit()
    expect(await favoriteOf(parent.id)).toBeNull()
    const left = await topic.engine.execute(
      select(CycleChild.c.id).where(CycleChild.c.parentId.eq(parent.id)),
    )
    expect(left.scalars().all()).toEqual([other.id])
    // the favorite given explicitly is written as usual
    parent.favorite = other
    await db.commit()
    expect(await favoriteOf(parent.id)).toBe(other.id)
    await db.delete(parent)
    await db.commit()
    expect(await parentRows([parent.id])).toBe(0)
    expect(await childRows([parent.id])).toBe(0)
    await db.close()
  })

  test('fk cycle: setting the favorite to null and deleting the child in one commit', async () => {
    const db = session()
    const { parent, favorite } = await seed(db, 'cyc-explicit')
    parent.favorite = null
    await db.delete(favorite)
    await db.commit()
    expect(await favoriteOf(parent.id)).toBeNull()
    expect(await childRows([parent.id])).toBe(1)
    await clear([parent.id])
    await db.close()
  })

  test('fk cycle: a new favorite replaces the old one, removed in the same commit', async () => {
    const db = session()
    const { parent, favorite, other } = await seed(db, 'cyc-replace')
    const next = new CycleChild({ id: topic.nextId(), name: 'cyc-replace-next' })
    parent.children.splice(parent.children.indexOf(favorite), 1)
    parent.children.push(next)
    parent.favorite = next
    await db.commit()
    expect(await favoriteOf(parent.id)).toBe(next.id)
    const left = await topic.engine.execute(
      select(CycleChild.c.id).where(CycleChild.c.parentId.eq(parent.id)).orderBy(CycleChild.c.id),
    )
    expect(left.scalars().all()).toEqual([other.id, next.id])
    await db.delete(parent)
    await db.commit()
    expect(await parentRows([parent.id])).toBe(0)
    expect(await childRows([parent.id])).toBe(0)
    await db.close()
  })

  test('fk cycle: the clearing UPDATE and the DELETEs succeed or fail together', async () => {
    const db = session()
    const { parent, favorite, other } = await seed(db, 'cyc-atomic')
    // the other child disappears behind the session's back: its DELETE will match no row
    await topic.engine.execute(delete_(CycleChild.__table__).where(CycleChild.c.id.eq(other.id)))
    await db.delete(parent)
    expect(await caught(db.commit())).toBeInstanceOf(StaleDataError)
    // nothing of the commit was written, the UPDATE that cleared the favorite included
    expect(await favoriteOf(parent.id)).toBe(favorite.id)
    expect(await childRows([parent.id])).toBe(1)
    await db.rollback()
    await clear([parent.id])
    await db.close()
  })

  test('fk cycle: deleting the parent is one request where a commit is one batch', {
    requires: ['requestCount', 'oneRoundTripBatch'],
  }, async () => {
    const db = session()
    const { parent } = await seed(db, 'cyc-one-trip')
    await db.delete(parent)
    const before = topic.requests()!
    await db.commit()
    expect(topic.requests()! - before).toBe(1)
    expect(await parentRows([parent.id])).toBe(0)
    expect(await childRows([parent.id])).toBe(0)
    await db.close()
  })
}
