/**
 * Type-level rules for a column's values, from its SQL type `S` and its options `O` as written:
 * what it reads as, what a write may give, and whether an INSERT may leave it out. They live
 * with the expression language (not with `Column` in core/schema) because the typed DML
 * builders need them and core/sql imports nothing from core/schema; core/schema/column.ts
 * re-exports them under the same names.
 * @module
 */
import type { BigInteger, CustomType, Integer, Numeric, SqlType, ValueOf } from './types.js'

/** `any` options (a column declared without options, inferred inside a table) read as the defaults. */
type Nullable<O> = 0 extends 1 & O
  ? true
  : O extends { primaryKey: true }
    ? false
    : O extends { nullable: false }
      ? false
      : true

/** The JavaScript value type of a column declared with type `S` and options `O`. */
export type ColumnValue<S extends SqlType, O> = Nullable<O> extends true ? ValueOf<S> | null : ValueOf<S>

/**
 * What a value of SQL type `S` may be written as: its value type, and also a number for
 * BigInteger and a number or bigint for Numeric (bound as they are, read back as bigint / string).
 */
export type InputOf<S> =
  | ValueOf<S>
  | (S extends BigInteger ? number : never)
  | (S extends Numeric ? number | bigint : never)

/** What an INSERT or UPDATE may write to a column declared with type `S` and options `O`. */
export type ColumnInputValue<S extends SqlType, O> = Nullable<O> extends true ? InputOf<S> | null : InputOf<S>

/**
 * True for the types a lone primary key is generated for: Integer and BigInteger (not SmallInteger,
 * and not Float or a custom type, which are shaped like Integer).
 */
type IsAutoincrementType<S> =
  S extends CustomType<any, any>
    ? false
    : S extends BigInteger
      ? true
      : S extends Integer & { readonly kind: infer K }
        ? string extends K
          ? true
          : false
        : false

/** True when an INSERT may leave the column out (nullable, defaulted or generated). */
export type IsOptionalOnInsert<S, O> = 0 extends 1 & O
  ? true
  : O extends { default: {} } | { serverDefault: {} }
    ? true
    : O extends { primaryKey: true }
      ? O extends { autoincrement: false }
        ? false
        : O extends { autoincrement: true }
          ? IsAutoincrementType<S>
          : O extends { foreignKey: {} }
            ? false
            : IsAutoincrementType<S>
      : Nullable<O>
