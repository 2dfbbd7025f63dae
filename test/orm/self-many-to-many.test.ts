/** A self-referential many-to-many (people following people) through an association table. */
import { describe, expect, it } from 'vitest'
import { Column, ForeignKey, select, Table, t } from '../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  mappedColumn,
  type Relationship,
  relationship,
  selectinload,
} from '../../core/orm/index.js'
import { memoryEngine } from './support.js'

class Base extends DeclarativeBase {}
const follows = new Table('follows', Base.metadata, {
  followerId: new Column(t.Integer, { primaryKey: true, foreignKey: new ForeignKey(() => Person.c.id) }),
  followedId: new Column(t.Integer, { primaryKey: true, foreignKey: new ForeignKey(() => Person.c.id) }),
})
class Person extends Base.mapped('people', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(t.String(20), { nullable: false }),
}) {
  declare following: Person[]
  static following: Relationship<Person> = relationship(() => Person, { secondary: follows })
}

describe('self-referential many-to-many', () => {
  it('the first foreign key of the association table is this side', async () => {
    const engine = await memoryEngine()
    await Base.metadata.createAll(engine)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const ann = new Person({ id: 1, name: 'ann' })
    const bob = new Person({ id: 2, name: 'bob' })
    const cyd = new Person({ id: 3, name: 'cyd' })
    ann.following.push(bob, cyd)
    bob.following.push(cyd)
    session.addAll([ann, bob, cyd])
    await session.commit()
    const rows = (
      await engine.execute(
        select(follows.c.followerId, follows.c.followedId).orderBy(
          follows.c.followerId,
          follows.c.followedId,
        ),
      )
    ).all()
    expect(rows.map((r) => [r.followerId, r.followedId])).toEqual([
      [1, 2],
      [1, 3],
      [2, 3],
    ])
    session.expungeAll()
    const people = (
      await session.scalars(select(Person).orderBy(Person.c.id).options(selectinload(Person.following)))
    ).all()
    expect(people.map((p) => [p.name, p.following.map((f) => f.name)])).toEqual([
      ['ann', ['bob', 'cyd']],
      ['bob', ['cyd']],
      ['cyd', []],
    ])
    const followsCyd = (
      await session.scalars(select(Person).where(Person.following.contains(people[2]!)).orderBy(Person.c.id))
    ).all()
    expect(followsCyd.map((p) => p.name)).toEqual(['ann', 'bob'])
  })
})
