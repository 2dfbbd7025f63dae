/**
 * Relationship shapes beyond the plain foreign key: a composite foreign key, a self-referential
 * many-to-many, a one-to-one. Their mapped classes live here, on the ORM topics' base.
 */
import { Column, ForeignKey, ForeignKeyConstraint, func, select, Table, t } from '../../core/index.js'
import {
  AsyncSession,
  joinedload,
  jsonload,
  mappedColumn,
  type Relationship,
  relationship,
  selectinload,
} from '../../core/orm/index.js'
import { OrmBase } from './orm-schema.js'
import type { Topic } from './types.js'

export class Room extends OrmBase.mapped('ea_orm_rooms', {
  building: mappedColumn(t.String(10), { primaryKey: true }),
  number: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  label: mappedColumn(t.String(20)),
}) {
  declare bookings: Booking[]
  static bookings: Relationship<Booking> = relationship(() => Booking, { backPopulates: 'room' })
}
export class Booking extends OrmBase.mapped(
  'ea_orm_bookings',
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

export const follows = new Table('ea_orm_follows', OrmBase.metadata, {
  followerId: new Column(t.Integer, {
    name: 'follower_id',
    primaryKey: true,
    foreignKey: new ForeignKey(() => Person.c.id),
  }),
  followedId: new Column(t.Integer, {
    name: 'followed_id',
    primaryKey: true,
    foreignKey: new ForeignKey(() => Person.c.id),
  }),
})
export class Person extends OrmBase.mapped('ea_orm_people', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(t.String(20), { nullable: false }),
}) {
  declare following: Person[]
  static following: Relationship<Person> = relationship(() => Person, { secondary: follows })
}

export class Account extends OrmBase.mapped('ea_orm_accounts', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
}) {
  declare profile: Profile | null
  static profile: Relationship<Profile> = relationship(() => Profile, {
    uselist: false,
    backPopulates: 'account',
    cascade: 'all, delete-orphan',
  })
}
export class Profile extends OrmBase.mapped('ea_orm_profiles', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  accountId: mappedColumn(t.Integer, { name: 'account_id', foreignKey: new ForeignKey(() => Account.c.id) }),
  bio: mappedColumn(t.Text),
}) {
  declare account: Account | null
  static account: Relationship<Account> = relationship(() => Account, { backPopulates: 'profile' })
}

export function ormShapesTopic(s: Topic): void {
  const { test, expect } = s
  const session = () => new AsyncSession(s.engine, { expireOnCommit: false })

  test('a composite foreign key: both columns synced, loaded by every loader, compared', async () => {
    const db = session()
    const building = `b${s.nextId()}`
    const a = new Room({ building, number: 1, label: 'one' })
    const b = new Room({ building, number: 2, label: 'two' })
    a.bookings.push(new Booking({ id: s.nextId(), who: 'ann' }), new Booking({ id: s.nextId(), who: 'bob' }))
    b.bookings.push(new Booking({ id: s.nextId(), who: 'cyd' }))
    db.addAll([a, b])
    await db.commit()
    expect(a.bookings.map((x) => [x.building, x.number])).toEqual([
      [building, 1],
      [building, 1],
    ])
    const mine = select(Room).where(Room.c.building.eq(building)).orderBy(Room.c.number)
    for (const option of [selectinload(Room.bookings), joinedload(Room.bookings), jsonload(Room.bookings)]) {
      db.expungeAll()
      const rooms = (await db.scalars(mine.options(option))).all()
      expect(rooms.map((r) => [r.label, r.bookings.map((x) => x.who).sort()])).toEqual([
        ['one', ['ann', 'bob']],
        ['two', ['cyd']],
      ])
    }
    const withAnn = (await db.scalars(mine.where(Room.bookings.any(Booking.c.who.eq('ann'))))).all()
    expect(withAnn.map((r) => r.label)).toEqual(['one'])
    expect((await db.scalars(select(Booking).where(Booking.room.eq(withAnn[0]!)))).all()).toHaveLength(2)
    await db.close()
  })

  test('a self-referential many-to-many: the first foreign key of the association is this side', async () => {
    const db = session()
    const [ann, bob, cyd] = ['ann', 'bob', 'cyd'].map((name) => new Person({ id: s.nextId(), name }))
    ann!.following.push(bob!, cyd!)
    bob!.following.push(cyd!)
    db.addAll([ann!, bob!, cyd!])
    await db.commit()
    const ids = [ann!.id, bob!.id, cyd!.id]
    const pairs = (
      await s.engine.execute(
        select(follows.c.followerId, follows.c.followedId)
          .where(follows.c.followerId.in(ids))
          .orderBy(follows.c.followerId, follows.c.followedId),
      )
    ).all()
    expect(pairs.map((r) => [r.followerId, r.followedId])).toEqual([
      [ann!.id, bob!.id],
      [ann!.id, cyd!.id],
      [bob!.id, cyd!.id],
    ])
    db.expungeAll()
    const people = (
      await db.scalars(
        select(Person)
          .where(Person.c.id.in(ids))
          .orderBy(Person.c.id)
          .options(selectinload(Person.following)),
      )
    ).all()
    expect(people.map((p) => [p.name, p.following.map((f) => f.name)])).toEqual([
      ['ann', ['bob', 'cyd']],
      ['bob', ['cyd']],
      ['cyd', []],
    ])
    const followsCyd = (
      await db.scalars(select(Person).where(Person.following.contains(people[2]!)).orderBy(Person.c.id))
    ).all()
    expect(followsCyd.map((p) => p.name)).toEqual(['ann', 'bob'])
    await db.close()
  })

  test('a one-to-one holds one object; replacing it deletes the orphan', async () => {
    const db = session()
    const acc = new Account({ id: s.nextId() })
    expect(acc.profile).toBeNull()
    const first = new Profile({ id: s.nextId(), bio: 'first' })
    acc.profile = first
    expect(first.account).toBe(acc)
    db.add(acc)
    await db.commit()
    expect(first.accountId).toBe(acc.id)
    const second = new Profile({ id: s.nextId(), bio: 'second' })
    acc.profile = second
    expect(first.account).toBeNull()
    await db.commit()
    const left = (await s.engine.execute(select(Profile.c.id).where(Profile.c.accountId.eq(acc.id))))
      .scalars()
      .all()
    expect(left).toEqual([second.id])
    expect(
      await s.engine.scalar(
        select(func.count()).selectFrom(Profile.__table__).where(Profile.c.id.eq(first.id)),
      ),
    ).toBe(0)
    db.expungeAll()
    const [loaded] = (
      await db.scalars(select(Account).where(Account.c.id.eq(acc.id)).options(selectinload(Account.profile)))
    ).all()
    expect(loaded!.profile?.bio).toBe('second')
    await db.close()
  })
}
