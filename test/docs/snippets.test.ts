/**
 * The README's quick starts: every code block whose info string names a runtime (```ts workerd,
 * edge-light, deno, bun, node) is
 *  (a) for the edge runtimes, bundled with esbuild as that runtime's bundler would (platform
 *      neutral, the runtime's conditions, the drivers bundled), failing on any `node:` import or
 *      Node builtin left in the bundle;
 *  (b) run on its runtime against the local servers of edgealchemy/testing/servers: workerd in
 *      miniflare (one workerd for every Worker snippet, with a local D1 binding), edge-light in
 *      Vercel's edge-runtime VM, deno and bun as their binaries from node_modules, node through
 *      tsx. Each snippet makes its table, inserts 'hello' and answers (or prints) what it selects;
 *      the test checks that answer and then reads the database itself.
 *
 * Snippets import `edgealchemy` as users do: the files are written under .tmp/ inside the
 * package, so the name resolves to the built package (dist/) through its own `exports`
 * (`npm test` builds before vitest), as the edge-examples do.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { createClient } from '@libsql/client'
import { EdgeRuntime } from 'edge-runtime'
import { build, type Plugin } from 'esbuild'
import { Miniflare } from 'miniflare'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHranaServer } from '../../testing/servers/hrana/index.js'
import { startNeonHttpServer } from '../../testing/servers/neon-http/index.js'
import { startNeonWsProxy } from '../../testing/servers/neon-ws/index.js'
import { startPlanetScaleServer } from '../../testing/servers/planetscale/index.js'
import { createMariaDatabase, createPgDatabase, freshFile } from '../conformance/support.js'
import { type Runtime, type Snippet, spawnScript, spawnServer, writePreloads } from './snippet-runtimes.js'

const root = resolve(import.meta.dirname, '../..')
const dir = resolve(root, '.tmp/snippets')
const readme = readFileSync(resolve(root, 'README.md'), 'utf8')

const RUNTIMES: readonly Runtime[] = ['workerd', 'edge-light', 'deno', 'bun', 'node']
const snippets: Snippet[] = [
  ...readme.matchAll(/```ts (workerd|edge-light|deno|bun|node)\n([\s\S]*?)```/g),
].map((m, i) => {
  const runtime = m[1] as Runtime
  const code = m[2]!
  const adapter = /from 'edgealchemy\/(d1|neon-http|neon|libsql\/node|libsql|planetscale)'/.exec(code)?.[1]
  if (adapter === undefined) throw new Error(`README snippet ${i + 1} (${runtime}) imports no adapter`)
  return { index: i + 1, runtime, adapter, code, name: `${runtime}-${adapter.replace('/', '-')}` }
})

/** Bundler conditions per edge runtime (what wrangler, Vercel, Deno and Bun resolve with, minus `node`). */
const CONDITIONS: Record<Exclude<Runtime, 'node'>, string[]> = {
  workerd: ['workerd', 'worker', 'browser'],
  'edge-light': ['edge-light', 'worker', 'browser'],
  deno: ['deno', 'worker', 'browser'],
  bun: ['bun', 'worker', 'browser'],
}
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))

/** Marks Node builtins external and records which ones the bundle imports (with the importer). */
function recordBuiltins(found: string[]): Plugin {
  return {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.split('/')[0]!
        if (args.path.startsWith('node:') || nodeBuiltins.has(args.path) || nodeBuiltins.has(bare)) {
          found.push(`${args.path} (from ${args.importer.replace(`${root}/`, '')})`)
          return { path: args.path, external: true }
        }
        return undefined
      })
    },
  }
}

function fileOf(s: Snippet): string {
  return resolve(dir, `${s.name}.ts`)
}

describe('README quick starts', () => {
  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    for (const s of snippets) writeFileSync(fileOf(s), s.code)
    writePreloads()
  })

  it('has one snippet per runtime and covers every adapter; edge snippets use edge-safe entries only', () => {
    expect(new Set(snippets.map((s) => s.runtime))).toEqual(new Set(RUNTIMES))
    expect(new Set(snippets.map((s) => s.adapter))).toEqual(
      new Set(['d1', 'neon-http', 'neon', 'libsql', 'libsql/node', 'planetscale']),
    )
    for (const s of snippets) {
      if (s.runtime === 'workerd' || s.runtime === 'edge-light')
        expect(s.code, s.name).not.toMatch(/edgealchemy\/(libsql\/node|testing)|from 'node:/)
      // what a user pastes: short
      expect(s.code.split('\n').length, s.name).toBeLessThanOrEqual(26)
    }
  })

  it('type-check (tsc, strict, against the built .d.ts; Deno and Bun as the little they use)', async () => {
    const types = ['node', '@cloudflare/workers-types']
    writeFileSync(
      resolve(dir, 'globals.d.ts'),
      [
        'declare const Deno: {',
        '  env: { get(name: string): string | undefined }',
        '  serve(options: { port?: number }, handler: (request: Request) => Response | Promise<Response>): unknown',
        '}',
        'declare const Bun: {',
        '  serve(options: { port?: number; fetch(request: Request): Response | Promise<Response> }): unknown',
        '}',
      ].join('\n'),
    )
    const compilerOptions = {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'ESNext.Disposable', 'DOM'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types,
    }
    const files = ['globals.d.ts', ...snippets.map((s) => `${s.name}.ts`)]
    writeFileSync(resolve(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }))
    const tsc = resolve(root, 'node_modules/typescript/bin/tsc')
    const run = promisify(execFile)(process.execPath, [tsc, '-p', resolve(dir, 'tsconfig.json')], {
      cwd: root,
    })
    const failure = await run.then(
      () => '',
      (err: { stdout?: string; message: string }) => err.stdout || err.message,
    )
    expect(failure).toBe('')
  })

  describe('edge snippets bundle without Node builtins', () => {
    /** The builtins a bundle of `file` for `runtime` imports (the drivers bundled, nothing external but cloudflare:). */
    async function builtinsIn(file: string, runtime: Exclude<Runtime, 'node'>): Promise<string[]> {
      const found: string[] = []
      await build({
        entryPoints: [file],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        mainFields: ['browser', 'module', 'main'],
        conditions: CONDITIONS[runtime],
        target: 'es2022',
        external: ['cloudflare:*'],
        plugins: [recordBuiltins(found)],
        write: false,
        logLevel: 'silent',
      })
      return found
    }

    it('the check finds them: edgealchemy/libsql/node in a Worker brings node:buffer, fs, path ...', async () => {
      const file = resolve(dir, 'control-libsql-node.ts')
      writeFileSync(file, "import { libsql } from 'edgealchemy/libsql/node'\nexport default { libsql }\n")
      const found = await builtinsIn(file, 'workerd')
      expect(found.map((f) => f.split(' ')[0])).toEqual(expect.arrayContaining(['node:buffer', 'fs']))
    })

    it.each(snippets.filter((s) => s.runtime !== 'node').map((s) => [s.name, s] as const))(
      '%s',
      async (_name, s) => {
        const found = await builtinsIn(fileOf(s), s.runtime as Exclude<Runtime, 'node'>)
        expect(found, `Node builtins in the ${s.runtime} bundle of ${s.name}`).toEqual([])
      },
    )
  })

  describe('each snippet runs on its runtime against the local servers', () => {
    const cleanups: (() => Promise<unknown> | unknown)[] = []
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c()
    })
    const later = (c: () => Promise<unknown> | unknown) => cleanups.push(c)
    const hello = [{ id: 1, body: 'hello' }]

    /** The database of one snippet: the environment it is given and a direct reader of its `notes`. */
    async function databaseFor(
      s: Snippet,
    ): Promise<{ env: Record<string, string>; notes(): Promise<unknown[]> }> {
      switch (s.adapter) {
        case 'neon-http':
        case 'neon': {
          const db = await createPgDatabase(`snip${s.adapter.replace('-', '')}`)
          later(() => db.drop())
          const read = async () => {
            const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: db.name })
            await c.connect()
            try {
              return (await c.query('SELECT id, body FROM notes ORDER BY id')).rows
            } finally {
              await c.end()
            }
          }
          if (s.adapter === 'neon-http') {
            const server = await startNeonHttpServer()
            later(() => server.close())
            // a loopback host in the URL: the adapter reaches the local server at http://host:port/sql
            return {
              env: { DATABASE_URL: `postgresql://postgres:pw@127.0.0.1:${server.port}/${db.name}` },
              notes: read,
            }
          }
          const proxy = await startNeonWsProxy()
          later(() => proxy.close())
          return {
            env: {
              DATABASE_URL: `postgresql://postgres:pw@db.local/${db.name}`,
              NEON_WS_PROXY: `127.0.0.1:${proxy.port}/v2`,
            },
            notes: read,
          }
        }
        case 'libsql': {
          const server = await startHranaServer({ authToken: 'snippet-token' })
          later(() => server.close())
          const read = async () => {
            const c = createClient({ url: server.url, authToken: 'snippet-token' })
            try {
              return (await c.execute('SELECT id, body FROM notes ORDER BY id')).rows.map((r) => ({ ...r }))
            } finally {
              c.close()
            }
          }
          return { env: { DATABASE_URL: server.url, DATABASE_AUTH_TOKEN: 'snippet-token' }, notes: read }
        }
        case 'libsql/node': {
          const file = resolve(root, freshFile('snippet'))
          later(() => {
            for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true })
          })
          const read = async () => {
            const c = createClient({ url: `file:${file}` })
            try {
              return (await c.execute('SELECT id, body FROM notes ORDER BY id')).rows.map((r) => ({ ...r }))
            } finally {
              c.close()
            }
          }
          return { env: { DATABASE_URL: `file:${file}` }, notes: read }
        }
        case 'planetscale': {
          const db = await createMariaDatabase('snippet')
          later(() => db.drop())
          const server = await startPlanetScaleServer({ database: db.name })
          later(() => server.close())
          const read = async () => {
            const c = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: db.name })
            try {
              return (await c.query('SELECT id, body FROM notes ORDER BY id'))[0] as unknown[]
            } finally {
              await c.end()
            }
          }
          return { env: { DATABASE_URL: server.url }, notes: read }
        }
        default:
          throw new Error(`no local server for ${s.adapter} (d1 runs in miniflare)`)
      }
    }

    // every Worker snippet in one workerd (one Miniflare), each with its own D1 database or env
    it('workerd (miniflare): the Worker snippets', async () => {
      const workers = snippets.filter((s) => s.runtime === 'workerd')
      const databases = new Map<string, Awaited<ReturnType<typeof databaseFor>>>()
      for (const s of workers) if (s.adapter !== 'd1') databases.set(s.name, await databaseFor(s))
      const modules = await Promise.all(
        workers.map(async (s) => {
          const out = await build({
            entryPoints: [fileOf(s)],
            bundle: true,
            format: 'esm',
            platform: 'browser',
            conditions: CONDITIONS.workerd,
            target: 'es2022',
            external: ['cloudflare:*'],
            write: false,
            logLevel: 'silent',
          })
          return { s, contents: out.outputFiles[0]!.text }
        }),
      )
      const mf = new Miniflare({
        workers: modules.map(({ s, contents }) => ({
          name: s.name,
          modules: [{ type: 'ESModule' as const, path: resolve(dir, `${s.name}.mjs`), contents }],
          compatibilityDate: '2026-04-01', // wrangler.toml's,
          ...(s.adapter === 'd1' ? { d1Databases: { DB: `snippet-${s.name}` } } : {}),
          bindings: databases.get(s.name)?.env ?? {},
        })),
        cf: false,
      })
      later(() => mf.dispose())
      for (const { s } of modules) {
        const worker = await mf.getWorker(s.name)
        const res = await worker.fetch('http://snippet.local/')
        const body = await res.text()
        expect(res.status, `${s.name}: ${body}`).toBe(200)
        expect(JSON.parse(body), s.name).toEqual(hello)
        if (s.adapter === 'd1') {
          const db = await mf.getD1Database('DB', s.name)
          expect((await db.prepare('SELECT id, body FROM notes ORDER BY id').all()).results).toEqual(hello)
        } else expect(await databases.get(s.name)!.notes()).toEqual(hello)
      }
    })

    it("edge-light (Vercel's edge-runtime): the Vercel Edge snippet", async () => {
      for (const s of snippets.filter((x) => x.runtime === 'edge-light')) {
        const db = await databaseFor(s)
        // as Vercel bundles an edge function, registered as the VM's fetch listener (it runs a script)
        const out = await build({
          stdin: {
            contents: [
              `import handler, { config } from './${s.name}.ts'`,
              "if (config?.runtime !== 'edge') throw new Error('not an edge function')",
              'addEventListener("fetch", (event) => event.respondWith(handler(event.request)))',
            ].join('\n'),
            resolveDir: dir,
            loader: 'js',
          },
          bundle: true,
          format: 'iife',
          platform: 'browser',
          conditions: CONDITIONS['edge-light'],
          target: 'es2022',
          write: false,
          logLevel: 'silent',
        })
        const runtime = new EdgeRuntime({
          initialCode: out.outputFiles[0]!.text,
          extend: (context) => Object.assign(context, { process: { env: db.env } }),
        })
        const res = await runtime.dispatchFetch('http://snippet.local/api/notes')
        await res.waitUntil()
        const body = await res.text()
        expect(res.status, `${s.name}: ${body}`).toBe(200)
        expect(JSON.parse(body), s.name).toEqual(hello)
        expect(await db.notes()).toEqual(hello)
      }
    })

    for (const runtime of ['deno', 'bun'] as const)
      it(`${runtime}: its server snippet, as a ${runtime} process`, async () => {
        for (const s of snippets.filter((x) => x.runtime === runtime)) {
          const db = await databaseFor(s)
          const proc = await spawnServer(s, fileOf(s), db.env)
          later(() => proc.stop())
          const res = await fetch(proc.url, { signal: AbortSignal.timeout(15_000) })
          const body = await res.text()
          expect(res.status, `${s.name}: ${body}\n${proc.output()}`).toBe(200)
          expect(JSON.parse(body), s.name).toEqual(hello)
          expect(await db.notes()).toEqual(hello)
          await proc.stop()
        }
      })

    it('node: the script, through tsx', async () => {
      for (const s of snippets.filter((x) => x.runtime === 'node')) {
        const db = await databaseFor(s)
        const { code, output } = await spawnScript(fileOf(s), db.env)
        expect(code, output).toBe('0')
        // what it prints is what its `// → ` lines say
        const said = [...s.code.matchAll(/^\s*\/\/ → (.*)$/gm)].map((m) => m[1])
        expect(said.length, s.name).toBeGreaterThan(0)
        expect(output.trim().split('\n')).toEqual(said)
        expect(await db.notes()).toEqual(hello)
      }
    })
  })
})
