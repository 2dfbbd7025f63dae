/**
 * The loader strategy interface: what one way of loading a relationship does at each stage of an
 * ORM select it takes part in. The planner (select-plan.ts) and the row run (query.ts) call these
 * hooks and compare no strategy names; a strategy leaves out the stages it has no part in
 * (docs/ARCHITECTURE.md, "Add a loader strategy").
 * @module
 */
import type { ColumnElement } from '../../sql/elements.js'
import type { Select } from '../../sql/select.js'
import type { LoadTree } from '../load-tree.js'
import type { Mapper } from '../mapper.js'
import type { QueryHost } from '../query.js'
import type { Relationship } from '../relationship.js'
import type { EntityNode, PlanContext } from '../select-plan.js'
import type { InstanceState } from '../state.js'

/** Where a relationship is being planned. */
export interface Placement {
  /** The parent's columns: in the statement's row, in a row joined by a joined load, or in an element of a JSON array. */
  readonly where: 'row' | 'join' | 'json'
  /** A statement a loader runs (a select-in load), not the one the user wrote. */
  readonly nested: boolean
  /** The rows are streamed in chunks. */
  readonly streaming: boolean
  /** A loader option chose the strategy (not the relationship's `lazy`). */
  readonly explicit: boolean
  /** The relationships that led to the parent from the statement's classes. */
  readonly path: readonly Relationship<any>[]
}

/** What the after-rows stage is given: the session, and a way to run more ORM selects. */
export interface AfterRows {
  readonly host: QueryHost
  /** Overwrite loaded attributes (and collections) of objects already in the identity map. */
  readonly populateExisting: boolean
  /** Runs an ORM select of `rel`'s related class with `tree`'s options along `path`, its own loaders included; its rows. */
  select(
    stmt: Select,
    rel: Relationship<any>,
    tree: LoadTree,
    path: readonly Relationship<any>[],
    populateExisting: boolean,
  ): Promise<unknown[][]>
  /** The after-rows stage for objects of `mapper` no rows brought (found in the identity map). */
  after(
    states: readonly InstanceState[],
    mapper: Mapper,
    tree: LoadTree,
    path: readonly Relationship<any>[],
    populateExisting: boolean,
  ): Promise<void>
}

/**
 * How a relationship loads. Made once per strategy; an option function carries it
 * (`joinedload(rel)`), and a relationship's `lazy` names one in the registry (registry.ts).
 */
export interface LoadStrategy {
  /** The name `lazy` gives and the registry knows (`'selectin'`). */
  readonly name: string
  /** The option's name in messages (`selectinload`, `containsEager`). */
  readonly optionName: string
  /** True when it reads the related rows: the parent's columns of the relationship then load. */
  readonly loads: boolean
  /**
   * As a relationship's `lazy`, along `path`: the strategy to use, or undefined for nothing to do.
   * Absent: itself, except along a path that already holds the relationship (no cycle).
   */
  asLazy?(rel: Relationship<any>, path: readonly Relationship<any>[]): LoadStrategy | undefined
  /** Planning: the strategy that loads `rel` at this place: itself, another it falls back to, or it throws. */
  place?(rel: Relationship<any>, placement: Placement): LoadStrategy
  /** Planning, first: fill `rel` from FROM items the statement itself has (for the queried classes). */
  planFromStatement?(
    ctx: PlanContext,
    node: EntityNode,
    rel: Relationship<any>,
    top: readonly EntityNode[],
    cols: ColumnElement[],
  ): void
  /** Planning, second: the nodes of `rel` the planner joins to the statement (`node.joined`). */
  planJoin?(ctx: PlanContext, node: EntityNode, rel: Relationship<any>): void
  /** Planning, last (the parent's columns are final): columns of the parent's row (`node.json`). */
  planColumn?(ctx: PlanContext, node: EntityNode, rel: Relationship<any>, cols: ColumnElement[]): void
  /**
   * After the rows, for the parents of `rel` the rows brought: `tree` holds the options of the
   * related class, `path` ends with `rel`.
   */
  afterRows?(
    run: AfterRows,
    states: readonly InstanceState[],
    rel: Relationship<any>,
    tree: LoadTree,
    path: readonly Relationship<any>[],
  ): Promise<void> | void
}
