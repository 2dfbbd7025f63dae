/**
 * Error messages name SQL types the same way in a minified bundle (as a Worker ships) as in the
 * sources: a minifier renames classes, so type names must not come from `constructor.name`.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('a minified bundle', () => {
  it('keeps the names of built-in types in toString() and error messages', async () => {
    const result = await build({
      stdin: {
        contents: `import { Column, MetaData, Table, t, select, sqlite } from './core/index.ts'
const u = new Table('u', new MetaData(), { id: new Column(t.Integer, { primaryKey: true }) })
let message = ''
try { sqlite.compile(select(u).where(u.c.id.eq('x'))) } catch (e) { message = e.message }
export const names = [t.Integer, t.SmallInteger, t.BigInteger, t.Float, t.Time, t.DateTime(), t.LargeBinary, t.Null, t.Enum(['a'])].map(String)
export { message }`,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      write: false,
      logLevel: 'silent',
    })
    const mod = await import(`data:text/javascript,${encodeURIComponent(result.outputFiles[0]!.text)}`)
    expect(mod.names).toEqual([
      'Integer',
      'SmallInteger',
      'BigInteger',
      'Float',
      'Time',
      'DateTime',
      'LargeBinary',
      'NullType',
      'Enum',
    ])
    expect(mod.message).toContain('cannot be bound to a Integer column')
  })
})
