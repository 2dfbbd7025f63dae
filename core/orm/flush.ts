/**
 * Runs a flush plan: its statements one by one in an interactive transaction, or all together
 * as one atomic batch with guard statements that make the batch fail when an UPDATE or DELETE
 * matched fewer rows than expected.
 * @module
 */
import type { Dialect } from '../dialects/dialect.js'
import type { RawResult, Statement } from '../engine/adapter.js'
import { toResult } from '../engine/execution.js'
import { StaleDataError } from '../errors.js'
import { rowValues } from '../result/row.js'
import type { Table } from '../schema/table.js'
import { func } from '../sql/functions.js'
import { select } from '../sql/select.js'
import { bindOne, type FlushTarget, type Step, stepGroups } from './flush-steps.js'
import type { FlushPlan } from './unit-of-work.js'

export type { FlushTarget, Step } from './flush-steps.js'

function staleError(
  verb: string,
  table: Table,
  expected: number,
  matched: number | undefined,
): StaleDataError {
  return new StaleDataError(
    `${verb} statement on table '${table.name}' expected to ${verb === 'UPDATE' ? 'update' : 'delete'} ${expected} row(s); ` +
      `${matched === undefined ? 'fewer' : matched} were matched (the row was deleted or changed concurrently)`,
  )
}

/** Runs the plan in an interactive transaction: statement by statement, row counts checked. */
export async function runInteractive(target: FlushTarget, plan: FlushPlan): Promise<number> {
  let count = 0
  for (const build of stepGroups(target, plan)) count += (await runSteps(target, build())).length
  return count
}

/** Runs steps one by one in the open transaction, checking row counts; returns their raw results. */
export async function runSteps(target: FlushTarget, steps: readonly Step[]): Promise<RawResult[]> {
  const raws: RawResult[] = []
  for (const step of steps) {
    const raw = await target.run!(step.stmt)
    raws.push(raw)
    if (step.expect !== undefined) await checkCount(target, step, raw)
    if (step.onResult) step.onResult(toResult(target.dialect, step.template, raw).all().map(rowValues), raw)
  }
  return raws
}

async function checkCount(target: FlushTarget, step: Step, raw: RawResult): Promise<void> {
  const exp = step.expect!
  const n = raw.rowsAffected
  if (n < 0 || n === exp.rows) return
  if (exp.verb === 'UPDATE' && target.capabilities.updateRowCount === 'changed' && n < exp.rows && exp.keys) {
    // MySQL without CLIENT_FOUND_ROWS counts changed rows: an UPDATE to the same values counts 0
    const q = bindOne(
      target.dialect,
      select(func.count())
        .selectFrom(exp.table)
        .where(exp.keys() as never),
    )
    const found = toResult(target.dialect, q.template, await target.run!(q.stmt)).scalar()
    if (Number(found) === exp.rows) return
    throw staleError(exp.verb, exp.table, exp.rows, Number(found))
  }
  throw staleError(exp.verb, exp.table, exp.rows, n)
}

/** The step, guarded so the batch fails when it matches another number of rows (the dialect's guard). */
function guarded(dialect: Dialect, step: Step): Statement[] {
  const exp = step.expect
  if (exp === undefined) return [step.stmt]
  return dialect.rowCountGuard(step.stmt, exp.rows)
}

/** True for the error a guard raises (the dialect's: PostgreSQL division by zero, SQLite integer overflow). */
export function isGuardError(dialect: Dialect, err: unknown): boolean {
  return dialect.isRowCountGuardError(err)
}

/**
 * Runs the whole plan as one atomic batch (one request on neon-http, libsql, d1). Every value
 * must be known before sending: keys the database generates may only be read back, not reused.
 * `extra` steps (writes held for commit) follow the flush's. Returns the number of statements
 * sent (guards included).
 */
export async function runBatch(
  target: FlushTarget,
  plan: FlushPlan,
  extra: readonly Step[] = [],
): Promise<number> {
  const steps: Step[] = []
  for (const build of stepGroups(target, plan)) steps.push(...build())
  steps.push(...extra)
  const stmts: Statement[] = []
  const at: number[] = []
  for (const step of steps) {
    at.push(stmts.length)
    stmts.push(...guarded(target.dialect, step))
  }
  if (stmts.length === 0) return 0
  let raws: RawResult[]
  try {
    raws = await target.runBatch!(stmts)
  } catch (err) {
    if (steps.some((s) => s.expect !== undefined) && isGuardError(target.dialect, err)) {
      const e = new StaleDataError(
        'An UPDATE or DELETE of this commit matched fewer rows than expected (a row was deleted or changed ' +
          'concurrently); the batch was rolled back and nothing was written',
        { cause: err },
      )
      throw e
    }
    throw err
  }
  steps.forEach((step, i) => {
    if (step.onResult === undefined) return
    const raw = raws[at[i]!]!
    step.onResult(toResult(target.dialect, step.template, raw).all().map(rowValues), raw)
  })
  return stmts.length
}
