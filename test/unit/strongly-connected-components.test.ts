import { describe, expect, it } from 'vitest'
import { stronglyConnectedComponents } from '../../core/util/strongly-connected-components.js'

const sorted = (comps: string[][]) =>
  comps.map((c) => [...c].sort()).sort((a, b) => a[0]!.localeCompare(b[0]!))

describe('stronglyConnectedComponents', () => {
  it('groups the nodes that reach one another; the others stand alone', () => {
    const next = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ])
    expect(sorted(stronglyConnectedComponents(next))).toEqual([['a', 'b', 'c'], ['d'], ['e']])
  })

  it('handles a chain far longer than the call stack would allow', () => {
    const n = 100_000
    const next = new Map<number, number[]>()
    for (let i = 0; i < n; i++) next.set(i, i + 1 < n ? [i + 1] : [0])
    const comps = stronglyConnectedComponents(next)
    expect(comps).toHaveLength(1)
    expect(comps[0]).toHaveLength(n)
  })
})
