/**
 * What an adapter says about bad input before anything is sent: a malformed URL is an
 * ArgumentError when the adapter is created (without the URL's password), and a missing driver
 * package is named, checked in a real Node process that cannot resolve it: libsql() when it is
 * created where the package runs unbundled, at its first statement inside a bundle.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { libsql } from '../../adapters/libsql/index.js'
import { libsql as libsqlNode } from '../../adapters/libsql/node.js'
import { neon } from '../../adapters/neon/index.js'
import { neonHttp } from '../../adapters/neon-http/index.js'
import { planetscale } from '../../adapters/planetscale/index.js'
import { ArgumentError } from '../../core/index.js'

const SECRET = 'Malformed-Secret-61'

function refused(make: () => unknown): ArgumentError {
  let thrown: unknown
  try {
    make()
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(ArgumentError)
  const err = thrown as ArgumentError
  expect(`${err.message}\n${err.stack}`).not.toContain(SECRET)
  return err
}

describe('a malformed URL is an ArgumentError when the adapter is created', () => {
  it.each([
    ['neonHttp', () => neonHttp(`postgresql://u:${SECRET}@host:notaport/db`)],
    ['neonHttp (no host)', () => neonHttp(`postgresql://u:${SECRET}@/db`)],
    ['neon', () => neon(`postgresql://u:${SECRET}@host:notaport/db`)],
    ['neon (no host)', () => neon(`postgres://u:${SECRET}@/db`)],
    ['neon (wrong scheme)', () => neon(`mysql://u:${SECRET}@host/db`)],
    ['libsql', () => libsql(`libsql://db.example:notaport?authToken=${SECRET}`)],
    ['libsql (no host)', () => libsql(`https://?authToken=${SECRET}`)],
    ['libsql/node', () => libsqlNode(`wss://db.example:99999?authToken=${SECRET}`)],
    ['libsql (no scheme)', () => libsql(`db.example?authToken=${SECRET}`)],
    ['planetscale', () => planetscale(`mysql://u:${SECRET}@host:notaport`)],
    ['planetscale (no scheme)', () => planetscale(`u:${SECRET}@host`)],
  ])('%s', (_name, make) => {
    const err = refused(make)
    expect(err.message).toMatch(/neonHttp\(\)|neon\(\)|libsql\(\)|planetscale\(\)/)
  })
  it('well-formed URLs create adapters without contacting anything', () => {
    expect(neonHttp('postgresql://u:p@db.example/db').name).toBe('neon-http')
    expect(neon('postgresql://u:p@db.example/db').name).toBe('neon')
    expect(libsql('libsql://db-org.turso.io', { authToken: 't' }).name).toBe('libsql')
    expect(libsqlNode('file:.tmp/never-opened.db').name).toBe('libsql')
    expect(planetscale('mysql://u:p@aws.connect.psdb.cloud').name).toBe('planetscale')
  })
})

describe('a missing driver package, in a Node process that cannot resolve it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ea-missing-driver-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const root = resolve(import.meta.dirname, '../..')

  /** Bundles `source` (imports resolved from the repository) with the drivers left out, runs it from `dir`. */
  async function runWithoutDrivers(name: string, source: string) {
    const entry = join(root, `.tmp/${name}-entry.ts`)
    writeFileSync(entry, source)
    const out = join(dir, `${name}.mjs`)
    try {
      await build({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        platform: 'node',
        outfile: out,
        external: ['@libsql/client', '@libsql/client/*', '@neondatabase/serverless', '@planetscale/database'],
        logLevel: 'silent',
      })
    } finally {
      rmSync(entry, { force: true })
    }
    return spawnSync(process.execPath, [out], { cwd: dir, encoding: 'utf8', timeout: 30_000 })
  }

  it('libsql in a bundle (no resolver check): an InterfaceError at the first statement, naming the package', async () => {
    const run = await runWithoutDrivers(
      'libsql',
      `import { libsql } from '../adapters/libsql/index.js'
       import { createAsyncEngine, EdgeAlchemyError, text } from '../core/index.js'
       const engine = createAsyncEngine(libsql('libsql://db-org.turso.io', { authToken: '${SECRET}' }))
       try { await engine.execute(text('SELECT 1')) } catch (err) {
         console.log(JSON.stringify({ name: err.name, ours: err instanceof EdgeAlchemyError, message: err.message }))
       }`,
    )
    expect(run.status).toBe(0)
    const seen = JSON.parse(run.stdout.trim()) as { name: string; ours: boolean; message: string }
    expect(seen.name).toBe('InterfaceError')
    expect(seen.ours).toBe(true)
    expect(seen.message).toContain('libsql() needs the @libsql/client package')
    expect(seen.message).toContain('npm install @libsql/client')
    expect(run.stdout + run.stderr).not.toContain(SECRET)
  })

  it.each([
    [
      'neon-http',
      '@neondatabase/serverless',
      `import { neonHttp as f } from '../adapters/neon-http/index.js'`,
    ],
    ['neon', '@neondatabase/serverless', `import { neon as f } from '../adapters/neon/index.js'`],
    [
      'planetscale',
      '@planetscale/database',
      `import { planetscale as f } from '../adapters/planetscale/index.js'`,
    ],
  ])('%s (a static import): the module fails to load, naming %s', async (name, pkg, source) => {
    const run = await runWithoutDrivers(name, `${source}\nconsole.log('loaded', typeof f)`)
    expect(run.status).not.toBe(0)
    expect(run.stdout).not.toContain('loaded')
    expect(run.stderr).toContain(`Cannot find package '${pkg}'`)
  })
})

describe('libsql() without @libsql/client, running unbundled as installed: refused when created', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ea-unbundled-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const root = resolve(import.meta.dirname, '../..')

  /** core/, the adapter kit and adapters/libsql/ as JavaScript file for file (as dist/ has them), in `to`. */
  async function transpile(to: string): Promise<void> {
    const sources = ['core', 'adapters/kit', 'adapters/libsql'].flatMap((sub) =>
      readdirSync(join(root, sub), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(root, sub, f)),
    )
    await build({
      entryPoints: sources,
      outdir: to,
      outbase: root,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
    })
  }

  /** Creates each adapter in a Node process run from `cwd`, printing what each creation threw. */
  function creations(cwd: string) {
    writeFileSync(
      join(cwd, 'create.mjs'),
      `import { libsql } from './adapters/libsql/index.js'
       import { libsql as libsqlNode } from './adapters/libsql/node.js'
       import { EdgeAlchemyError } from './core/index.js'
       const client = { execute() {}, batch() {}, transaction() {}, protocol: 'http' }
       const seen = {}
       for (const [name, make] of Object.entries({
         remote: () => libsql('libsql://db-org.turso.io', { authToken: '${SECRET}' }),
         nodeFile: () => libsqlNode('file:never-opened.db'),
         nodeHttps: () => libsqlNode('https://db.example?authToken=${SECRET}'),
         client: () => libsql(client),
       })) {
         try { make(); seen[name] = 'created' } catch (err) {
           seen[name] = { name: err.name, ours: err instanceof EdgeAlchemyError, message: err.message }
         }
       }
       console.log(JSON.stringify(seen))`,
    )
    const run = spawnSync(process.execPath, ['create.mjs'], { cwd, encoding: 'utf8', timeout: 30_000 })
    expect(run.stderr).toBe('')
    expect(run.stdout + run.stderr).not.toContain(SECRET)
    return JSON.parse(run.stdout.trim()) as Record<
      string,
      'created' | { name: string; ours: boolean; message: string }
    >
  }

  it('names the build of @libsql/client the URL needs and the install command; a client passed in needs none', async () => {
    const bare = join(dir, 'bare')
    await transpile(bare)
    const seen = creations(bare)
    const refusal = (entry: string) => ({
      name: 'InterfaceError',
      ours: true,
      message: `libsql() needs the @libsql/client package (${entry} could not be imported): npm install @libsql/client`,
    })
    expect(seen).toEqual({
      remote: refusal('@libsql/client/web'),
      nodeFile: refusal('@libsql/client/node'),
      nodeHttps: refusal('@libsql/client/web'),
      client: 'created',
    })
  })

  it('creates them (importing nothing yet) once the package resolves', async () => {
    const installed = join(dir, 'installed')
    await transpile(installed)
    mkdirSync(join(installed, 'node_modules/@libsql'), { recursive: true })
    symlinkSync(join(root, 'node_modules/@libsql/client'), join(installed, 'node_modules/@libsql/client'))
    expect(creations(installed)).toEqual({
      remote: 'created',
      nodeFile: 'created',
      nodeHttps: 'created',
      client: 'created',
    })
  })
})
