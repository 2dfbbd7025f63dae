/**
 * What a session remembers for idempotent commits: its token table and, after a commit whose
 * outcome is unknown, that attempt's token and plan, so `commit()` again sends the same unit
 * with the same token (or finds it committed).
 * @module
 */
import { CommitOutcomeUnknownError } from '../errors.js'
import type { CommitToken, CommitTokenTable } from './commit-tokens.js'
import type { FlushPlan } from './unit-of-work.js'

/** A session's idempotent-commit state. */
export class IdempotentCommits {
  /** The commit whose outcome is not known yet: its token and plan, kept for its retry. */
  #unknown: { readonly token: string; readonly plan: FlushPlan } | undefined

  constructor(readonly table: CommitTokenTable | undefined) {}

  /** True after a commit of unknown outcome (with a token): `commit()` may run again. */
  get retrying(): boolean {
    return this.#unknown !== undefined
  }

  /** The plan to send again, if this commit retries one of unknown outcome. */
  get plan(): FlushPlan | undefined {
    return this.#unknown?.plan
  }

  /**
   * The token of a commit: `value` (a caller's key, a run's token), else the retried attempt's,
   * else a new one; looked up first when `check` or when retrying.
   */
  token(value: string | undefined, check: boolean): CommitToken | undefined {
    if (this.table === undefined) return undefined
    const unknown = this.#unknown
    const token = value ?? unknown?.token ?? crypto.randomUUID()
    return {
      table: this.table,
      value: token,
      check: check || unknown !== undefined,
      always: value !== undefined && check,
      own: unknown?.token === token,
    }
  }

  /** A commit with `token` and `plan` failed: its outcome stays unknown until a commit answers. */
  failed(err: unknown, token: CommitToken | undefined, plan: FlushPlan): void {
    this.#unknown =
      token !== undefined && (this.#unknown !== undefined || err instanceof CommitOutcomeUnknownError)
        ? { token: token.value, plan }
        : undefined
  }

  /** A commit answered, or the session rolled back: nothing is left to retry. */
  settle(): void {
    this.#unknown = undefined
  }
}
