/**
 * The library's layers point one way (docs/ARCHITECTURE.md, "Layers"): read from the import
 * graph of the sources, every import goes down the order below, no runtime import cycle exists,
 * and the few type-only cycles are listed here with the reason each cannot be avoided.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cycles, type ImportEdge, importGraph, libraryFiles } from '../support/import-graph.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Layers from the bottom up: A before B means B may import A, never the reverse. The first
 * prefix that matches a path names its layer.
 */
const LAYERS: readonly (readonly [layer: string, prefixes: readonly string[]])[] = [
  ['util', ['core/util/', 'core/errors.ts']],
  ['sql', ['core/sql/']],
  ['schema', ['core/schema/']],
  ['dialects', ['core/dialects/']],
  ['result', ['core/result/']],
  ['engine', ['core/engine/']],
  ['orm', ['core/orm/']],
  ['core entry', ['core/index.ts']],
  ['adapter kit', ['adapters/kit/']],
  ['adapters', ['adapters/']],
  ['integrations', ['integrations/']],
  ['testing', ['testing/']],
]

/**
 * Files whose types may be imported (type-only) from modules they import at runtime, each with
 * why that cycle stays. The test drops type-only edges into these files and then finds no cycle
 * at all; an entry that no longer closes a cycle fails, so the list stays current.
 */
const TYPE_CYCLE_TARGETS: Readonly<Record<string, string>> = {
  'core/orm/mapper.ts':
    'the mapping model refers to itself: a mapper lists its relationships, and relationships, ' +
    'object states, collections and the unloaded-attribute rules name the mappers they work for',
  'core/orm/relationship.ts':
    'the mapping model refers to itself: a relationship is declared with its comparators, and ' +
    'object states, collections and accessors name the relationship they hold',
  'core/schema/metadata.ts':
    'a table belongs to one MetaData and a MetaData lists its tables; both are public types ' +
    '(table.metadata, metadata.tables), so each names the other',
  'core/orm/select-plan.ts':
    'the planner calls the load strategies (through their registry), which add their part to the ' +
    'nodes of the plan it builds (the node types live with the planner)',
  'core/orm/loaders/load-strategy.ts':
    'the loader strategy interface names the stages it takes part in (the planner, the row run), ' +
    'whose plans and loader options hold strategies',
}

function layerOf(file: string): number {
  const i = LAYERS.findIndex(([, prefixes]) => prefixes.some((p) => file.startsWith(p)))
  if (i < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS`)
  return i
}

const edgeText = (e: ImportEdge) => `${e.from} -> ${e.to}`
const graph = importGraph(root)

describe('layers', () => {
  it('every library file belongs to a layer', () => {
    for (const f of libraryFiles(root)) expect(() => layerOf(f)).not.toThrow()
  })

  it('no import points up the layers', () => {
    const upward = graph.filter((e) => layerOf(e.to) > layerOf(e.from))
    expect(
      upward.map(
        (e) => `${edgeText(e)} (${LAYERS[layerOf(e.from)]![0]} imports ${LAYERS[layerOf(e.to)]![0]})`,
      ),
    ).toEqual([])
  })

  it('an adapter imports the engine contract, a dialect and the kit: never another adapter, nor the ORM', () => {
    const folder = (f: string) => f.split('/').slice(0, 2).join('/')
    const bad = graph.filter(
      (e) =>
        e.from.startsWith('adapters/') &&
        ((e.to.startsWith('adapters/') &&
          folder(e.to) !== folder(e.from) &&
          !e.to.startsWith('adapters/kit/')) ||
          e.to.startsWith('core/orm/')),
    )
    expect(bad.map(edgeText)).toEqual([])
  })

  it('the local servers stand for the remote side: they import nothing of the library', () => {
    const bad = graph.filter(
      (e) => e.from.startsWith('testing/servers/') && !e.to.startsWith('testing/servers/'),
    )
    expect(bad.map(edgeText)).toEqual([])
  })

  it('the conformance suite uses the public API only', () => {
    const entries = ['core/index.ts', 'core/orm/index.ts']
    const bad = graph.filter(
      (e) =>
        e.from.startsWith('testing/suite/') && !e.to.startsWith('testing/suite/') && !entries.includes(e.to),
    )
    expect(bad.map(edgeText)).toEqual([])
  })

  it('no runtime import cycle', () => {
    expect(cycles(graph, true)).toEqual([])
  })

  it('type-only cycles only through the files listed, each with its reason', () => {
    const dropped = (e: ImportEdge) => !e.runtime && e.to in TYPE_CYCLE_TARGETS
    expect(
      cycles(
        graph.filter((e) => !dropped(e)),
        false,
      ),
    ).toEqual([])
    const cyclic = new Set(cycles(graph, false).flat())
    for (const target of Object.keys(TYPE_CYCLE_TARGETS))
      expect(cyclic.has(target), `${target} is listed but closes no cycle any more`).toBe(true)
  })
})
