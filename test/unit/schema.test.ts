import { describe, expect, it } from 'vitest'
import { Column, ForeignKey, insert, MetaData, PrimaryKeyConstraint, Table, t } from '../../core/index.js'

describe('Table', () => {
  const metadata = new MetaData()
  const users = new Table('users', metadata, {
    id: new Column(t.Integer, { primaryKey: true }),
    name: new Column(t.String(20), { nullable: false }),
  })
  const profiles = new Table('profiles', metadata, {
    userId: new Column(t.Integer, {
      name: 'user_id',
      primaryKey: true,
      foreignKey: new ForeignKey(() => users.c.id),
    }),
  })
  const memberships = new Table(
    'memberships',
    metadata,
    { userId: new Column(t.Integer), groupId: new Column(t.Integer) },
    new PrimaryKeyConstraint(['userId', 'groupId']),
  )

  it('makes a lone Integer primary key autoincrement', () => {
    expect(users.c.id.isAutoincrement).toBe(true)
    expect(
      insert(users)
        .values({ name: 'a' })
        .columns.map((c) => c.key),
    ).toEqual(['name'])
  })
  it('does not autoincrement a primary key that is also a foreign key', () => {
    expect(profiles.c.userId.isAutoincrement).toBe(false)
    expect(() => insert(profiles).values({} as never)).toThrow(/user_id|userId/)
  })
  it('makes the columns of a PrimaryKeyConstraint NOT NULL primary key columns', () => {
    expect(memberships.c.userId.nullable).toBe(false)
    expect(memberships.c.userId.primaryKey).toBe(true)
    expect(memberships.primaryKeyColumns.map((c) => c.key)).toEqual(['userId', 'groupId'])
    expect(() => insert(memberships).values({ userId: 1 } as never)).toThrow(/groupId/)
  })
  it('keeps keys and database names apart', () => {
    expect(profiles.c.userId.key).toBe('userId')
    expect(profiles.c.userId.name).toBe('user_id')
  })
  it('lists tables in foreign-key order', () => {
    expect(metadata.sortedTables.map((t) => t.name)).toEqual(['users', 'profiles', 'memberships'])
  })
})
