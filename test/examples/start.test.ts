/**
 * `npm start` as a user runs it, on a clean local D1 state (PERSIST_TO, a temporary directory, so
 * .wrangler/state is not touched) and a free port: it applies the migrations, seeds, starts
 * wrangler dev and prints three curl commands; each is run as printed and must answer. Then a
 * Ctrl-C (SIGINT to the process group, as a terminal sends it) must leave nothing running:
 * no process naming the temporary directory, and nothing on the port.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './runtimes.ts'

const run = promisify(execFile)

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Every live process (from /proc; zombies waiting to be reaped left out): pid, process group, command line. */
function processes(): { pid: string; pgid: string; cmd: string }[] {
  const found = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      // /proc/<pid>/stat: pid (comm) state ppid pgrp ...; comm may hold spaces, so read after ')'
      const [state, , pgid] = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ')
      if (state !== 'Z') found.push({ pid, pgid: pgid!, cmd })
    } catch {
      // gone meanwhile
    }
  }
  return found
}

describe('npm start', () => {
  let persist = ''
  let port = 0
  let child: ChildProcess | undefined
  let output = ''
  let exited: Promise<number | null> = Promise.resolve(null)
  let startedIn = 0

  beforeAll(async () => {
    persist = mkdtempSync(join(tmpdir(), 'ea-start-'))
    port = await freePort()
    const t0 = performance.now()
    // SKIP_BUILD: npm test has just built dist/ (a rebuild here would race other tests that read it)
    child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), PERSIST_TO: persist, SKIP_BUILD: '1', NO_COLOR: '1' },
      detached: true, // its own process group, as a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()))
    const c = child
    exited = new Promise((resolve) => c.once('exit', (code) => resolve(code)))
    const deadline = Date.now() + 90_000
    while (!output.includes('Ctrl-C stops it')) {
      if (c.exitCode !== null) throw new Error(`npm start exited (${c.exitCode}):\n${output}`)
      if (Date.now() > deadline) throw new Error(`npm start printed no URL within 90 s:\n${output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    startedIn = Math.round(performance.now() - t0)
    console.log(`npm start: ready ${startedIn} ms after spawn; ${output.match(/first answer [\d.]+ s/)?.[0]}`)
  })

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null)
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // gone
      }
    if (persist) rmSync(persist, { recursive: true, force: true })
  })

  it('applies the migrations, seeds, and prints the URL without a warning from the missing network', () => {
    expect(output).toMatch(/migrations \(wrangler d1 migrations apply DB --local\): 0001_init\.sql/)
    expect(output).toMatch(/seed \(wrangler d1 execute DB --local --file edge-examples\/seed\.sql\): done/)
    expect(output).toContain(`http://127.0.0.1:${port}`)
    expect(output).not.toMatch(/Request\.cf|ENOTFOUND|Unable to fetch|\[wrangler:error\]/)
  })

  it('its three curl commands answer, as printed', async () => {
    const commands = output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('curl '))
    expect(commands).toHaveLength(3)
    const replies = []
    for (const command of commands) {
      const { stdout } = await run('sh', ['-c', `${command} --silent --show-error --fail-with-body`])
      replies.push(JSON.parse(stdout))
    }
    const [list, ada, post] = replies
    expect(list.items.map((a: { name: string }) => a.name)).toEqual(['Ada Lovelace', 'Grace Hopper'])
    expect(ada).toMatchObject({
      name: 'Ada Lovelace',
      posts: [{ title: 'Notes on the Analytical Engine' }, {}],
    })
    expect(post).toMatchObject({ title: 'Hello from curl', tags: ['edge'], author: { name: 'Ada Lovelace' } })
  })

  it('Ctrl-C stops wrangler and workerd: nothing is left running', async () => {
    // wrangler dev runs in a process group of its own (start.mjs forwards the signal to it)
    const groups = new Set(
      processes()
        .filter((p) => p.cmd.includes(persist))
        .map((p) => p.pgid),
    )
    const running = processes().filter((p) => groups.has(p.pgid))
    expect(running.map((p) => p.cmd).join('\n')).toMatch(/workerd serve/)
    process.kill(-child!.pid!, 'SIGINT')
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))])
    expect(code).not.toBe('timeout')
    await new Promise((r) => setTimeout(r, 200))
    expect(processes().filter((p) => groups.has(p.pgid) || p.cmd.includes(persist))).toEqual([])
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer()
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
    })
    expect(free).toBe(true)
  })
})
