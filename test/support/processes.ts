/**
 * Child processes for the tests that run real runtimes (the examples' runtime tests, the README
 * snippets): a free port, and a process spawned in a group of its own with exactly the given
 * environment (plus PATH, HOME, TMPDIR, DENO_DIR: nothing else of this process leaks in), its
 * output kept, killed with its group when stopped or when this process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A TCP port nothing listens on now (127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** Kills a process group (the runtime and anything it started); a group that is gone is fine. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    // ESRCH: already gone
  }
}

/** A process started by {@link spawnGroup}. */
export interface GroupProcess {
  readonly child: ChildProcess
  /** Everything it wrote (stdout and stderr, interleaved), the last 20 000 characters. */
  output(): string
  /** `undefined` while running; the exit code (`code N`) or signal once it ended. */
  exit(): string | undefined
  readonly exited: Promise<void>
  /** SIGTERM to the group, up to `graceMs` to exit (else `onSlowExit`), then SIGKILL. */
  stop(): Promise<void>
}

/** Spawns `command` in a process group of its own, in `cwd`, with exactly `vars` as its environment. */
export function spawnGroup(
  command: string,
  args: readonly string[],
  vars: Record<string, string>,
  options: { cwd: string; graceMs?: number; onSlowExit?: () => void },
): GroupProcess {
  const env: Record<string, string> = { NO_COLOR: '1', ...vars }
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'DENO_DIR'])
    if (process.env[key] !== undefined) env[key] = process.env[key] as string
  const child = spawn(command, args, {
    cwd: options.cwd,
    env,
    detached: true, // its own process group, killed as one
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exit: string | undefined
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`
      resolve()
    })
    child.once('error', (err) => {
      exit = `spawn error: ${err.message}`
      resolve()
    })
  })
  // should this process end without its afterAll (a crash, process.exit), the group goes with it
  const onExit = () => killGroup(child, 'SIGKILL')
  process.once('exit', onExit)
  const stop = async () => {
    process.off('exit', onExit)
    if (exit === undefined) {
      killGroup(child, 'SIGTERM')
      await Promise.race([exited, sleep(options.graceMs ?? 5_000)])
      if (exit === undefined) options.onSlowExit?.()
    }
    killGroup(child, 'SIGKILL') // anything of the group still there
  }
  return { child, output: () => output, exit: () => exit, exited, stop }
}
