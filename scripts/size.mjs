// Prints the minified + gzip size of each entry point in package.json's exports map,
// bundled as one Worker would bundle it (esbuild, browser platform, workerd conditions).
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const root = new URL('../', import.meta.url).pathname

/** Worker-shaped entries that import only part of the package, to show what tree-shaking keeps. */
const scenarios = {
  'worker: query builder + sqlite': `import { Column, MetaData, Table, t, select, insert, update, delete_, sqlite } from 'edgealchemy'
const m = new MetaData(); const u = new Table('u', m, { id: new Column(t.Integer, { primaryKey: true }), n: new Column(t.Text) })
export default { fetch() { return new Response(JSON.stringify([select(u).where(u.c.id.eq(1)), insert(u).values({ n: 'x' }), update(u).values({ n: 'y' }), delete_(u)].map((s) => s.compile(sqlite)))) } }`,
}

const rows = []
const targets = Object.entries(pkg.exports)
  .map(([subpath, target]) => [subpath, typeof target === 'string' ? target : target.default])
  .filter(([, file]) => file?.endsWith('.js'))
  .map(([subpath, file]) => [subpath, { entryPoints: [`${root}${file}`] }])
for (const [name, contents] of Object.entries(scenarios))
  targets.push([
    name,
    {
      stdin: { contents, resolveDir: root, loader: 'js' },
      alias: { edgealchemy: `${root}dist/core/index.js` },
    },
  ])
for (const [subpath, input] of targets) {
  const result = await build({
    ...input,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['@libsql/client', '@neondatabase/serverless', '@planetscale/database', 'node:*'],
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0].contents
  rows.push([subpath, code.length, gzipSync(code, { level: 9 }).length])
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
console.log('entry point'.padEnd(28) + 'minified'.padStart(12) + 'gzip'.padStart(12))
for (const [name, min, gz] of rows)
  console.log(name.padEnd(28) + kib(min).padStart(12) + kib(gz).padStart(12))
