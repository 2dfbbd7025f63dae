/**
 * The one topological sort (core/util/topological-sort.ts) that DDL ordering and the unit of work
 * share: dependencies first, the given order where the edges leave a choice, cycles broken on a
 * weak edge when they have one.
 */
import { describe, expect, it } from 'vitest'
import { topologicalSort } from '../../core/util/topological-sort.js'

type Graph = Record<string, string[]>
const deps = (g: Graph) => (n: string) => g[n] ?? []

/** The recursive depth-first sort create-drop used before (order and the nodes on cycles). */
function reference(nodes: string[], g: Graph): { order: string[]; cyclic: Set<string> } {
  const inSet = new Set(nodes)
  const state = new Map<string, 'visiting' | 'done'>()
  const order: string[] = []
  const cyclic = new Set<string>()
  const visit = (t: string, path: string[]) => {
    const s = state.get(t)
    if (s === 'done') return
    if (s === 'visiting') {
      for (const p of path.slice(path.indexOf(t))) cyclic.add(p)
      return
    }
    state.set(t, 'visiting')
    for (const dep of g[t] ?? []) if (inSet.has(dep)) visit(dep, [...path, t])
    state.set(t, 'done')
    order.push(t)
  }
  for (const t of nodes) visit(t, [])
  return { order, cyclic }
}

/** A small deterministic generator (the graphs must be the same on every run). */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s / 2 ** 32
  }
}

describe('topologicalSort', () => {
  it('puts dependencies first and keeps the given order where the edges leave a choice', () => {
    expect(topologicalSort(['a', 'b', 'c'], deps({ a: ['c'] }))).toEqual({
      order: ['c', 'a', 'b'],
      broken: [],
    })
    expect(topologicalSort(['a', 'b', 'c'], deps({}))).toEqual({ order: ['a', 'b', 'c'], broken: [] })
    expect(topologicalSort(['a', 'b', 'c'], deps({ a: ['c', 'b'] })).order).toEqual(['c', 'b', 'a'])
  })

  it('ignores dependencies outside the nodes and repeated ones', () => {
    expect(topologicalSort(['a', 'b'], deps({ a: ['x', 'b', 'b'], b: ['y'] }))).toEqual({
      order: ['b', 'a'],
      broken: [],
    })
  })

  it('breaks a cycle on the edge that closes it and reports the cycle', () => {
    const { order, broken } = topologicalSort(['a', 'b', 'c'], deps({ a: ['b'], b: ['c'], c: ['a'] }))
    expect(order).toEqual(['c', 'b', 'a'])
    expect(broken).toEqual([{ from: 'c', to: 'a', weak: false, cycle: ['a', 'b', 'c'] }])
    expect(topologicalSort(['a'], deps({ a: ['a'] })).broken).toEqual([
      { from: 'a', to: 'a', weak: false, cycle: ['a'] },
    ])
  })

  it('breaks a cycle on a weak edge rather than a strong one (a nullable foreign key)', () => {
    // a -> b is weak (nullable): b must come first only if it can; c -> a is strong
    const g = { a: ['b'], b: ['c'], c: ['a'] }
    const weak = (from: string, to: string) => from === 'a' && to === 'b'
    const { order, broken } = topologicalSort(['a', 'b', 'c'], deps(g), { weak })
    expect(order).toEqual(['a', 'c', 'b'])
    expect(broken).toEqual([{ from: 'a', to: 'b', weak: true, cycle: ['b', 'c', 'a'] }])
    // a weak edge that closes the cycle itself is broken as found
    const closing = topologicalSort(['a', 'b'], deps({ a: ['b'], b: ['a'] }), { weak: (f) => f === 'b' })
    expect(closing).toEqual({
      order: ['b', 'a'],
      broken: [{ from: 'b', to: 'a', weak: true, cycle: ['a', 'b'] }],
    })
  })

  it('reports a strong broken edge when a cycle has no weak edge', () => {
    const { broken } = topologicalSort(['a', 'b'], deps({ a: ['b'], b: ['a'] }), { weak: () => false })
    expect(broken.map((e) => e.weak)).toEqual([false])
  })

  it('gives the order and the cycles of the recursive depth-first sort on random graphs', () => {
    const next = random(13)
    for (let round = 0; round < 300; round++) {
      const size = 1 + Math.floor(next() * 9)
      const nodes = Array.from({ length: size }, (_, i) => `n${i}`)
      const g: Graph = {}
      for (const n of nodes) g[n] = nodes.filter((m) => m !== n && next() < 0.25)
      const expected = reference(nodes, g)
      const { order, broken } = topologicalSort(nodes, deps(g))
      expect(order).toEqual(expected.order)
      expect(new Set(broken.flatMap((e) => e.cycle))).toEqual(expected.cyclic)
    }
  })

  it('sorts a long chain without overflowing the call stack', () => {
    const nodes = Array.from({ length: 100_000 }, (_, i) => i)
    const { order } = topologicalSort(nodes, (n) => (n === 0 ? [] : [n - 1]))
    expect(order[0]).toBe(0)
    expect(order.at(-1)).toBe(99_999)
  })
})
