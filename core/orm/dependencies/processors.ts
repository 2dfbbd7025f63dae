/**
 * The dependency processor of each relationship direction: the planner asks
 * `processorFor(rel)` and never tests a direction itself.
 * @module
 */
import type { Relationship, RelationshipDirection } from '../relationship.js'
import { manyToMany } from './many-to-many.js'
import { manyToOne } from './many-to-one.js'
import { oneToMany } from './one-to-many.js'
import type { DependencyProcessor } from './processor.js'

const byDirection: Readonly<Record<RelationshipDirection, DependencyProcessor>> = {
  'many-to-one': manyToOne,
  'one-to-many': oneToMany,
  'many-to-many': manyToMany,
}

/** The processor of `rel`'s direction. */
export function processorFor(rel: Relationship<any>): DependencyProcessor {
  return byDirection[rel.direction]
}
