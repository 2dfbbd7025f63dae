/** Relationships over composite foreign keys: written, loaded by every loader, compared. */
import { describe, expect, it } from 'vitest'
import { ForeignKeyConstraint, select, t } from '../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  joinedload,
  jsonload,
  mappedColumn,
  type Relationship,
  relationship,
  selectinload,
} from '../../core/orm/index.js'
import { memoryEngine } from './support.js'

class Base extends DeclarativeBase {}
class Room extends Base.mapped('rooms', {
  building: mappedColumn(t.String(10), { primaryKey: true }),
  number: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  label: mappedColumn(t.String(20)),
}) {
  declare bookings: Booking[]
  static bookings: Relationship<Booking> = relationship(() => Booking, { backPopulates: 'room' })
}
class Booking extends Base.mapped(
  'bookings',
  {
    id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
    building: mappedColumn(t.String(10), { nullable: false }),
    number: mappedColumn(t.Integer, { nullable: false }),
    who: mappedColumn(t.String(20), { nullable: false }),
  },
  new ForeignKeyConstraint(['building', 'number'], () => [Room.c.building, Room.c.number]),
) {
  declare room: Room | null
  static room: Relationship<Room> = relationship(() => Room, { backPopulates: 'bookings' })
}

describe('composite foreign keys', () => {
  it('sync both key columns on flush and load back with selectin, joined and JSON loaders', async () => {
    const engine = await memoryEngine()
    await Base.metadata.createAll(engine)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const a = new Room({ building: 'A', number: 1, label: 'A1' })
    const b = new Room({ building: 'B', number: 1, label: 'B1' })
    a.bookings.push(new Booking({ id: 1, who: 'ann' }), new Booking({ id: 2, who: 'bob' }))
    b.bookings.push(new Booking({ id: 3, who: 'cyd' }))
    session.addAll([a, b])
    await session.commit()
    expect(a.bookings.map((x) => [x.building, x.number])).toEqual([
      ['A', 1],
      ['A', 1],
    ])
    for (const option of [selectinload(Room.bookings), joinedload(Room.bookings), jsonload(Room.bookings)]) {
      session.expungeAll()
      const rooms = (await session.scalars(select(Room).orderBy(Room.c.building).options(option))).all()
      expect(rooms.map((r) => [r.label, r.bookings.map((x) => x.who).sort()])).toEqual([
        ['A1', ['ann', 'bob']],
        ['B1', ['cyd']],
      ])
    }
    session.expungeAll()
    const bookings = (
      await session.scalars(select(Booking).orderBy(Booking.c.id).options(selectinload(Booking.room)))
    ).all()
    expect(bookings.map((x) => x.room?.label)).toEqual(['A1', 'A1', 'B1'])
    const withAnn = (
      await session.scalars(select(Room).where(Room.bookings.any(Booking.c.who.eq('ann'))))
    ).all()
    expect(withAnn.map((r) => r.label)).toEqual(['A1'])
    expect((await session.scalars(select(Booking).where(Booking.room.eq(withAnn[0]!)))).all()).toHaveLength(2)
  })
})
