/**
 * The package as npm publishes it: `npm pack` of the built package (run `npm run build` first;
 * `npm test` builds before vitest runs) holds what its exports, declaration maps and license
 * need, and passes publint (no message of any level) and Are the Types Wrong (its ESM-only
 * profile, from .attw.json: `require()` and `node10` resolution are not supported). Offline.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, posix, resolve } from 'node:path'
import { promisify } from 'node:util'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>
}

/** What `npm pack --json` says of one tarball. */
interface Packed {
  filename: string
  files: { path: string }[]
}

describe('the packed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ea-pack-'))
  let tarball = ''
  let files = new Set<string>()

  beforeAll(async () => {
    expect(existsSync(join(root, 'dist/core/index.js')), 'dist/ is missing: run `npm run build` first').toBe(
      true,
    )
    // --ignore-scripts: a prepack build would rewrite dist/ under the tests reading it
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: root,
    })
    const [packed] = JSON.parse(stdout) as Packed[]
    tarball = join(dir, packed!.filename)
    files = new Set(packed!.files.map((f) => f.path))
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('holds the license, the README and every file the exports map names', () => {
    expect(files).toContain('LICENSE')
    expect(files).toContain('README.md')
    const targets = Object.values(pkg.exports).flatMap((e) =>
      typeof e === 'string' ? [e] : Object.values(e),
    )
    expect(targets.length).toBeGreaterThan(20)
    for (const target of targets) expect(files, target).toContain(posix.normalize(target))
  })

  it('holds the sources every declaration map points at, and no tests', () => {
    const maps = [...files].filter((f) => f.endsWith('.d.ts.map'))
    expect(maps.length).toBeGreaterThan(50)
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] }
      for (const source of sources)
        expect(files, `${map} -> ${source}`).toContain(posix.join(dirname(map), source))
    }
    expect([...files].filter((f) => /(^|\/)(test|\.tmp|node_modules)\/|\.test\.ts$/.test(f))).toEqual([])
  })

  it('passes publint with no error, warning or suggestion', async () => {
    const bytes = readFileSync(tarball)
    const { messages, pkg: linted } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: 'suggestion',
      strict: true,
    })
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, linted, { color: false })}`)).toEqual([])
  })

  it('passes Are the Types Wrong (ESM-only profile)', async () => {
    const cli = createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json')
    const attw = join(
      dirname(cli),
      (JSON.parse(readFileSync(cli, 'utf8')) as { bin: { attw: string } }).bin.attw,
    )
    const result = await run(process.execPath, [attw, tarball, '--format', 'ascii', '--no-color'], {
      cwd: root, // reads .attw.json: { "profile": "esm-only" }
    }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? 1,
        output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      }),
    )
    expect(result.code, result.output).toBe(0)
    expect(result.output).toContain("ignoring resolutions: 'node10', 'node16-cjs'")
  }, 60_000)
})
