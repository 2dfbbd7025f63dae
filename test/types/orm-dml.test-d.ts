/** insert/update/delete_ of a mapped class check values against the class's columns. */
import { describe, expectTypeOf, test } from 'vitest'
import { delete_, insert, type Table, t, update } from '../../core/index.js'
import { DeclarativeBase, mappedColumn } from '../../core/orm/index.js'

class Base extends DeclarativeBase {}
class User extends Base.mapped('users', {
  id: mappedColumn(t.Integer, { primaryKey: true }),
  name: mappedColumn(t.String(50), { nullable: false }),
  nick: mappedColumn(t.String(50)),
}) {}

describe('DML of a mapped class', () => {
  test('values are checked against the columns', () => {
    insert(User).values({ name: 'a' })
    insert(User).values([{ name: 'a', nick: null }])
    update(User).values({ name: 'b', nick: null }).where(User.c.id.eq(1))
    delete_(User).where(User.c.name.eq('a'))
    // @ts-expect-error: name is required
    insert(User).values({ nick: 'x' })
    // @ts-expect-error: name is a string
    update(User).values({ name: 1 })
    // @ts-expect-error: no such column
    update(User).values({ bogus: 1 })
  })

  test('the statement is over the class table', () => {
    expectTypeOf(update(User).table).toExtend<Table>()
    expectTypeOf(insert(User).table.name).toEqualTypeOf<'users'>()
  })
})
