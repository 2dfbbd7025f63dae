/**
 * A loader strategy of the tests' own (docs/ARCHITECTURE.md, "Add a loader strategy"): after
 * the parents' rows, one SELECT per parent for the relationship (SQLAlchemy's `lazy='select'`,
 * run eagerly). It takes part in one stage only, after the rows.
 */
import { ArgumentError } from '../../core/errors.js'
import { instrumentedList } from '../../core/orm/collections.js'
import type { LoadStrategy } from '../../core/orm/loaders/load-strategy.js'
import { and } from '../../core/sql/constructors.js'
import { select } from '../../core/sql/select.js'

export const perParent: LoadStrategy = {
  name: 'perParent',
  optionName: 'perParentLoad',
  loads: true,
  async afterRows(run, states, rel, tree, path) {
    if (rel.direction === 'many-to-many')
      throw new ArgumentError(`perParentLoad(${rel}) loads one-to-many and many-to-one relationships`)
    const target = rel.target
    for (const parent of states) {
      if (!run.populateExisting && rel.key in parent.dict) continue
      const stmt = select(target.cls as never)
        .where(and(...rel.pairs.map(([local, remote]) => remote.eq(parent.dict[local.key] as never)))!)
        .orderBy(...rel.orderBy, ...target.pkColumns)
      const related = (await run.select(stmt, rel, tree, path, run.populateExisting)).map(
        (r) => r[0] as object,
      )
      parent.dict[rel.key] = rel.uselist ? instrumentedList(parent, rel, related) : (related[0] ?? null)
      parent.committed.delete(rel.key)
      parent.snapshotCollection(rel)
    }
  },
}
