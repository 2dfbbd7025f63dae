// Prints the minified + gzip size of each entry point in package.json's exports map, and of
// Worker-shaped entries that use part of the package with one adapter, bundled as a Worker
// bundles them (esbuild, browser platform, workerd conditions, drivers included: the options of
// test/support/worker-build.ts, which the tests' Worker bundles use).
// Node-only entries (`/node`, `testing/servers`) are left out.
// `npm run size -- --inputs=ORM` also lists, for each row whose name contains `ORM`, the package's
// modules it bundles with their minified bytes (from esbuild's metafile): what a Worker pays for.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const root = new URL('../', import.meta.url).pathname
const nodeOnly = (subpath) => subpath.endsWith('/node') || subpath.startsWith('./testing/servers')

/** An ORM-free Worker: one table, a select, an insert, run through an engine on `adapter`. */
const worker = (
  adapterImport,
  makeAdapter,
) => `import { Column, MetaData, Table, t, select, insert, createAsyncEngine } from 'edgealchemy'
${adapterImport}
const m = new MetaData(); const u = new Table('u', m, { id: new Column(t.Integer, { primaryKey: true }), n: new Column(t.Text) })
export default { async fetch(req, env) { const engine = createAsyncEngine(${makeAdapter})
  await engine.execute(insert(u).values({ n: 'x' })); return Response.json((await engine.execute(select(u))).all()) } }`

const adapterScenarios = {
  './libsql': worker(`import { libsql } from 'edgealchemy/libsql'`, 'libsql(env.URL)'),
  './d1': worker(`import { d1 } from 'edgealchemy/d1'`, 'd1(env.DB)'),
  './neon-http': worker(`import { neonHttp } from 'edgealchemy/neon-http'`, 'neonHttp(env.URL)'),
  './neon': worker(`import { neon } from 'edgealchemy/neon'`, 'neon(env.URL)'),
  './planetscale': worker(`import { planetscale } from 'edgealchemy/planetscale'`, 'planetscale(env.URL)'),
}

const alias = {}
for (const [subpath, target] of Object.entries(pkg.exports)) {
  const file = typeof target === 'string' ? target : target.default
  if (file?.endsWith('.js')) alias[`edgealchemy${subpath.slice(1)}`] = `${root}${file}`
}

const targets = []
for (const [subpath, target] of Object.entries(pkg.exports)) {
  const file = typeof target === 'string' ? target : target.default
  if (!file?.endsWith('.js') || nodeOnly(subpath)) continue
  targets.push([
    subpath === '.' ? 'edgealchemy (everything)' : `edgealchemy${subpath.slice(1)}`,
    { entryPoints: [`${root}${file}`] },
  ])
}
targets.push([
  'worker: query builder + sqlite',
  {
    stdin: {
      contents: `import { Column, MetaData, Table, t, select, insert, sqlite } from 'edgealchemy'
const m = new MetaData(); const u = new Table('u', m, { id: new Column(t.Integer, { primaryKey: true }), n: new Column(t.Text) })
export default { fetch() { return Response.json([select(u).where(u.c.id.eq(1)), insert(u).values({ n: 'x' })].map((s) => s.compile(sqlite))) } }`,
      resolveDir: root,
      loader: 'js',
    },
  },
])
for (const [subpath, contents] of Object.entries(adapterScenarios))
  if (`edgealchemy${subpath.slice(1)}` in alias)
    targets.push([
      `worker: engine + ${subpath.slice(2)} (with driver)`,
      { stdin: { contents, resolveDir: root, loader: 'js' } },
    ])

/** An ORM Worker on D1: a declarative base, one mapped class, a session that adds, commits and gets. */
if ('edgealchemy/orm' in alias && 'edgealchemy/d1' in alias)
  targets.push([
    'worker: ORM + d1',
    {
      stdin: {
        contents: `import { createAsyncEngine, t } from 'edgealchemy'
import { d1 } from 'edgealchemy/d1'
import { AsyncSession, DeclarativeBase, mappedColumn } from 'edgealchemy/orm'
class Base extends DeclarativeBase {}
class User extends Base.mapped('u', { id: mappedColumn(t.Integer, { primaryKey: true }), n: mappedColumn(t.Text) }) {}
export default { async fetch(req, env) { const session = new AsyncSession(createAsyncEngine(d1(env.DB)))
  session.add(new User({ n: 'x' })); await session.commit(); const u = await session.get(User, 1)
  return Response.json({ n: u?.n ?? null }) } }`,
        resolveDir: root,
        loader: 'js',
      },
    },
  ])

/** The same ORM Worker as a hono app with edgealchemy/hono's per-request session middleware. */
if ('edgealchemy/orm' in alias && 'edgealchemy/d1' in alias && 'edgealchemy/hono' in alias)
  targets.push([
    'worker: hono + ORM + d1',
    {
      stdin: {
        contents: `import { Hono } from 'hono'
import { createAsyncEngine, t } from 'edgealchemy'
import { d1 } from 'edgealchemy/d1'
import { ormSession } from 'edgealchemy/hono'
import { asyncSessionmaker, DeclarativeBase, mappedColumn } from 'edgealchemy/orm'
class Base extends DeclarativeBase {}
class User extends Base.mapped('u', { id: mappedColumn(t.Integer, { primaryKey: true }), n: mappedColumn(t.Text) }) {}
const app = new Hono()
app.use(ormSession((c) => asyncSessionmaker(createAsyncEngine(d1(c.env.DB)))))
app.post('/', async (c) => { const session = c.get('session'); session.add(new User({ n: 'x' })); await session.commit()
  const u = await session.get(User, 1); return c.json({ n: u?.n ?? null }) })
export default app`,
        resolveDir: root,
        loader: 'js',
      },
    },
  ])

const rows = []
for (const [name, input] of targets) {
  const result = await build({
    ...input,
    alias,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['node:*', 'cloudflare:*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0].contents
  rows.push([name, code.length, gzipSync(code, { level: 9 }).length, result.metafile])
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
console.log('entry point'.padEnd(44) + 'minified'.padStart(12) + 'gzip'.padStart(12))
for (const [name, min, gz] of rows)
  console.log(name.padEnd(44) + kib(min).padStart(12) + kib(gz).padStart(12))

const inputsOf = process.argv.find((a) => a.startsWith('--inputs='))?.slice('--inputs='.length)
if (inputsOf !== undefined)
  for (const [name, , , metafile] of rows) {
    if (!name.includes(inputsOf)) continue
    const inputs = Object.values(metafile.outputs)[0].inputs
    const ours = Object.entries(inputs)
      .filter(([path]) => path.includes('dist/'))
      .map(([path, { bytesInOutput }]) => [path.slice(path.indexOf('dist/') + 5), bytesInOutput])
      .sort((a, b) => b[1] - a[1])
    console.log(`\n${name}: ${ours.length} modules of the package`)
    for (const [path, bytes] of ours) console.log(`  ${String(bytes).padStart(7)}  ${path}`)
  }
