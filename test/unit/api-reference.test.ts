/**
 * The API reference (`npm run docs`: TypeDoc over the JSDoc of every entry point, into docs/api/)
 * builds without a warning: typedoc.json treats warnings as errors, so a broken `{@link}`, a link
 * to something not documented or a missing entry point fails here. Its entry points are exactly
 * the sources of package.json's `exports`, each named by its import specifier (`@module`).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'))
const exportsMap = read('package.json').exports as Record<string, string | { default: string }>
const config = read('typedoc.json') as { entryPoints: string[]; treatWarningsAsErrors?: boolean }

/** Source file -> import specifier, for every export but package.json. */
const entries = Object.entries(exportsMap)
  .filter(([key]) => key !== './package.json')
  .map(([key, target]) => {
    const built = typeof target === 'string' ? target : target.default
    return {
      source: built.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'),
      name: `edgealchemy${key.slice(1)}`,
    }
  })

describe('API reference (TypeDoc)', () => {
  const out = mkdtempSync(join(tmpdir(), 'ea-api-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('documents exactly the package entry points, each under its import specifier', () => {
    expect([...config.entryPoints].sort()).toEqual(entries.map((e) => e.source).sort())
    for (const { source, name } of entries)
      expect(readFileSync(join(root, source), 'utf8'), source).toMatch(
        new RegExp(`^ \\* @module ${name}$`, 'm'),
      )
  })

  it('builds with warnings as errors', async () => {
    expect(config.treatWarningsAsErrors).toBe(true)
    const pkg = createRequire(import.meta.url).resolve('typedoc/package.json')
    const bin = join(
      dirname(pkg),
      (JSON.parse(readFileSync(pkg, 'utf8')) as { bin: { typedoc: string } }).bin.typedoc,
    )
    const result = await run(process.execPath, [bin, '--out', out, '--logLevel', 'Warn'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? 1,
        output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      }),
    )
    expect(result.output).toBe('')
    expect(result.code).toBe(0)
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('edgealchemy/testing/servers/hrana')
  }, 180_000)
})
