/**
 * Runs README snippets as real runtime processes (snippets.test.ts): a server snippet (Deno, Bun)
 * on a free port, waited for until its port accepts connections (no HTTP request is spent: each
 * request of a snippet inserts a row), and a Node script through tsx, to its exit. Every process
 * gets exactly the snippet's environment (plus PATH, HOME, TMPDIR, DENO_DIR), runs in a process
 * group of its own and is killed with it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { resolve } from 'node:path'

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

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', done)
  })
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    // ESRCH: gone already
  }
}

interface Started {
  readonly child: ChildProcess
  output(): string
  /** `undefined` while running; the exit code or signal once it ended. */
  exit(): string | undefined
  readonly exited: Promise<void>
  stop(): Promise<void>
}

function start(runtime: 'deno' | 'bun' | 'node', file: string, vars: Record<string, string>): Started {
  const env: Record<string, string> = { NO_COLOR: '1', ...vars }
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'DENO_DIR'])
    if (process.env[key] !== undefined) env[key] = process.env[key] as string
  const [cmd, args] = command(runtime, file)
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exit: string | undefined
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exit = signal ?? String(code)
      done()
    })
    child.once('error', (err) => {
      exit = `spawn error: ${err.message}`
      done()
    })
  })
  const onExit = () => killGroup(child, 'SIGKILL')
  process.once('exit', onExit)
  const stop = async () => {
    process.off('exit', onExit)
    if (exit === undefined) {
      killGroup(child, 'SIGTERM')
      await Promise.race([exited, sleep(3_000)])
    }
    killGroup(child, 'SIGKILL')
  }
  return { child, output: () => output, exit: () => exit, exited, stop }
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
  return { code: proc.exit(), output: proc.output() }
}
