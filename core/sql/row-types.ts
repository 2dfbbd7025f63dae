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

/** One argument of `select(...)`: an expression or a whole table-like source. */
export type SelectArg = ColumnElement<any, any> | ColumnsSourceType<any, any>

type ValueOfArg<A> = A extends ColumnElement<infer T, any> ? T : unknown

type Dedup<N extends string, Seen extends string> = N extends Seen
  ? `${N}_1` extends Seen
    ? `${N}_2` extends Seen
      ? `${N}_3`
      : `${N}_2`
    : `${N}_1`
  : N

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/** Named access of a row: each named column under its (de-duplicated) name. */
export type NamedRow<Args, Seen extends string = never, Acc = {}> = Args extends readonly [
  infer H,
  ...infer R,
]
  ? H extends ColumnElement<infer T, infer N>
    ? string extends N
      ? NamedRow<R, Seen, Acc>
      : NamedRow<R, Seen | Dedup<N, Seen>, Acc & { readonly [K in Dedup<N, Seen>]: T }>
    : H extends ColumnsSourceType<infer C, any>
      ? NamedRow<
          R,
          Seen | (keyof C & string),
          Acc & { readonly [K in keyof C & string as K extends Seen ? `${K}_1` : K]: ValueOfArg<C[K]> }
        >
      : NamedRow<R, Seen, Acc>
  : Simplify<Acc>

type HasSource<Args> = Args extends readonly [infer H, ...infer R]
  ? H extends ColumnElement<any, any>
    ? HasSource<R>
    : true
  : false

/** Index access of a row: `row[0]` typed when every argument is a single expression. */
export type IndexedRow<Args extends readonly unknown[]> =
  HasSource<Args> extends true
    ? { readonly [index: number]: unknown }
    : { readonly [I in keyof Args as I extends `${number}` ? I : never]: ValueOfArg<Args[I]> }

/** The row type of `select(...args)`: indexed and named access. */
export type RowOf<Args extends readonly unknown[]> = IndexedRow<Args> & NamedRow<Args>

/** The plain tuple of values of `select(...args)` when every argument is an expression. */
export type TupleOf<Args extends readonly unknown[]> = { -readonly [I in keyof Args]: ValueOfArg<Args[I]> }

/** Makes the columns of the source named `TB` nullable (the outer side of an outer join). */
export type NullableFrom<Args, TB extends string> = {
  [I in keyof Args]: Args[I] extends ColumnElement<infer T, infer N>
    ? Args[I] extends { readonly __tableName: infer X }
      ? [X] extends [TB]
        ? string extends X
          ? Args[I]
          : ColumnElement<T | null, N>
        : Args[I]
      : Args[I]
    : Args[I] extends ColumnsSourceType<infer C, infer X>
      ? [X] extends [TB]
        ? string extends X
          ? Args[I]
          : ColumnsSourceType<
              {
                [K in keyof C]: C[K] extends ColumnElement<infer V, infer M>
                  ? ColumnElement<V | null, M>
                  : C[K]
              },
              X
            >
        : Args[I]
      : Args[I]
}

/** Makes every column not of a source named `TB` nullable (the left side of a RIGHT JOIN). */
export type NullableExcept<Args, TB extends string> = {
  [I in keyof Args]: Args[I] extends ColumnElement<infer T, infer N>
    ? Args[I] extends { readonly __tableName: infer X }
      ? [X] extends [TB]
        ? Args[I]
        : ColumnElement<T | null, N>
      : Args[I]
    : Args[I] extends ColumnsSourceType<infer C, infer X>
      ? [X] extends [TB]
        ? Args[I]
        : ColumnsSourceType<
            {
              [K in keyof C]: C[K] extends ColumnElement<infer V, infer M> ? ColumnElement<V | null, M> : C[K]
            },
            X
          >
      : Args[I]
}

/** The columns `.c` of a subquery or CTE built from `select(...args)`. */
export type SubqueryColumns<Args, TB extends string> = {
  readonly [K in keyof NamedRow<Args>]: ColumnElement<NamedRow<Args>[K], K & string> & {
    readonly __tableName: TB
  }
}
