/**
 * The Worker (edge-examples/cloudflare) as `npm start` runs it: `wrangler dev --local` with the
 * repository's wrangler.toml, on a local D1 database kept in a temporary directory
 * (`--persist-to`, so .wrangler/state is not touched), driven over HTTP. First without tables
 * (503 naming the migration command), then after `wrangler d1 migrations apply DB --local`
 * (run while wrangler dev keeps serving), the whole API (walkthrough.ts).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, expectStatus, ROOT, type RuntimeProcess, startRuntime } from './runtimes.ts'
import { defineWalkthrough } from './walkthrough.ts'

const run = promisify(execFile)
const wrangler = join(ROOT, 'node_modules/wrangler/bin/wrangler.js')
/** No account, no network, no prompts (see scripts/start.mjs). */
const offline = { CI: '1', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }

describe('runtime workerd', () => {
  let persist = ''
  let proc: RuntimeProcess | undefined
  const server = () => {
    if (proc === undefined) throw new Error('wrangler dev did not start')
    return proc
  }

  /** `wrangler d1 ...` on the same local state as the running wrangler dev. */
  const d1 = (...args: string[]) =>
    run(process.execPath, [wrangler, 'd1', ...args, '--local', '--persist-to', persist], {
      cwd: ROOT,
      env: { ...process.env, ...offline },
      maxBuffer: 16 * 1024 * 1024,
    })

  beforeAll(async () => {
    persist = mkdtempSync(join(tmpdir(), 'ea-workerd-'))
    // wrangler takes the port as a flag: the shell passes it the PORT startRuntime chose
    proc = await startRuntime(
      {
        name: 'workerd',
        command: 'sh',
        args: [
          '-c',
          `exec "${process.execPath}" "${wrangler}" dev --local --ip 127.0.0.1 --port "$PORT" --persist-to "${persist}"`,
        ],
      },
      'wrangler-dev-d1',
      offline,
    )
  })

  afterAll(async () => {
    await proc?.stop()
    if (persist) rmSync(persist, { recursive: true, force: true })
  })

  it('answers 503 schema_missing, naming the wrangler command, before the migrations ran', async () => {
    for (const [method, path, body] of [
      ['GET', '/authors'],
      ['POST', '/tags', { name: 'x' }],
    ] as const) {
      const reply = await call(server(), method, path, body)
      expectStatus(reply, 503, server())
      expect(reply.body).toEqual({
        error: 'schema_missing',
        message: 'The database has no tables yet: run the migrations, then retry.',
        command: expect.stringContaining('npx wrangler d1 migrations apply DB --local'),
      })
    }
  })

  it('wrangler d1 migrations apply DB --local creates the tables while wrangler dev serves', async () => {
    const applied = await d1('migrations', 'apply', 'DB')
    expect(applied.stdout).toContain('0001_init.sql')
    const again = await d1('migrations', 'apply', 'DB')
    expect(again.stdout).toMatch(/No migrations to apply/i)
    expectStatus(await call(server(), 'GET', '/authors'), 200, server())
  })

  defineWalkthrough(
    server,
    async (sql) => {
      const { stdout } = await d1('execute', 'DB', '--json', '--command', sql)
      const [first] = JSON.parse(stdout) as { results: Record<string, number>[] }[]
      return Object.values(first!.results[0]!)
    },
    'd1',
  )

  it('logs no Request.cf warning (CLOUDFLARE_CF_FETCH_ENABLED=false) and no uncaught error', () => {
    const output = server().output()
    expect(output).not.toMatch(/Request\.cf|Unable to fetch/)
    expect(output).not.toMatch(/Uncaught|request failed/)
  })
})
