/** The table every runtime Worker uses (created by the test, read and written by the Worker). */
import { Column, ForeignKey, MetaData, Table, t } from '../../../core/index.js'

export const metadata = new MetaData()
export const items = new Table('items', metadata, {
  id: new Column(t.Integer, { primaryKey: true }),
  name: new Column(t.String(50), { nullable: false, unique: true }),
  active: new Column(t.Boolean, { nullable: false }),
  joined: new Column(t.DateTime(), { nullable: false }),
})

/** Tables of the ORM route (mapped in orm-models.ts): client-generated keys, one commit = one request. */
export const teams = new Table('rt_teams', metadata, {
  id: new Column(t.String(36), { primaryKey: true, default: () => crypto.randomUUID() }),
  name: new Column(t.String(50), { nullable: false }),
})
export const members = new Table('rt_members', metadata, {
  id: new Column(t.String(36), { primaryKey: true, default: () => crypto.randomUUID() }),
  teamId: new Column(t.String(36), {
    name: 'team_id',
    nullable: false,
    foreignKey: new ForeignKey(() => teams.c.id),
  }),
  name: new Column(t.String(50), { nullable: false }),
})

/** What a Worker answers for a row: typed values as JSON, with the JS types it saw. */
export function describeRow(row: { id: number; name: string; active: boolean; joined: Date }) {
  return {
    id: row.id,
    name: row.name,
    active: row.active,
    joined: row.joined,
    types: { active: typeof row.active, joinedIsDate: row.joined instanceof Date },
  }
}

/** An error as JSON: its class and message. */
export function describeError(err: unknown) {
  const e = err as { name?: string; message?: string; constructor?: { name?: string } }
  return { error: { name: e?.constructor?.name ?? e?.name, message: String(e?.message ?? err) } }
}
