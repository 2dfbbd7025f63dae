/**
 * Runs every TypeScript example of the documentation: each block fenced exactly ```ts in
 * README.md and in docs/*.md (not docs/api/, which is generated) that imports from 'edgealchemy',
 * and checks each `// → ...` comment against what the `console.log` calls printed, in order.
 * Blocks fenced otherwise (```typescript, ```ts worker, ...) are shown, not run here.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

/** The pages: README.md, then docs/*.md in name order. */
const pages = [
  'README.md',
  ...readdirSync(resolve(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
]

/** The runnable blocks of a page: fenced exactly ```ts, importing from 'edgealchemy'. */
function examplesOf(page: string): string[] {
  const text = readFileSync(resolve(root, page), 'utf8')
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
    .map((m) => m[1]!)
    .filter((code) => /from 'edgealchemy(?:\/[\w/-]+)?'/.test(code))
}

const exportsMap: Record<string, unknown> = JSON.parse(
  readFileSync(resolve(root, 'package.json'), 'utf8'),
).exports

/** The built file an export points at (`./dist/x.js`), whatever conditions wrap it. */
function builtFile(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry.endsWith('.js') ? entry : undefined
  if (entry === null || typeof entry !== 'object') return undefined
  const conditions = entry as Record<string, unknown>
  for (const key of ['import', 'default', 'node', ...Object.keys(conditions)]) {
    if (key === 'types' || !(key in conditions)) continue
    const found = builtFile(conditions[key])
    if (found !== undefined) return found
  }
  return undefined
}

/** Imports of the package resolve to the sources, through the exports map (`./dist/x.js` -> `x.ts`). */
function toSources(page: string, code: string): string {
  return code.replace(/from '(edgealchemy(?:\/[\w/-]+)?)'/g, (_m, spec: string) => {
    const file = builtFile(exportsMap[`.${spec.slice('edgealchemy'.length)}`])
    if (file === undefined) throw new Error(`${page} imports ${spec}, which package.json does not export`)
    return `from ${JSON.stringify(resolve(root, file.replace(/^\.\/dist\//, '')))}`
  })
}

const examples = pages.flatMap((page) => examplesOf(page).map((code, i) => ({ page, n: i + 1, code })))

describe('documentation examples', () => {
  afterEach(() => vi.restoreAllMocks())

  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThan(0)
  })

  it.each(examples.map((e) => [`${e.page} example ${e.n}`, e] as const))(
    '%s runs and prints what it says',
    async (_name, { page, n, code }) => {
      const expected = [...code.matchAll(/^\s*\/\/ → (.*)$/gm)].map((m) => m[1]!)
      const printed: string[] = []
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(
          args
            .map((a) => (typeof a === 'string' ? a : inspect(a, { breakLength: Infinity, depth: 5 })))
            .join(' '),
        )
      })
      mkdirSync(resolve(root, '.tmp'), { recursive: true })
      const file = resolve(root, `.tmp/docs-${page.replace(/\W+/g, '-')}-example-${n}.ts`)
      writeFileSync(file, toSources(page, code))
      await import(`${file}?t=${Date.now()}`)
      expect(printed.join('\n').split('\n')).toEqual(expected)
    },
  )
})
