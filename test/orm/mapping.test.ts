/** Declarative mapping: what the mapper accepts and what it refuses, with clear errors. */
import { describe, expect, it } from 'vitest'
import { ArgumentError, Column, ForeignKey, MetaData, select, Table, t } from '../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  inspect,
  mappedColumn,
  type Relationship,
  relationship,
} from '../../core/orm/index.js'
import { memoryEngine } from './support.js'

describe('declarative mapping', () => {
  it('refuses an attribute named then', () => {
    class Base extends DeclarativeBase {}
    expect(() =>
      Base.mapped('thenables', {
        id: mappedColumn(t.Integer, { primaryKey: true }),
        then: mappedColumn(t.Text),
      }),
    ).toThrow(/may not be named "then"/)
  })

  it('refuses a class field that would hide a mapped attribute, naming declare', async () => {
    class Base extends DeclarativeBase {}
    class Note extends Base.mapped('notes', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      body: mappedColumn(t.Text),
    }) {
      // a real field: defined on the instance after the base constructor ran
      body2 = 'x'
    }
    class Bad extends Base.mapped('bad_notes', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      body: mappedColumn(t.Text),
    }) {
      // @ts-expect-error a class field over a mapped attribute is what this test is about
      body: string | null = 'hidden'
    }
    const session = new AsyncSession(await memoryEngine())
    session.add(new Note({ body: 'ok' }))
    expect(() => session.add(new Bad({ body: 'x' }))).toThrow(/Bad\.body is a class field.*declare body/)
  })

  it('the constructor takes a partial object and refuses unknown keys', () => {
    class Base extends DeclarativeBase {}
    class Item extends Base.mapped('items', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      name: mappedColumn(t.String(20), { nullable: false }),
    }) {
      get shout(): string {
        return this.name.toUpperCase()
      }
    }
    const item = new Item({ name: 'a' })
    expect(item.shout).toBe('A')
    expect(item.id).toBeUndefined()
    expect(Object.keys(item)).toEqual([])
    expect(() => new Item({ nmae: 'typo' })).toThrow(/Item has no attribute "nmae" \(attributes: id, name\)/)
    expect(Item.c.name.name).toBe('name')
    expect(Item.__table__.name).toBe('items')
    expect(inspect(item).transient).toBe(true)
  })

  it('maps a class onto an existing Table', async () => {
    const metadata = new MetaData()
    const cities = new Table('cities', metadata, {
      id: new Column(t.Integer, { primaryKey: true }),
      name: new Column(t.String(40), { nullable: false }),
    })
    class Base extends DeclarativeBase {}
    class City extends Base.mapped(cities) {}
    const engine = await memoryEngine()
    await metadata.createAll(engine)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    session.add(new City({ name: 'Oslo' }))
    await session.commit()
    const [city] = (await session.scalars(select(City))).all()
    expect(city).toBeInstanceOf(City)
    expect(city!.name).toBe('Oslo')
  })

  it('a relationship without a connecting foreign key fails on first use, naming both tables', () => {
    class Base extends DeclarativeBase {}
    class A extends Base.mapped('a', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
      declare bs: B[]
      static bs: Relationship<B> = relationship(() => B)
    }
    class B extends Base.mapped('b', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {}
    expect(() => new A().bs).toThrow(/no foreign key connects a and b/)
  })

  it('two foreign keys to the same table need foreignKeys to choose', () => {
    class Base extends DeclarativeBase {}
    class Person extends Base.mapped('people', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {}
    class Match extends Base.mapped('matches', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      homeId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => Person.c.id) }),
      awayId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => Person.c.id) }),
    }) {
      declare home: Person | null
      declare away: Person | null
      static home: Relationship<Person> = relationship(() => Person, { foreignKeys: () => [Match.c.homeId] })
      static away: Relationship<Person> = relationship(() => Person)
    }
    const m = new Match()
    const p = new Person()
    m.home = p
    expect(m.home).toBe(p)
    expect(() => {
      m.away = p
    }).toThrow(/several foreign keys of matches refer to people; say which with foreignKeys/)
  })

  it('a relationship refuses objects of the wrong class', () => {
    class Base extends DeclarativeBase {}
    class P extends Base.mapped('p', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
      declare cs: C[]
      static cs: Relationship<C> = relationship(() => C)
    }
    class C extends Base.mapped('c', {
      id: mappedColumn(t.Integer, { primaryKey: true }),
      pId: mappedColumn(t.Integer, { foreignKey: new ForeignKey(() => P.c.id) }),
    }) {}
    const p = new P()
    expect(() => p.cs.push(new P() as unknown as C)).toThrow(ArgumentError)
    expect(() => {
      p.cs = 'x' as never
    }).toThrow(/is a collection: assign an array/)
  })

  it('a subclass of a mapped class needs single-table inheritance declared', () => {
    class Base extends DeclarativeBase {}
    class Animal extends Base.mapped('animals', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {}
    class Dog extends Animal {}
    new Animal()
    expect(() => new Dog()).toThrow(
      /Dog extends the mapped class Animal: single-table inheritance needs.*polymorphicOn/,
    )
  })
})
