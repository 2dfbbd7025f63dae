/**
 * Cycles in a dependency graph: the unit of work separates rows that refer to each other.
 * @module
 */

/**
 * Strongly connected components of a graph (Kosaraju, iterative, so long chains cannot overflow
 * the stack): each a set of nodes that reach one another (a cycle), or a lone node.
 *
 * ```ts
 * stronglyConnectedComponents(new Map([['a', ['b']], ['b', ['a']], ['c', []]]))
 * // [['a', 'b'], ['c']] (components in no particular order)
 * ```
 */
export function stronglyConnectedComponents<T>(next: ReadonlyMap<T, readonly T[]>): T[][] {
  const finished: T[] = []
  const seen = new Set<T>()
  for (const root of next.keys()) {
    if (seen.has(root)) continue
    seen.add(root)
    const stack: [T, number][] = [[root, 0]]
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const out = next.get(top[0])!
      if (top[1] < out.length) {
        const n = out[top[1]++]!
        if (!seen.has(n)) {
          seen.add(n)
          stack.push([n, 0])
        }
      } else {
        stack.pop()
        finished.push(top[0])
      }
    }
  }
  const back = new Map<T, T[]>()
  for (const [n, targets] of next)
    for (const m of targets) {
      const list = back.get(m)
      if (list) list.push(n)
      else back.set(m, [n])
    }
  const done = new Set<T>()
  const out: T[][] = []
  for (let i = finished.length - 1; i >= 0; i--) {
    const root = finished[i]!
    if (done.has(root)) continue
    done.add(root)
    const comp: T[] = [root]
    for (let j = 0; j < comp.length; j++)
      for (const m of back.get(comp[j]!) ?? [])
        if (!done.has(m)) {
          done.add(m)
          comp.push(m)
        }
    out.push(comp)
  }
  return out
}
