import { ArgumentError } from '../errors.js'
import type { ColumnElement } from '../sql/elements.js'
import type { Column } from './column.js'
import { checkActions, type ForeignKeyOptions } from './referential-actions.js'

/** Base of table-level constraints. `name` is explicit or given by the metadata's naming convention. */
export abstract class Constraint {
  abstract readonly kind: 'primary_key' | 'unique' | 'foreign_key' | 'check'
  constructor(readonly name: string | undefined) {}
}

/** `PRIMARY KEY (cols)`; the table builds it from columns flagged `primaryKey`. */
export class PrimaryKeyConstraint extends Constraint {
  readonly kind = 'primary_key'
  constructor(
    readonly columns: readonly string[],
    name?: string,
  ) {
    super(name)
  }
}

/** `UNIQUE (cols)`, by column keys. */
export class UniqueConstraint extends Constraint {
  readonly kind = 'unique'
  readonly columns: readonly string[]
  constructor(columns: readonly string[], options: { name?: string } = {}) {
    super(options.name)
    if (columns.length === 0) throw new ArgumentError('A unique constraint needs at least one column')
    this.columns = columns
  }
}

/** `CHECK (condition)`; the condition is an expression (its values are rendered as escaped literals in DDL). */
export class CheckConstraint extends Constraint {
  readonly kind = 'check'
  constructor(
    readonly condition: ColumnElement<boolean> | string,
    options: { name?: string } = {},
  ) {
    super(options.name)
  }
}

/**
 * A (possibly composite) foreign key: local column keys referencing columns of another table.
 *
 * ```ts
 * new ForeignKeyConstraint(['orderId', 'lineNo'], () => [lines.c.orderId, lines.c.lineNo], { onDelete: 'CASCADE' })
 * ```
 */
export class ForeignKeyConstraint extends Constraint {
  readonly kind = 'foreign_key'
  constructor(
    readonly columns: readonly string[],
    readonly target: readonly Column<any, any>[] | (() => readonly Column<any, any>[]),
    readonly options: ForeignKeyOptions = {},
  ) {
    super(options.name)
    checkActions(options)
    if (columns.length === 0) throw new ArgumentError('A foreign key needs at least one column')
  }
  /** The referenced columns, resolving a deferred target. */
  get referred(): readonly Column<any, any>[] {
    const cols = typeof this.target === 'function' ? this.target() : this.target
    if (cols.length !== this.columns.length)
      throw new ArgumentError(
        `A foreign key on (${this.columns.join(', ')}) must name as many target columns`,
      )
    for (const c of cols)
      if (c?.table === undefined) throw new ArgumentError('A foreign key must point at columns of a table')
    return cols
  }
}

/** `CREATE [UNIQUE] INDEX name ON table (cols)`. */
export class Index {
  constructor(
    readonly name: string | undefined,
    readonly columns: readonly string[],
    readonly options: { unique?: boolean } = {},
  ) {
    if (columns.length === 0) throw new ArgumentError('An index needs at least one column')
  }
}

/** Table-level schema items a {@link Table} accepts after its columns. */
export type SchemaItem =
  | UniqueConstraint
  | CheckConstraint
  | ForeignKeyConstraint
  | Index
  | PrimaryKeyConstraint

/** A constraint that can be added to an existing table with `ALTER TABLE ... ADD CONSTRAINT`. */
export type AddableConstraint = UniqueConstraint | CheckConstraint | ForeignKeyConstraint
