/**
 * The Deno entry: the shared app on `Deno.serve`, configured from `Deno.env` like the Node entry
 * (an embedded libSQL file by default; DATABASE_ADAPTER / DATABASE_URL name another database).
 * Deno runs on the repository's node_modules (npm installs them; `--node-modules-dir=manual`
 * makes Deno use them as they are), so `edgealchemy` is the built package (dist/) and hono and
 * the drivers are the versions package-lock.json pins.
 *
 * ```sh
 * npm run build && npm run examples:migrate      # the tables, once (same DATABASE_* variables)
 * PORT=3000 npx deno run --node-modules-dir=manual --allow-net --allow-env \
 *   --allow-read --allow-write --allow-ffi --allow-sys edge-examples/deno/main.ts
 * ```
 * A remote database (DATABASE_URL libsql://, https://, postgresql://, mysql://) needs
 * `--allow-net --allow-env` only; the embedded libSQL file (the default) also needs
 * `--allow-read --allow-write --allow-ffi --allow-sys` (libSQL's native module; without
 * `--allow-sys` the first write fails with "Requires sys access to \"cpus\"").
 *
 * Deno's own type check needs `--sloppy-imports`: the built package's .d.ts files import each
 * other as `./x.js`, which Deno maps to `./x.d.ts` only in packages under node_modules, not in a
 * package reached by its own name (self-reference) as here:
 * `npx deno check --sloppy-imports --node-modules-dir=manual edge-examples/deno/main.ts`.
 */
import { libsql } from 'edgealchemy/libsql/node'
import { createApp, disposeEngines } from '../app/index.ts'
import { envFromProcess } from '../node/env.ts'

/** The part of Deno's API this entry uses (no Deno types needed). */
declare const Deno: {
  env: { toObject(): Record<string, string> }
  serve(
    options: { port: number; hostname?: string; onListen?(addr: { hostname: string; port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> }
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void
  exit(code?: number): never
}

const vars = Deno.env.toObject()
const env = envFromProcess(vars)
// Deno has a WebSocket of its own (for the neon adapter) and loads libSQL's native module (file: URLs)
const app = createApp({ localLibsql: libsql })
const server = Deno.serve(
  {
    port: Number(vars.PORT ?? 3000),
    hostname: vars.HOST || '127.0.0.1',
    onListen: ({ hostname, port }) =>
      console.log(`edge-examples (deno) listening on http://${hostname}:${port}/`),
  },
  (request) => app.fetch(request, env),
)

let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: closing`)
  await server.shutdown()
  await disposeEngines()
  Deno.exit(0)
}
Deno.addSignalListener('SIGINT', () => void stop('SIGINT'))
Deno.addSignalListener('SIGTERM', () => void stop('SIGTERM'))
