/**
 * For the hono middleware tests: a mapped class, a fresh embedded libSQL file per call (under
 * .tmp/, WAL, so a session's open transaction does not block the checks), and helpers to call an
 * app and read what the database holds.
 */
import { mkdirSync, rmSync } from 'node:fs'
import type { Hono } from 'hono'
import { libsql } from '../../adapters/libsql/node.js'
import { type AsyncEngine, createAsyncEngine, select, t, text } from '../../core/index.js'
import { DeclarativeBase, mappedColumn } from '../../core/orm/index.js'
import { uniqueName } from '../support/databases.js'

class Base extends DeclarativeBase {}
export class Note extends Base.mapped('hono_notes', {
  id: mappedColumn(t.String(36), { primaryKey: true, default: () => crypto.randomUUID() }),
  title: mappedColumn(t.String(50), { nullable: false, unique: true }),
}) {}

/** A database file with the notes table; `titles()` reads what is committed, `close()` removes it. */
export async function openDatabase(prefix: string) {
  mkdirSync('.tmp', { recursive: true })
  const file = `.tmp/${uniqueName(prefix)}.db`
  const engine: AsyncEngine = createAsyncEngine(libsql(`file:${file}`))
  await engine.execute(text('PRAGMA journal_mode=WAL'))
  await Base.metadata.createAll(engine)
  return {
    engine,
    async titles(): Promise<string[]> {
      return (await engine.execute(select(Note.c.title).orderBy(Note.c.title))).scalars().all()
    },
    async close(): Promise<void> {
      await engine.dispose()
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
    },
  }
}

/** Sends a request to the app (`app.request`) and returns its status and parsed JSON body. */
export async function call(
  app: Hono<any, any, any>,
  path: string,
  init?: RequestInit,
  env?: object,
): Promise<{ status: number; body: any }> {
  const res = await app.request(path, init, env)
  const raw = await res.text()
  let body: unknown = raw
  try {
    body = JSON.parse(raw)
  } catch {
    // plain text (hono's default error and not-found responses)
  }
  return { status: res.status, body }
}

/** A promise with its resolve function, to hold requests in flight together. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((r) => (open = r))
  return { promise, open }
}
