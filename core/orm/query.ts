/**
 * The ORM side of a select: the statement is planned (columns, joined and JSON loads), its rows
 * become objects through the identity map, related objects from the same rows fill their
 * collections, then each strategy's after-rows stage runs (select-in loads, noload and raiseload
 * marks). orm-execute.ts (`session.execute`, `session.stream`) and the relationship loaders come
 * through here.
 * @module
 */
import type { Dialect } from '../dialects/dialect.js'
import type { ExecuteArgs } from '../engine/execution.js'
import { Result, uniqueKey } from '../result/result.js'
import type { Select } from '../sql/select.js'
import { instrumentedList } from './collections.js'
import type { JoinedChild } from './joined-loading.js'
import type { JsonChild } from './json-loading.js'
import { EMPTY_TREE, type LoadTree } from './load-tree.js'
import type { AfterRows, LoadStrategy } from './loaders/load-strategy.js'
import { strategiesOf } from './loaders/registry.js'
import { type Hydrator, hydrate, type LoadOptions } from './loading.js'
import type { IdentityKey, Mapper } from './mapper.js'
import type { Relationship } from './relationship.js'
import { type EntityNode, type OrmPlan, planOrmSelect } from './select-plan.js'
import { type InstanceState, stateOf } from './state.js'

/** One row's values. */
type Values = unknown[]

/** What an ORM select needs of the session. */
export interface QueryHost extends Hydrator {
  /** Runs a statement in the session's transaction, or on its own where the session holds none. */
  runRead(stmt: Select, params?: ExecuteArgs): Promise<Result<any>>
  lookupState(key: IdentityKey): InstanceState | undefined
  /** The adapter's parameter limit, for IN lists. */
  readonly maxParams: number
  readonly bind: { readonly dialect: Dialect }
}

/** The after-rows stage of each strategy of `strategies`, for `states` loaded with `tree` along `path`. */
async function afterStage(
  run: AfterRows,
  states: readonly InstanceState[],
  strategies: ReadonlyMap<Relationship<any>, LoadStrategy>,
  tree: LoadTree,
  path: readonly Relationship<any>[],
): Promise<void> {
  for (const [rel, strategy] of strategies) {
    if (strategy.afterRows === undefined) continue
    const applies = states.filter((s) => s.mapper.relationships.get(rel.key) === rel)
    await strategy.afterRows(run, applies, rel, tree.rels.get(rel)?.tree ?? EMPTY_TREE, [...path, rel])
  }
}

/**
 * What a strategy's after-rows stage is given: the session, and ORM selects run through this
 * module, so the strategies (which this module calls) import none of it at runtime.
 */
export function afterRows(host: QueryHost, populateExisting: boolean): AfterRows {
  const run: AfterRows = {
    host,
    populateExisting,
    async select(stmt, rel, tree, path, populateExisting) {
      const result = await runOrmSelect(host, stmt, undefined, {
        populateExisting,
        trees: new Map([[rel.target, tree]]),
        path,
        after: true,
      })
      return result!.takeRows() as unknown[][]
    },
    after: (states, mapper, tree, path, populateExisting) =>
      afterStage(afterRows(host, populateExisting), states, strategiesOf(mapper, tree, path), tree, path),
  }
  return run
}

/** How one load runs. */
export interface LoadContext {
  /** Overwrite loaded attributes (and collections) of objects already in the identity map. */
  readonly populateExisting: boolean
}

/** A relationship being filled for one parent: its members so far, or null when the parent keeps what it has. */
interface Filling {
  readonly items: object[]
  readonly seen: Set<object>
}

/** @internal Turns the rows of one planned statement into objects and fills what the rows carry. */
export class RowRun {
  readonly states = new Map<EntityNode, InstanceState[]>()
  readonly #fills = new Map<JoinedChild | JsonChild, Map<InstanceState, Filling | null>>()
  readonly #visit: boolean
  readonly #collect: boolean
  constructor(
    readonly host: QueryHost,
    readonly plan: OrmPlan,
    readonly options: LoadOptions,
  ) {
    this.#visit = plan.nodes.some((n) => n.joined.length > 0 || n.json.length > 0)
    this.#collect = plan.nodes.some((n) => n.strategies.size > 0)
  }

  row(values: Values): Values {
    const outputs = this.plan.outputs
    const out = new Array<unknown>(outputs.length)
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!
      if (typeof o === 'number') out[i] = values[o]
      else {
        const obj = hydrate(this.host, o.span, values, this.options)
        out[i] = obj
        if (obj !== null && (this.#visit || this.#collect)) this.visit(o, obj, values)
      }
    }
    return out
  }

  private visit(node: EntityNode, obj: object, values: Values): void {
    const state = stateOf(obj)!
    if (this.#collect) {
      const list = this.states.get(node)
      if (list === undefined) this.states.set(node, [state])
      else list.push(state)
    }
    for (const j of node.joined) {
      const child = hydrate(this.host, j.node.span, values, this.options)
      this.fill(j, state, child)
      if (child !== null && !j.reused) this.visit(j.node, child, values)
    }
    for (const js of node.json) {
      if (this.#fills.get(js)?.has(state)) continue // the same parent on another joined row
      this.fill(js, state, null)
      for (const element of js.elements(values)) {
        const child = hydrate(this.host, js.node.span, element, this.options)
        this.fill(js, state, child)
        if (child !== null) this.visit(js.node, child, element)
      }
    }
  }

  private fill(spec: JoinedChild | JsonChild, parent: InstanceState, child: object | null): void {
    let per = this.#fills.get(spec)
    if (per === undefined) this.#fills.set(spec, (per = new Map()))
    let f = per.get(parent)
    if (f === undefined) {
      const needed = this.options.populateExisting || !(spec.rel.key in parent.dict)
      f = needed ? { items: [], seen: new Set() } : null
      per.set(parent, f)
    }
    if (f === null || child === null || f.seen.has(child)) return
    f.seen.add(child)
    f.items.push(child)
  }

  /** Sets the relationships filled from the rows (as loaded: no change to flush). */
  finish(): void {
    for (const [spec, per] of this.#fills) {
      const rel: Relationship<any> = spec.rel
      for (const [parent, f] of per) {
        if (f === null) continue
        parent.dict[rel.key] = rel.uselist ? instrumentedList(parent, rel, f.items) : (f.items[0] ?? null)
        parent.committed.delete(rel.key)
        parent.snapshotCollection(rel)
      }
    }
  }

  /** The after-rows stage of each node's strategies: select-in loads, noload and raiseload marks. */
  async after(ctx: LoadContext): Promise<void> {
    const run = afterRows(this.host, ctx.populateExisting)
    for (const node of this.plan.nodes) {
      const list = this.states.get(node)
      if (list === undefined || node.strategies.size === 0) continue
      await afterStage(run, [...new Set(list)], node.strategies, node.tree, node.path)
    }
  }
}

/** Rows made unique by their values, objects by identity (what `.unique()` does). */
function uniqueRows(rows: Values[]): Values[] {
  const seen = new Set<unknown>()
  return rows.filter((r) => {
    const key = r.length === 1 ? uniqueKey(r[0]) : JSON.stringify(r.map(uniqueKey))
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Options of {@link runOrmSelect}. */
export interface RunOptions extends LoadContext {
  /** Options per queried class (a nested load); the statement's own options otherwise. */
  readonly trees?: ReadonlyMap<Mapper, LoadTree>
  /** The relationships a nested load came through. */
  readonly path?: readonly Relationship<any>[]
  /** Run the strategies' after-rows stage (the loads that need more statements). */
  readonly after?: boolean
}

/** Runs an ORM select and every loader; undefined when `stmt` selects no mapped class. */
export async function runOrmSelect(
  host: QueryHost,
  stmt: Select,
  params: ExecuteArgs | undefined,
  options: RunOptions,
): Promise<Result<any> | undefined> {
  const plan = planOrmSelect(stmt, host.bind.dialect, options)
  if (plan === undefined) return undefined
  const raw = await host.runRead(plan.statement, params)
  const run = new RowRun(host, plan, { populateExisting: options.populateExisting })
  const rows = raw.takeRows()
  let data = new Array<Values>(rows.length)
  for (let i = 0; i < rows.length; i++) data[i] = run.row(rows[i]!)
  run.finish()
  if (plan.unique) data = uniqueRows(data)
  if (options.after === true) await run.after(options)
  return new Result(plan.names, data, raw.rowsAffected, raw.lastInsertId)
}
