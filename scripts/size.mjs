// Prints the minified + gzip size of each entry point in package.json's exports map,
// bundled as one Worker would bundle it (esbuild, browser platform, workerd conditions).
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const rows = []
for (const [subpath, target] of Object.entries(pkg.exports)) {
  const file = typeof target === 'string' ? target : target.default
  if (!file?.endsWith('.js')) continue
  const result = await build({
    entryPoints: [new URL(`../${file}`, import.meta.url).pathname],
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
