/**
 * What each entry point of the package imports from other packages: its module graph (bundled by
 * esbuild for Node with every package left external) names only that entry's own driver, so an
 * app installs just the peers of the entries it uses (docs/packaging.md has the same table).
 * `edgealchemy/testing/servers` pulls every server's database package; each
 * `edgealchemy/testing/servers/<name>` only its own.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const exportsMap = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<
  string,
  string | { types: string; default: string }
>

/** Packages each entry imports (subpaths included); `node:` modules apart. */
const expected: Record<string, { packages: string[]; node: boolean }> = {
  '.': { packages: [], node: false },
  './orm': { packages: [], node: false },
  './libsql': { packages: ['@libsql/client/web'], node: false },
  './libsql/node': { packages: ['@libsql/client/node', '@libsql/client/web'], node: false },
  './neon-http': { packages: ['@neondatabase/serverless'], node: false },
  './neon': { packages: ['@neondatabase/serverless'], node: false },
  './planetscale': { packages: ['@planetscale/database'], node: false },
  './d1': { packages: [], node: false },
  './hono': { packages: [], node: false }, // hono's types only
  './testing': { packages: [], node: false },
  './testing/servers': { packages: ['libsql', 'miniflare', 'mysql2/promise', 'pg', 'ws'], node: true },
  './testing/servers/hrana': { packages: ['libsql'], node: true },
  './testing/servers/neon-http': { packages: ['pg'], node: true },
  './testing/servers/neon-ws': { packages: ['ws'], node: true },
  './testing/servers/planetscale': { packages: ['mysql2/promise'], node: true },
  './testing/servers/d1': { packages: ['miniflare'], node: true },
}

/** The source file an export is built from (`./dist/x/index.js` -> `x/index.ts`). */
function sourceOf(entry: string | { default: string }): string {
  const built = typeof entry === 'string' ? entry : entry.default
  return join(root, built.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))
}

/** The bare specifiers the module graph of `file` imports, sorted. */
async function importsOf(file: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const found = new Set<string>()
  for (const input of Object.values(metafile.inputs))
    for (const imported of input.imports) if (imported.external) found.add(imported.path)
  return [...found].sort()
}

describe('each entry point imports only its own packages', () => {
  it('covers every export but package.json', () => {
    expect(
      Object.keys(exportsMap)
        .filter((k) => k !== './package.json')
        .sort(),
    ).toEqual(Object.keys(expected).sort())
  })

  it.each(Object.entries(expected))('%s', async (name, { packages, node }) => {
    const imports = await importsOf(sourceOf(exportsMap[name]!))
    expect(imports.filter((s) => !s.startsWith('node:'))).toEqual(packages)
    if (!node) expect(imports.filter((s) => s.startsWith('node:'))).toEqual([])
  })
})
