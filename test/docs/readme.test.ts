/**
 * Runs every TypeScript example in README.md that imports from 'edgealchemy', and checks each
 * `// → ...` comment against what the `console.log` calls printed, in order.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const readme = readFileSync(resolve(root, 'README.md'), 'utf8')
const exportsMap: Record<string, { default: string }> = JSON.parse(
  readFileSync(resolve(root, 'package.json'), 'utf8'),
).exports
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((code) => code.includes("from 'edgealchemy"))

/** Imports of the package resolve to the sources, through the exports map (`./dist/x.js` -> `x.js`). */
function toSources(code: string): string {
  return code.replace(/from '(edgealchemy(?:\/[\w/-]+)?)'/g, (_m, spec: string) => {
    const entry = exportsMap[`.${spec.slice('edgealchemy'.length)}`]
    if (entry === undefined) throw new Error(`README imports ${spec}, which package.json does not export`)
    return `from ${JSON.stringify(resolve(root, entry.default.replace(/^\.\/dist\//, '')))}`
  })
}

describe('README examples', () => {
  afterEach(() => vi.restoreAllMocks())

  it('has examples to run', () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((code, i) => [i + 1, code] as const))(
    'example %i runs and prints what it says',
    async (i, code) => {
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
      const file = resolve(root, `.tmp/readme-example-${i}.ts`)
      writeFileSync(file, toSources(code))
      await import(`${file}?t=${Date.now()}`)
      expect(printed.join('\n').split('\n')).toEqual(expected)
    },
  )
})
