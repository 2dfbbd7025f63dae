/**
 * Creates the app's tables where they are missing, on the database the environment names (the
 * same variables as the Node entry; an embedded libSQL file by default). Workers on D1 use
 * `wrangler d1 migrations apply DB` with migrations/ instead; the DDL is the same (for SQLite,
 * migrations/0001_init.sql is this metadata's output, checked by test/examples/migrations.test.ts).
 *
 * `npm run examples:migrate`, or `tsx edge-examples/node/index.ts --migrate` before serving.
 */
import { pathToFileURL } from 'node:url'
import { libsql } from 'edgealchemy/libsql/node'
import ws from 'ws'
import { type AppOptions, disposeEngines, type Env, engineFor, metadata } from '../app/index.ts'
import { envFromProcess } from './env.ts'

/** What the Node runtime gives the app: embedded libSQL files, and a WebSocket for neon on Node 20. */
export const nodeOptions: AppOptions = {
  localLibsql: libsql,
  webSocketConstructor: (globalThis as { WebSocket?: unknown }).WebSocket ?? ws,
}

export async function migrate(env: Env): Promise<void> {
  await metadata.createAll(engineFor(env, nodeOptions), { checkFirst: true })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await migrate(envFromProcess())
  await disposeEngines()
  console.log('tables ready:', [...metadata.tables.keys()].join(', '))
}
