/**
 * The Bun entry: the shared app on `Bun.serve`, configured from `process.env` like the Node entry
 * (an embedded libSQL file by default; DATABASE_ADAPTER / DATABASE_URL name another database).
 * Bun runs the TypeScript as it is and resolves `edgealchemy` to the built package (dist/).
 *
 * ```sh
 * npm run build && npm run examples:migrate      # the tables, once (same DATABASE_* variables)
 * PORT=3000 npx bun edge-examples/bun/index.ts
 * ```
 */
import { libsql } from 'edgealchemy/libsql/node'
import { createApp, disposeEngines } from '../app/index.ts'
import { envFromProcess } from '../node/env.ts'

/** The part of Bun's API this entry uses (no @types/bun needed). */
declare const Bun: {
  serve(options: {
    port: number
    hostname?: string
    fetch(request: Request): Response | Promise<Response>
  }): { readonly url: URL; stop(closeActiveConnections?: boolean): Promise<void> }
}

const env = envFromProcess(process.env)
// Bun has a WebSocket of its own (for the neon adapter) and loads libSQL's native module (file: URLs)
const app = createApp({ localLibsql: libsql })
const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  hostname: process.env.HOST || '127.0.0.1',
  fetch: (request) => app.fetch(request, env),
})
console.log(`edge-examples (bun) listening on ${server.url}`)

let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: closing`)
  await server.stop()
  await disposeEngines()
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
