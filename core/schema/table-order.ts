import { topologicalSort } from '../util/topological-sort.js'
import type { Table } from './table.js'

/**
 * Topological sort of tables by foreign keys: each table after the tables it references, in
 * declaration order where the keys leave a choice. `cyclic` holds the tables on a cycle of foreign
 * keys (their keys to tables created later are added with ALTER TABLE).
 */
export function sortByDependency(tables: readonly Table[]): { order: Table[]; cyclic: Set<Table> } {
  const { order, broken } = topologicalSort(tables, (t) => t.dependencies)
  return { order, cyclic: new Set(broken.flatMap((e) => e.cycle)) }
}
