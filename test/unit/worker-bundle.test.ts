/**
 * What a Worker pays for: a Worker that maps a class and only adds, commits and gets through a
 * session is bundled (esbuild, Worker conditions, from the sources) and its metafile says which of
 * the library's modules it carries. Loaders it never names must not ride along: the JSON and
 * contains-eager loaders come only with jsonload()/containsEager(), which carry their strategies.
 * Still carried, and the next step of the size work (docs/performance.md): the joined and
 * select-in loaders (relationship `lazy` names resolve through the registry), and the ORM write
 * path with bulk writes and the criteria evaluator (`session.execute()` reaches them for DML).
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { WORKER_BUILD } from '../support/worker-build.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

async function modulesOf(contents: string): Promise<string[]> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    ...WORKER_BUILD,
    conditions: [...WORKER_BUILD.conditions],
    external: [...WORKER_BUILD.external],
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs
  return Object.entries(inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path)
    .filter((path) => /^(core|adapters)\//.test(path))
}

const addCommitGet = `import { createAsyncEngine, t } from './core/index.ts'
import { d1 } from './adapters/d1/index.ts'
import { AsyncSession, DeclarativeBase, mappedColumn } from './core/orm/index.ts'
class Base extends DeclarativeBase {}
class User extends Base.mapped('u', { id: mappedColumn(t.Integer, { primaryKey: true }), n: mappedColumn(t.Text) }) {}
export default { async fetch(req: Request, env: { DB: never }) {
  const session = new AsyncSession(createAsyncEngine(d1(env.DB)))
  session.add(new User({ n: 'x' })); await session.commit(); const u = await session.get(User, 1)
  return Response.json({ n: u?.n ?? null }) } }`

describe('a Worker bundles what it uses', () => {
  it('add, commit and get carry no loader option, JSON loader or contains-eager loader', async () => {
    const modules = await modulesOf(addCommitGet)
    expect(modules).toContain('core/orm/session.ts')
    expect(modules).toContain('adapters/d1/adapter.ts')
    expect(
      modules.filter((m) =>
        /core\/orm\/(loader-options|json-loading|loaders\/json|loaders\/contains-eager)\.ts$/.test(m),
      ),
    ).toEqual([])
  })

  it('jsonload() brings the JSON loader with it', async () => {
    const modules = await modulesOf(`${addCommitGet}
import { jsonload } from './core/orm/index.ts'
export const option = jsonload`)
    expect(modules).toContain('core/orm/loaders/json.ts')
    expect(modules).toContain('core/orm/json-loading.ts')
  })
})
