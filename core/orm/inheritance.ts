/**
 * Single-table inheritance: a select of a subclass only reads the rows whose discriminator
 * names it (or one of its own subclasses).
 * @module
 */
import type { Select } from '../sql/select.js'
import { isEntity, type Mapper, mapperOf } from './mapper.js'

function entityMappers(stmt: Select): Mapper[] {
  const out: Mapper[] = []
  for (const arg of stmt.args) if (isEntity(arg)) out.push(mapperOf(arg))
  return out
}

/** `stmt` with `WHERE type IN (...)` for each subclass it selects; `stmt` itself when there is none. */
export function withInheritanceCriteria(stmt: Select): Select {
  let out = stmt
  for (const mapper of entityMappers(stmt)) {
    if (mapper.inherits === undefined || mapper.polymorphicOn === undefined) continue
    const column = mapper.table.columnByKey(mapper.polymorphicOn)
    out = out.where(column.in(mapper.polymorphicIdentities() as never[]))
  }
  return out
}
