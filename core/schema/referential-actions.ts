import { ArgumentError } from '../errors.js'

/** Referential actions of a foreign key. */
export type ReferentialAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION'

const actions = new Set<ReferentialAction>(['CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT', 'NO ACTION'])

/** Options of {@link ForeignKey} and {@link ForeignKeyConstraint}. */
export interface ForeignKeyOptions {
  onDelete?: ReferentialAction
  onUpdate?: ReferentialAction
  name?: string
}

/** Throws an `ArgumentError` for a referential action that is not one of {@link ReferentialAction}. */
export function checkActions(options: ForeignKeyOptions): void {
  for (const a of [options.onDelete, options.onUpdate])
    if (a !== undefined && !actions.has(a))
      throw new ArgumentError(
        `Unknown referential action ${JSON.stringify(a)}; use one of ${[...actions].join(', ')}`,
      )
}
