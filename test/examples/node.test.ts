/**
 * The Node entry (edge-examples/node/index.ts) as a real process on hono's Node server, serving an
 * embedded libSQL file through edgealchemy/libsql/node, driven over HTTP: first without tables
 * (503 naming `npm run examples:migrate`), then after that script ran against the same file, the
 * whole API (walkthrough.ts); SIGTERM closes it cleanly.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type AsyncEngine, createAsyncEngine, text } from 'edgealchemy'
import { libsql } from 'edgealchemy/libsql/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, expectStatus, ROOT, type RuntimeProcess, startRuntime } from './runtimes.ts'
import { defineWalkthrough } from './walkthrough.ts'

const run = promisify(execFile)

describe('runtime node', () => {
  let dir = ''
  let url = ''
  let proc: RuntimeProcess | undefined
  let engine: AsyncEngine | undefined
  const server = () => {
    if (proc === undefined) throw new Error('the Node entry did not start')
    return proc
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ea-node-'))
    url = `file:${join(dir, 'app.db')}`
    // no DATABASE_ADAPTER: a file: URL selects libsql, opened by the Node build
    proc = await startRuntime(
      { name: 'node', command: process.execPath, args: ['--import', 'tsx', 'edge-examples/node/index.ts'] },
      'libsql-file',
      { DATABASE_URL: url },
    )
    engine = createAsyncEngine(libsql(url))
  })

  afterAll(async () => {
    await proc?.stop()
    await engine?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('answers 503 schema_missing, naming npm run examples:migrate, before the tables exist', async () => {
    const reply = await call(server(), 'GET', '/posts')
    expectStatus(reply, 503, server())
    expect(reply.body).toEqual({
      error: 'schema_missing',
      message: 'The database has no tables yet: run the migrations, then retry.',
      command: expect.stringContaining('npm run examples:migrate'),
    })
    expect(JSON.stringify(reply.body)).not.toContain(dir)
  })

  it('npm run examples:migrate creates the tables (twice is harmless); the running server sees them', async () => {
    for (let i = 0; i < 2; i++) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'edge-examples/node/migrate.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url },
      })
      expect(stdout).toContain('tables ready: authors, posts, tags, post_tags')
    }
    expectStatus(await call(server(), 'GET', '/authors'), 200, server())
  })

  defineWalkthrough(
    server,
    async (sql) => (await engine!.execute(text(sql))).one()._tuple().map(Number),
    'libsql',
  )

  it('SIGTERM closes the server and disposes the engine; nothing answers afterwards', async () => {
    const p = server()
    await p.stop()
    expect(p.output()).toMatch(/SIGTERM: closing/)
    expect(p.output()).not.toMatch(/request failed|Error/)
    await expect(fetch(p.url, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
  })
})
