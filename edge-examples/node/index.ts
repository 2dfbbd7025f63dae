/**
 * The Node entry: the shared app on hono's Node server. Serves an embedded libSQL file
 * (`file:edge-examples.db`) unless DATABASE_URL / DATABASE_ADAPTER name another database
 * (.dev.vars.example lists them); `--migrate` creates missing tables first.
 *
 * ```sh
 * npm run examples:node                      # tsx edge-examples/node/index.ts --migrate
 * PORT=4000 DATABASE_URL=file:/tmp/x.db npx tsx edge-examples/node/index.ts --migrate
 * ```
 */
import { serve } from '@hono/node-server'
import { createApp, disposeEngines } from '../app/index.ts'
import { envFromProcess } from './env.ts'
import { migrate, nodeOptions } from './migrate.ts'

const env = envFromProcess()
if (process.argv.includes('--migrate')) await migrate(env)

const app = createApp(nodeOptions)
const port = Number(process.env.PORT || 3000)
const hostname = process.env.HOST || '127.0.0.1'
// Node builds no bindings: every request gets the same env, so the app makes one engine
const server = serve({ fetch: (request) => app.fetch(request, env), port, hostname }, (info) => {
  console.log(`edge-examples (node) listening on http://${hostname}:${info.port}`)
})

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: closing`)
  server.close(() => {
    disposeEngines().finally(() => process.exit(0))
  })
  setTimeout(() => process.exit(0), 3_000).unref() // keep-alive sockets must not hold the exit
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))
