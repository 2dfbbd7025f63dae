/** The unit of work's SQL: what a flush writes and in which order (embedded libSQL, statements captured). */
import { AsyncLocalStorage } from 'node:async_hooks'
import { describe, expect, it } from 'vitest'
import { libsqlCapabilities } from '../../adapters/libsql/index.js'
import { type Column, ForeignKey, select, sqlite, t } from '../../core/index.js'
import { stepGroups } from '../../core/orm/flush-steps.js'
import {
  AsyncSession,
  asyncScopedSession,
  asyncSessionmaker,
  DeclarativeBase,
  mappedColumn,
  type Relationship,
  relationship,
} from '../../core/orm/index.js'
import type { FlushPlan } from '../../core/orm/unit-of-work.js'
import { memoryEngine } from './support.js'

class Base extends DeclarativeBase {}
let n = 0
const key = () => `k${++n}`

class Team extends Base.mapped('teams', {
  id: mappedColumn(t.String(10), { primaryKey: true, default: key }),
  name: mappedColumn(t.String(20), { nullable: false }),
  city: mappedColumn(t.String(20)),
  captainId: mappedColumn(t.String(10), { foreignKey: new ForeignKey((): Column<any, any> => Player.c.id) }),
}) {
  declare players: Player[]
  declare captain: Player | null
  static players: Relationship<Player> = relationship(() => Player, {
    backPopulates: 'team',
    foreignKeys: () => [Player.c.teamId],
    lazy: 'selectin',
  })
  static captain: Relationship<Player> = relationship(() => Player, { foreignKeys: () => [Team.c.captainId] })
}
class Player extends Base.mapped('players', {
  id: mappedColumn(t.String(10), { primaryKey: true, default: key }),
  teamId: mappedColumn(t.String(10), { foreignKey: new ForeignKey(() => Team.c.id) }),
  name: mappedColumn(t.String(20), { nullable: false }),
}) {
  declare team: Team | null
  static team: Relationship<Team> = relationship(() => Team, {
    backPopulates: 'players',
    foreignKeys: () => [Player.c.teamId],
  })
}

async function setup(log: string[]) {
  const engine = await memoryEngine(log)
  await Base.metadata.createAll(engine)
  log.length = 0
  return engine
}

describe('unit of work', () => {
  it('inserts the rows of one table with one multi-row INSERT, parents first', async () => {
    const log: string[] = []
    const session = new AsyncSession(await setup(log), { expireOnCommit: false })
    const team = new Team({ name: 'Owls' })
    team.players.push(new Player({ name: 'a' }), new Player({ name: 'b' }), new Player({ name: 'c' }))
    session.add(team)
    await session.commit()
    const inserts = log.filter((l) => l.startsWith('INSERT'))
    expect(inserts).toHaveLength(2)
    expect(inserts[0]).toMatch(/^INSERT INTO teams/)
    expect(inserts[1]).toMatch(
      /^INSERT INTO players .* VALUES \(\?, \?, \?\), \(\?, \?, \?\), \(\?, \?, \?\)/,
    )
  })

  it('an UPDATE sets only the columns that changed', async () => {
    const log: string[] = []
    const session = new AsyncSession(await setup(log), { expireOnCommit: false })
    const team = new Team({ name: 'Larks', city: 'Bergen' })
    session.add(team)
    await session.commit()
    log.length = 0
    team.city = 'Oslo'
    team.name = 'Larks' // same value: not a change
    await session.commit()
    expect(log.filter((l) => l.startsWith('UPDATE'))).toEqual([
      `UPDATE teams SET city = ? WHERE teams.id = ?  ["Oslo","${team.id}"]`,
    ])
  })

  it('a cycle is broken by inserting a nullable key as NULL and setting it afterwards', async () => {
    const log: string[] = []
    const session = new AsyncSession(await setup(log), { expireOnCommit: false })
    const team = new Team({ name: 'Cyclists' })
    const captain = new Player({ name: 'cap', team })
    team.captain = captain
    session.add(team)
    await session.commit()
    const writes = log.filter((l) => /^(INSERT|UPDATE)/.test(l))
    expect(writes).toHaveLength(3)
    expect(writes[2]).toMatch(/^UPDATE (teams SET "captainId"|players SET "teamId")/)
    session.expungeAll()
    const again = (await session.get(Team, team.id))!
    expect(again.captainId).toBe(captain.id)
    expect(again.players.map((p) => p.name)).toEqual(['cap']) // lazy: 'selectin' loaded it with the team
  })

  it('a flush that changes nothing sends nothing', async () => {
    const log: string[] = []
    const session = new AsyncSession(await setup(log), { expireOnCommit: false })
    const team = new Team({ name: 'Quiet' })
    session.add(team)
    await session.commit()
    log.length = 0
    team.name = 'Quiet'
    await session.commit()
    expect(log).toEqual([])
  })

  it('asyncSessionmaker makes sessions with its options; begin() commits and closes', async () => {
    const engine = await setup([])
    const Session = asyncSessionmaker(engine, { expireOnCommit: false })
    const s1 = Session()
    expect(s1.expireOnCommit).toBe(false)
    const team = await Session.begin(async (s) => {
      const tm = new Team({ name: 'Made' })
      s.add(tm)
      return tm
    })
    expect(team.name).toBe('Made')
    expect((await engine.execute(select(Team.c.name).where(Team.c.id.eq(team.id)))).scalar()).toBe('Made')
  })

  it('asyncScopedSession gives one session per async context', async () => {
    const engine = await setup([])
    const scoped = asyncScopedSession(asyncSessionmaker(engine), { storage: new AsyncLocalStorage() })
    const seen: AsyncSession[] = []
    await Promise.all(
      [1, 2].map(() =>
        scoped.run(async () => {
          const a = scoped()
          await Promise.resolve()
          expect(scoped()).toBe(a)
          seen.push(a)
        }),
      ),
    )
    expect(seen[0]).not.toBe(seen[1])
    expect(() => scoped()).toThrow(/No session scope is active/)
    let current = 'req-1'
    const byFunc = asyncScopedSession(asyncSessionmaker(engine), { scopefunc: () => current })
    const first = byFunc()
    current = 'req-2'
    expect(byFunc()).not.toBe(first)
    current = 'req-1'
    expect(byFunc()).toBe(first)
    await byFunc.remove()
    expect(byFunc()).not.toBe(first)
  })
})

describe('deleting a parent whose children have a NOT NULL key', () => {
  class B2 extends DeclarativeBase {}
  class Host extends B2.mapped('hosts', { id: mappedColumn(t.Integer, { primaryKey: true }) }) {
    declare visits: Visit[]
    static visits: Relationship<Visit> = relationship(() => Visit)
  }
  class Visit extends B2.mapped('visits', {
    id: mappedColumn(t.Integer, { primaryKey: true }),
    hostId: mappedColumn(t.Integer, { nullable: false, foreignKey: new ForeignKey(() => Host.c.id) }),
  }) {}

  it('works when it has none, and says what to do when it has some', async () => {
    const engine = await memoryEngine()
    await B2.metadata.createAll(engine)
    const session = new AsyncSession(engine, { expireOnCommit: false })
    session.addAll([new Host({ id: 1 }), new Host({ id: 2 }), new Visit({ id: 1, hostId: 2 })])
    await session.commit()
    session.expungeAll()
    await session.delete((await session.get(Host, 1))!)
    await session.commit()
    await session.delete((await session.get(Host, 2))!)
    await expect(session.commit()).rejects.toThrow(
      /Visit.hostId is NOT NULL.*cascade: 'all, delete-orphan' on Host.visits/,
    )
  })
})

describe('rows that point to each other (post_update)', () => {
  class B3 extends DeclarativeBase {}
  class Widget extends B3.mapped('widgets', {
    id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
    favoriteEntryId: mappedColumn(t.Integer, {
      name: 'favorite_entry_id',
      foreignKey: new ForeignKey((): Column<any, any> => Entry.c.id),
    }),
  }) {
    declare entries: Entry[]
    declare favorite: Entry | null
    static entries: Relationship<Entry> = relationship(() => Entry, {
      backPopulates: 'widget',
      cascade: 'all, delete-orphan',
      foreignKeys: () => [Entry.c.widgetId],
    })
    static favorite: Relationship<Entry> = relationship(() => Entry, {
      foreignKeys: () => [Widget.c.favoriteEntryId],
    })
  }
  class Entry extends B3.mapped('entries', {
    id: mappedColumn(t.Integer, { primaryKey: true, autoincrement: false }),
    widgetId: mappedColumn(t.Integer, {
      name: 'widget_id',
      nullable: false,
      foreignKey: new ForeignKey(() => Widget.c.id),
    }),
  }) {
    declare widget: Widget | null
    static widget: Relationship<Widget> = relationship(() => Widget, {
      backPopulates: 'entries',
      foreignKeys: () => [Entry.c.widgetId],
    })
  }

  async function seeded(expireOnCommit = false) {
    const log: string[] = []
    const engine = await memoryEngine(log)
    await B3.metadata.createAll(engine)
    const session = new AsyncSession(engine, { expireOnCommit })
    const widgets = [1, 2].map((i) => {
      const w = new Widget({ id: i })
      w.entries.push(new Entry({ id: 10 * i + 1 }), new Entry({ id: 10 * i + 2 }))
      w.favorite = w.entries[0]!
      return w
    })
    session.addAll(widgets)
    await session.commit()
    log.length = 0
    const writes = () => log.filter((l) => /^(INSERT|UPDATE|DELETE)/.test(l))
    return { engine, session, widgets, writes }
  }

  it('deleting parents clears their nullable key first, one UPDATE per table, then the DELETEs', async () => {
    const { session, widgets, writes } = await seeded()
    for (const w of widgets) await session.delete(w)
    await session.commit()
    expect(writes()).toEqual([
      'UPDATE widgets SET favorite_entry_id = NULL WHERE widgets.id IN (?, ?)  [1,2]',
      'DELETE FROM entries WHERE entries.id IN (?, ?, ?, ?)  [12,22,11,21]',
      'DELETE FROM widgets WHERE widgets.id IN (?, ?)  [1,2]',
    ])
  })

  it('a foreign key that is not loaded is cleared without being read', async () => {
    const { engine, session, widgets, writes } = await seeded(true)
    await session.delete(widgets[0]!)
    await session.commit()
    expect(writes()[0]).toBe('UPDATE widgets SET favorite_entry_id = NULL WHERE widgets.id IN (?)  [1]')
    expect((await engine.execute(select(Entry.c.id).orderBy(Entry.c.id))).scalars().all()).toEqual([21, 22])
  })

  it('a row that stays and refers to a deleted one is set to NULL first; an unchanged cycle writes nothing more', async () => {
    const { session, widgets, writes } = await seeded()
    await session.delete(widgets[0]!.entries[0]!)
    await session.commit()
    expect(writes()).toEqual([
      'UPDATE widgets SET favorite_entry_id = NULL WHERE widgets.id = ?  [1]',
      'DELETE FROM entries WHERE entries.id IN (?)  [11]',
    ])
    expect(widgets[0]!.favoriteEntryId).toBeNull()
    await session.delete(widgets[1]!.entries[1]!) // not a favorite: nothing to clear
    await session.commit()
    expect(writes().slice(2)).toEqual(['DELETE FROM entries WHERE entries.id IN (?)  [22]'])
  })

  it('the clearing UPDATEs are chunked to the parameter limit', () => {
    const plan: FlushPlan = {
      secondaryDeletes: [],
      saves: [],
      postUpdates: [],
      secondaryInserts: [],
      dereferences: [],
      unlinks: [{ table: Widget.__table__, columns: ['favoriteEntryId'], keys: [[1], [2], [3], [4], [5]] }],
      deletes: [],
      touched: new Set(),
    }
    const target = { dialect: sqlite, capabilities: { ...libsqlCapabilities, maxParams: 3 } }
    const steps = stepGroups(target, plan).flatMap((build) => build())
    expect(steps.map((s) => [s.stmt.sql, s.stmt.params])).toEqual([
      ['UPDATE widgets SET favorite_entry_id = NULL WHERE widgets.id IN (?, ?, ?)', [1, 2, 3]],
      ['UPDATE widgets SET favorite_entry_id = NULL WHERE widgets.id IN (?, ?)', [4, 5]],
    ])
    expect(steps.every((s) => s.expect === undefined)).toBe(true)
  })
})
