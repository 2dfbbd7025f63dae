/**
 * The value policy for a flush: every value the plan writes is checked against its column before
 * the first statement is built, so a value the policy refuses (`DataError`) leaves nothing sent,
 * even where a flush sends statement by statement.
 * @module
 */
import { ArgumentError } from '../errors.js'
import type { Column } from '../schema/column.js'
import { ColumnElement } from '../sql/elements.js'
import { labelled } from '../sql/value-policy.js'
import type { FlushPlan } from './unit-of-work.js'

/** Checks each value of the plan's inserts and updates with its column's `validateWrite()`. */
export function checkPlanValues(plan: FlushPlan): void {
  for (const group of plan.saves)
    for (const op of group) {
      const table = op.mapper.table
      for (const [key, value] of op.values) {
        if (value === null || value === undefined || value instanceof ColumnElement) continue
        const column = (table.c as Record<string, Column<any, any> | undefined>)[key]
        // a key of another table (or none) is left to the statement that writes it
        if (column === undefined) continue
        try {
          column.type.validateWrite(value)
        } catch (e) {
          if (e instanceof ArgumentError) throw new ArgumentError(`${table.name}.${column.key}: ${e.message}`)
          throw labelled(e, `${table.name}.${column.name}`)
        }
      }
    }
}
