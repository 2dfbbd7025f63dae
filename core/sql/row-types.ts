/**
 * Type-level helpers that turn what a statement selects into the type of its rows.
 * @module
 */
import type { ColumnElement } from './elements.js'

/** Anything with named columns that can be selected whole: tables, aliases, subqueries, CTEs. */
export interface ColumnsSourceType<C = Record<string, ColumnElement>, TB extends string = string> {
  readonly c: C
  readonly __tableName: TB
}

/**
 * An ORM mapped class as a `select()` argument: a constructor with a `__clauseElement__()` hook.
 * A row holds one instance for it.
 */
export interface EntityType<I = unknown> {
  new (...args: any[]): I
  __clauseElement__(): unknown
}

/** One argument of `select(...)`: an expression, a whole table-like source, or a mapped class. */
export type SelectArg = ColumnElement<any, any> | ColumnsSourceType<any, any> | EntityType<any>

/** The value type of a selected expression (read from its phantom, so methods do not widen it). */
type ValueOfArg<A> = A extends EntityType<infer I> ? I : A extends { readonly __value: infer T } ? T : unknown

/** The value type an expression `A` selects as. */
export type ValueOfExpr<A> = ValueOfArg<A>

/** `id` when unseen, else `id_1`, `id_2`, ...: the names `dedupeNames` gives at run time. */
type Dedup<N extends string, Seen extends string> = N extends Seen
  ? `${N}_1` extends Seen
    ? `${N}_2` extends Seen
      ? `${N}_3` extends Seen
        ? `${N}_4`
        : `${N}_3`
      : `${N}_2`
    : `${N}_1`
  : N

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** Named access of a row: each named column under its (de-duplicated) name. */
export type NamedRow<Args, Seen extends string = never, Acc = {}> = Args extends readonly [
  infer H,
  ...infer R,
]
  ? H extends EntityType<any>
    ? NamedRow<R, Seen, Acc>
    : H extends ColumnElement<any, any>
      ? H extends { readonly __name: infer N extends string }
        ? string extends N
          ? NamedRow<R, Seen, Acc>
          : NamedRow<R, Seen | Dedup<N, Seen>, Acc & { readonly [K in Dedup<N, Seen>]: ValueOfArg<H> }>
        : NamedRow<R, Seen, Acc>
      : H extends ColumnsSourceType<infer C, any>
        ? NamedRow<
            R,
            Seen | Dedup<keyof C & string, Seen>,
            Acc & { readonly [K in keyof C & string as Dedup<K, Seen>]: ValueOfArg<C[K]> }
          >
        : NamedRow<R, Seen, Acc>
  : Simplify<Acc>

type HasSource<Args> = Args extends readonly [infer H, ...infer R]
  ? H extends ColumnElement<any, any> | EntityType<any>
    ? HasSource<R>
    : true
  : false

/**
 * Index access of a row: `row[0]` typed when every argument is a single expression. A whole table
 * expands to its columns, whose order a TypeScript object type does not keep, so a select of a
 * table gives `unknown` by index (use the names).
 */
export type IndexedRow<Args extends readonly unknown[]> =
  HasSource<Args> extends true
    ? { readonly [index: number]: unknown }
    : { readonly [I in keyof Args as I extends `${number}` ? I : never]: ValueOfArg<Args[I]> }

/** The row type of `select(...args)`: indexed (`row[0]`) and named (`row.id`) access. */
export type RowOf<Args extends readonly unknown[]> = Simplify<IndexedRow<Args> & NamedRow<Args>>

/** The plain tuple of values of `select(...args)` when every argument is an expression. */
export type TupleOf<Args extends readonly unknown[]> = { -readonly [I in keyof Args]: ValueOfArg<Args[I]> }

/** Keeps the FROM item name of a column, so later joins still see where it comes from. */
type TableTag<A> = A extends { readonly __tableName: infer X extends string }
  ? { readonly __tableName: X }
  : {}

/** The same expression read as possibly NULL. */
type NullableColumn<A> = A extends { readonly __value: infer T; readonly __name: infer N extends string }
  ? ColumnElement<T | null, N> & TableTag<A>
  : A

/** A whole source whose columns are all read as possibly NULL. */
type NullableSource<C, X extends string> = ColumnsSourceType<
  { readonly [K in keyof C]: NullableColumn<C[K]> },
  X
>

/** Makes the columns of the source named `TB` nullable (the outer side of an outer join). */
export type NullableFrom<Args, TB extends string> = {
  [I in keyof Args]: Args[I] extends ColumnElement<any, any>
    ? Args[I] extends { readonly __tableName: infer X extends string }
      ? string extends X
        ? Args[I]
        : [X] extends [TB]
          ? NullableColumn<Args[I]>
          : Args[I]
      : Args[I]
    : Args[I] extends ColumnsSourceType<infer C, infer X>
      ? string extends X
        ? Args[I]
        : [X] extends [TB]
          ? NullableSource<C, X>
          : Args[I]
      : Args[I]
}

/** Makes every column not of a source named `TB` nullable (the left side of a RIGHT JOIN). */
export type NullableExcept<Args, TB extends string> = {
  [I in keyof Args]: Args[I] extends ColumnElement<any, any>
    ? Args[I] extends { readonly __tableName: infer X extends string }
      ? [X] extends [TB]
        ? Args[I]
        : NullableColumn<Args[I]>
      : Args[I]
    : Args[I] extends ColumnsSourceType<infer C, infer X>
      ? [X] extends [TB]
        ? Args[I]
        : NullableSource<C, X>
      : Args[I]
}

/** The columns `.c` of a subquery or CTE built from `select(...args)`. */
export type SubqueryColumns<Args, TB extends string> = {
  readonly [K in keyof NamedRow<Args>]: ColumnElement<NamedRow<Args>[K], K & string> & {
    readonly __tableName: TB
  }
}

/**
 * The FROM item names a join made with `options` reads as possibly NULL: the right side of
 * `{ isOuter: true }`, both sides (`L` and `R`) of `{ full: true }`, none for an inner join.
 */
export type JoinNullable<O, L extends string, R extends string> = O extends { readonly full: true }
  ? L | R
  : O extends { readonly isOuter: true }
    ? R
    : never

/** The selected arguments `Args` after `Select.join(target named R, on, options O)`. */
export type ArgsAfterJoin<Args, O, R extends string> = O extends { readonly full: true }
  ? NullableExcept<Args, never>
  : O extends { readonly isOuter: true }
    ? NullableFrom<Args, R>
    : Args

/** The names on the outer side of the FROM items `F` (joins carry them as a phantom). */
export type OuterNames<F> = 0 extends 1 & F
  ? never
  : F extends { readonly __nullable: infer NB extends string }
    ? NB
    : never

/** The FROM item names a join's right side `R` covers: a source's name, or all names of a join. */
export type SourceNames<R> = R extends { readonly __tableName: infer X extends string }
  ? X
  : R extends { readonly __names: infer X extends string }
    ? X
    : string
