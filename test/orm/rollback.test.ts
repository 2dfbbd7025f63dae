/** Rollback after a flush wrote rows with generated keys: the objects are as before the flush. */
import { describe, expect, it } from 'vitest'
import { ForeignKey, func, select, t } from '../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  inspect,
  mappedColumn,
  type Relationship,
  relationship,
} from '../../core/orm/index.js'
import { memoryEngine } from './support.js'

class Base extends DeclarativeBase {}
class List extends Base.mapped('lists', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  title: mappedColumn(t.String(20), { nullable: false }),
}) {
  declare items: Item[]
  static items: Relationship<Item> = relationship(() => Item, {
    backPopulates: 'list',
    cascade: 'all, delete-orphan',
  })
}
class Item extends Base.mapped('items', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  listId: mappedColumn(t.Integer, { nullable: false, foreignKey: new ForeignKey(() => List.c.id) }),
  text: mappedColumn(t.Text, { nullable: false }),
}) {
  declare list: List | null
  static list: Relationship<List> = relationship(() => List, { backPopulates: 'items' })
}

describe('rollback after a flush', () => {
  it('new objects lose their generated keys and can be added and committed again', async () => {
    const engine = await memoryEngine()
    await Base.metadata.createAll(engine)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const list = new List({ title: 'groceries' })
    list.items.push(new Item({ text: 'milk' }))
    session.add(list)
    await session.flush()
    expect(typeof list.id).toBe('number')
    expect(list.items[0]!.listId).toBe(list.id)
    await session.rollback()
    expect(inspect(list).transient).toBe(true)
    expect(list.id).toBeUndefined()
    expect(list.items[0]!.listId).toBeUndefined()
    expect(list.items[0]!.list).toBe(list)
    expect(await engine.scalar(select(func.count()).selectFrom(List.__table__))).toBe(0)
    session.add(list)
    await session.commit()
    expect(
      await engine.scalar(select(func.count()).selectFrom(Item.__table__).where(Item.c.listId.eq(list.id))),
    ).toBe(1)
  })
})
