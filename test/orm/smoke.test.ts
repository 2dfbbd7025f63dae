import { expect, it } from 'vitest'
import { libsql } from '../../adapters/libsql/node.js'
import { createAsyncEngine, ForeignKey, select, t } from '../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  mappedColumn,
  type Relationship,
  relationship,
  selectinload,
} from '../../core/orm/index.js'

class Base extends DeclarativeBase {}
class User extends Base.mapped('users', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  name: mappedColumn(t.String(50), { nullable: false }),
}) {
  declare addresses: Address[]
  static addresses: Relationship<Address> = relationship(() => Address, {
    backPopulates: 'user',
    cascade: 'all, delete-orphan',
  })
}
class Address extends Base.mapped('addresses', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  userId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => User.c.id) }),
  email: mappedColumn(t.String(100), { nullable: false }),
}) {
  declare user: User | null
  static user: Relationship<User> = relationship(() => User, { backPopulates: 'addresses' })
}

it('smoke', async () => {
  const engine = createAsyncEngine(libsql(':memory:'), { echo: true })
  await Base.metadata.createAll(engine)
  const session = new AsyncSession(engine, { expireOnCommit: false })
  const u = new User({ name: 'Alice' })
  u.addresses.push(new Address({ email: 'a@x' }), new Address({ email: 'b@x' }))
  expect(u.addresses[0]!.user).toBe(u)
  session.add(u)
  await session.commit()
  expect(u.id).toBe(1)
  expect(u.addresses.map((a) => a.userId)).toEqual([1, 1])
  const again = await session.get(User, 1)
  expect(again).toBe(u)
  session.expungeAll()
  const users = (await session.execute(select(User).options(selectinload(User.addresses)))).scalars().all()
  expect(users[0]!.addresses.map((a) => a.email)).toEqual(['a@x', 'b@x'])
  users[0]!.name = 'Bob'
  users[0]!.addresses.pop()
  await session.commit()
  const count = await engine.scalar(select(Address.c.id))
  expect(count).toBe(1)
  await session.delete(users[0]!)
  await session.commit()
  expect((await engine.execute(select(Address.c.id))).all()).toEqual([])
})
