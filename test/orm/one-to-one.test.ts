/** A one-to-one: a one-to-many with uselist false, back-populated by a many-to-one. */
import { describe, expect, it } from 'vitest'
import { ForeignKey, select, t } from '../../core/index.js'
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
class Account extends Base.mapped('accounts', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
}) {
  declare profile: Profile | null
  static profile: Relationship<Profile> = relationship(() => Profile, {
    uselist: false,
    backPopulates: 'account',
    cascade: 'all, delete-orphan',
  })
}
class Profile extends Base.mapped('profiles', {
  id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
  accountId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => Account.c.id) }),
  bio: mappedColumn(t.Text),
}) {
  declare account: Account | null
  static account: Relationship<Account> = relationship(() => Account, { backPopulates: 'profile' })
}

describe('one-to-one', () => {
  it('holds one object; replacing it deletes the orphan; loads back as an object', async () => {
    const engine = await memoryEngine()
    await Base.metadata.createAll(engine)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    const acc = new Account({ id: 1 })
    expect(acc.profile).toBeNull()
    const first = new Profile({ id: 1, bio: 'first' })
    acc.profile = first
    expect(first.account).toBe(acc)
    session.add(acc)
    await session.commit()
    expect(first.accountId).toBe(1)
    acc.profile = new Profile({ id: 2, bio: 'second' })
    expect(first.account).toBeNull()
    await session.commit()
    const ids = (await engine.execute(select(Profile.c.id, Profile.c.accountId).orderBy(Profile.c.id))).all()
    expect(ids.map((r) => [r.id, r.accountId])).toEqual([[2, 1]])
    session.expungeAll()
    const [loaded] = (await session.scalars(select(Account).options(selectinload(Account.profile)))).all()
    expect(loaded!.profile?.bio).toBe('second')
  })
})
