/**
 * Runs README snippets as real runtime processes (snippets.test.ts): a server snippet (Deno, Bun)
 * on a free port, waited for until its port accepts connections (no HTTP request is spent: each
 * request of a snippet inserts a row), and a Node script through tsx, to its exit. Every process
 * gets exactly the snippet's environment (plus PATH, HOME, TMPDIR, DENO_DIR), runs in a process
 * group of its own and is killed with it.
 */
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { resolve } from 'node:path'
import { freePort, type GroupProcess, sleep, spawnGroup } from '../support/processes.js'

export type Runtime = 'workerd' | 'edge-light' | 'deno' | 'bun' | 'node'

/** One marked code block of the README. */
export interface Snippet {
  /** 1-based, in README order among the marked blocks. */
  readonly index: number
  readonly runtime: Runtime
  /** The adapter entry it imports: `d1`, `neon-http`, `neon`, `libsql`, `libsql/node`, `planetscale`. */
  readonly adapter: string
  readonly code: string
  /** `<runtime>-<adapter>`, the file name under .tmp/snippets/. */
  readonly name: string
}

const ROOT = resolve(import.meta.dirname, '../..')
const BIN = `${ROOT}/node_modules/.bin/`

/**
 * Deno's `--preload` for the neon snippet: a snippet reads only `DATABASE_URL`, as against Neon
 * itself; with `NEON_WS_PROXY` set, the driver's global `neonConfig` goes through that local proxy
 * over `ws:` without pipelining (what a local proxy in front of a trust-auth PostgreSQL needs).
 */
const PRELOAD_SOURCE = `import { neonConfig } from '@neondatabase/serverless'
const proxy = Deno.env.get('NEON_WS_PROXY')
if (proxy) {
  neonConfig.wsProxy = (host, port) => proxy + '?address=' + host + ':' + port
  neonConfig.useSecureWebSocket = false
  neonConfig.pipelineConnect = false
}
`
const PRELOAD = resolve(ROOT, '.tmp/snippets/deno-preload.js')

/** Writes the preload modules the runtimes take (the snippets' directory exists). */
export function writePreloads(): void {
  writeFileSync(PRELOAD, PRELOAD_SOURCE)
}

/** How each runtime runs a snippet file (the flags the README gives). */
function command(runtime: 'deno' | 'bun' | 'node', file: string): [string, string[]] {
  switch (runtime) {
    case 'deno':
      return [
        `${BIN}deno`,
        [
          'run',
          '--node-modules-dir=manual',
          '--no-prompt',
          '--allow-net',
          '--allow-env',
          // the neon driver pointed at the local WebSocket proxy (NEON_WS_PROXY), as neonConfig
          `--preload=${PRELOAD}`,
          file,
        ],
      ]
    case 'bun':
      return [`${BIN}bun`, [file]]
    case 'node':
      return [process.execPath, ['--import', 'tsx', file]]
  }
}

function start(runtime: 'deno' | 'bun' | 'node', file: string, vars: Record<string, string>): GroupProcess {
  const [cmd, args] = command(runtime, file)
  return spawnGroup(cmd, args, vars, { cwd: ROOT, graceMs: 3_000 })
}

/** A server snippet (Deno.serve, Bun.serve) on a free `PORT`, once its port accepts connections. */
export async function spawnServer(
  snippet: Snippet,
  file: string,
  vars: Record<string, string>,
): Promise<{ url: string; output(): string; stop(): Promise<void> }> {
  const port = await freePort()
  const proc = start(snippet.runtime as 'deno' | 'bun', file, { ...vars, PORT: String(port) })
  const started = performance.now()
  for (;;) {
    const exit = proc.exit()
    if (exit !== undefined)
      throw new Error(`${snippet.name} exited (${exit}) before listening; its output:\n${proc.output()}`)
    if (performance.now() - started > 30_000) {
      await proc.stop()
      throw new Error(`${snippet.name} did not listen within 30 s; its output:\n${proc.output()}`)
    }
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        done(true)
      })
      socket.once('error', () => done(false))
    })
    if (open) break
    await sleep(20)
  }
  return { url: `http://127.0.0.1:${port}/`, output: proc.output, stop: proc.stop }
}

/** A Node script snippet through tsx, to its exit (at most 30 s). */
export async function spawnScript(
  file: string,
  vars: Record<string, string>,
): Promise<{ code: string | undefined; output: string }> {
  const proc = start('node', file, vars)
  await Promise.race([proc.exited, sleep(30_000)])
  await proc.stop()
  return { code: proc.exit()?.replace(/^code /, ''), output: proc.output() }
}
