/**
 * One topological sort for everything that orders things by what they depend on: tables for DDL
 * (referenced tables first), tables for the unit of work. A depth-first sort, as MikroORM's
 * CommitOrderCalculator: nodes come out after their dependencies, in the order the nodes (and
 * each node's dependencies) are given wherever the edges leave a choice.
 * @module
 */

/** An edge of {@link topologicalSort}: `from` depends on `to` (so `to` comes first). */
export interface DependencyEdge<T> {
  readonly from: T
  readonly to: T
  /**
   * True when the caller can do without this edge (a nullable foreign key: the row is written
   * with NULL and updated afterwards). A cycle is broken on such an edge when it has one.
   */
  readonly weak: boolean
}

/** An edge left out to resolve a cycle. */
export interface BrokenEdge<T> extends DependencyEdge<T> {
  /** The cycle the edge closed: `to`, the nodes from `to` down to `from`, and `from` (`[x]` for a self-loop). */
  readonly cycle: readonly T[]
}

/** The result of {@link topologicalSort}. */
export interface TopologicalOrder<T> {
  /** Every node once, each after the nodes it depends on except across a broken edge. */
  readonly order: T[]
  /**
   * The edges left out because they closed a cycle, in the order found. A weak edge of a cycle is
   * broken rather than a strong one; a broken strong edge (`weak: false`) means a cycle had no
   * weak edge at all.
   */
  readonly broken: BrokenEdge<T>[]
}

/** Options of {@link topologicalSort}. */
export interface TopologicalSortOptions<T> {
  /** Whether the edge `from -> to` is weak (see {@link DependencyEdge.weak}); no edge is by default. */
  readonly weak?: (from: T, to: T) => boolean
}

/**
 * Orders `nodes` so each comes after the nodes `dependencies` lists for it (dependencies outside
 * `nodes` are ignored). Depth first: the nodes are visited in the order given, each one's
 * dependencies first, in the order listed. An edge that reaches a node still being visited closes
 * a cycle and is left out (`broken`); when that edge is strong and the cycle has a weak edge, the
 * weak edge is left out instead and the sort starts over, so strong edges are kept wherever a
 * weak one can give way.
 *
 * ```ts
 * topologicalSort(['a', 'b', 'c'], (n) => (n === 'a' ? ['c'] : []))
 * // { order: ['c', 'a', 'b'], broken: [] }
 * ```
 */
export function topologicalSort<T>(
  nodes: readonly T[],
  dependencies: (node: T) => Iterable<T>,
  options: TopologicalSortOptions<T> = {},
): TopologicalOrder<T> {
  const known = new Set(nodes)
  const next = new Map<T, T[]>()
  for (const n of nodes)
    next.set(
      n,
      [...new Set(dependencies(n))].filter((d) => known.has(d)),
    )
  const weak = options.weak ?? (() => false)
  const dropped: BrokenEdge<T>[] = []
  for (;;) {
    const { order, broken } = depthFirst(nodes, next)
    const retry = broken.map((e) => weakEdgeOf(e, weak)).find((e) => e !== undefined)
    if (retry === undefined)
      return { order, broken: [...dropped, ...broken.map((e) => ({ ...e, weak: weak(e.from, e.to) }))] }
    // Leave the weak edge out and sort again: the strong edge that closed the cycle stays.
    dropped.push(retry)
    const list = next.get(retry.from)!
    list.splice(list.indexOf(retry.to), 1)
  }
}

/** For a back edge that is strong, the first weak edge of its cycle (walking from `to`), if any. */
function weakEdgeOf<T>(edge: BrokenEdge<T>, weak: (from: T, to: T) => boolean): BrokenEdge<T> | undefined {
  if (weak(edge.from, edge.to)) return undefined
  const { cycle } = edge
  // cycle[i] depends on cycle[i + 1] along the path; its last node depends on its first (the back edge).
  for (let i = 0; i < cycle.length - 1; i++)
    if (weak(cycle[i]!, cycle[i + 1]!)) {
      const rotated = [...cycle.slice(i + 1), ...cycle.slice(0, i + 1)]
      return { from: cycle[i]!, to: cycle[i + 1]!, weak: true, cycle: rotated }
    }
  return undefined
}

/** The depth-first pass, iterative (a long chain of rows must not overflow the call stack). */
function depthFirst<T>(
  nodes: readonly T[],
  next: ReadonlyMap<T, readonly T[]>,
): { order: T[]; broken: BrokenEdge<T>[] } {
  const done = new Set<T>()
  const onPath = new Map<T, number>()
  const path: T[] = []
  const order: T[] = []
  const broken: BrokenEdge<T>[] = []
  for (const root of nodes) {
    if (done.has(root) || onPath.has(root)) continue
    const stack: [T, number][] = [[root, 0]]
    onPath.set(root, 0)
    path.push(root)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const deps = next.get(top[0])!
      if (top[1] < deps.length) {
        const dep = deps[top[1]++]!
        if (done.has(dep)) continue
        const at = onPath.get(dep)
        if (at !== undefined) {
          // The path runs dep -> ... -> top, each depending on the next; top -> dep closes the cycle.
          broken.push({ from: top[0], to: dep, weak: false, cycle: path.slice(at) })
          continue
        }
        onPath.set(dep, path.length)
        path.push(dep)
        stack.push([dep, 0])
      } else {
        stack.pop()
        path.pop()
        onPath.delete(top[0])
        done.add(top[0])
        order.push(top[0])
      }
    }
  }
  return { order, broken }
}
