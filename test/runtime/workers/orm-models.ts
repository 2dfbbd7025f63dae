/** Mapped classes over the runtime tables, and the `/orm` route every Worker serves. */
import { type AsyncEngine, select } from '../../../core/index.js'
import {
  AsyncSession,
  DeclarativeBase,
  type Relationship,
  relationship,
  selectinload,
} from '../../../core/orm/index.js'
import { members, teams } from './tables.js'

class Base extends DeclarativeBase {}
export class Team extends Base.mapped(teams) {
  declare members: Member[]
  static members: Relationship<Member> = relationship(() => Member, {
    backPopulates: 'team',
    cascade: 'all, delete-orphan',
  })
}
export class Member extends Base.mapped(members) {
  declare team: Team | null
  static team: Relationship<Team> = relationship(() => Team, { backPopulates: 'members' })
}

/** Commits a team with two members in one session, reads it back in another. */
export async function ormRoute(e: AsyncEngine, name: string) {
  const session = new AsyncSession(e, { expireOnCommit: false })
  const team = new Team({ name })
  team.members.push(new Member({ name: `${name}-1` }), new Member({ name: `${name}-2` }))
  session.add(team)
  await session.commit()
  const flush = session.lastFlush
  await using reader = new AsyncSession(e)
  const loaded = (
    await reader.scalars(select(Team).where(Team.c.id.eq(team.id)).options(selectinload(Team.members)))
  ).one()
  return {
    team: loaded.name,
    members: loaded.members.map((m) => m.name).sort(),
    backRef: loaded.members.every((m) => m.team === loaded),
    commitRequests: flush.requests,
  }
}
