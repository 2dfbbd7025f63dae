/**
 * The JSON shapes of Hrana 2 over HTTP (`POST /v2/pipeline`), as `@libsql/hrana-client` sends
 * and reads them.
 * @module
 */

/** A value on the wire: integers as decimal strings, blobs as base64. */
export type HranaValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string }

export interface HranaNamedArg {
  name: string
  value: HranaValue
}

export interface HranaStmt {
  sql?: string
  sql_id?: number
  args?: HranaValue[]
  named_args?: HranaNamedArg[]
  want_rows?: boolean
}

export type HranaCond =
  | { type: 'ok'; step: number }
  | { type: 'error'; step: number }
  | { type: 'not'; cond: HranaCond }
  | { type: 'and'; conds: HranaCond[] }
  | { type: 'or'; conds: HranaCond[] }
  | { type: 'is_autocommit' }

export interface HranaBatch {
  steps: { condition?: HranaCond | null; stmt: HranaStmt }[]
}

export type HranaRequest =
  | { type: 'execute'; stmt: HranaStmt }
  | { type: 'batch'; batch: HranaBatch }
  | { type: 'sequence'; sql?: string; sql_id?: number }
  | { type: 'describe'; sql?: string; sql_id?: number }
  | { type: 'store_sql'; sql_id: number; sql: string }
  | { type: 'close_sql'; sql_id: number }
  | { type: 'close' }
  | { type: 'get_autocommit' }

export interface PipelineRequestBody {
  baton?: string | null
  requests: HranaRequest[]
}

/** An error as Hrana reports it; `code` is a primary SQLite code name (rusqlite's) or one of sqld's. */
export interface HranaError {
  message: string
  code?: string
}

export interface HranaCol {
  name: string | null
  decltype: string | null
}

export interface HranaStmtResult {
  cols: HranaCol[]
  rows: HranaValue[][]
  affected_row_count: number
  last_insert_rowid: string | null
}

export interface HranaBatchResult {
  step_results: (HranaStmtResult | null)[]
  step_errors: (HranaError | null)[]
}

export interface HranaDescribeResult {
  params: { name: string | null }[]
  cols: { name: string; decltype: string | null }[]
  is_explain: boolean
  is_readonly: boolean
}

export type HranaResponse =
  | { type: 'execute'; result: HranaStmtResult }
  | { type: 'batch'; result: HranaBatchResult }
  | { type: 'sequence' }
  | { type: 'describe'; result: HranaDescribeResult }
  | { type: 'store_sql' }
  | { type: 'close_sql' }
  | { type: 'close' }
  | { type: 'get_autocommit'; is_autocommit: boolean }

export type HranaStreamResult = { type: 'ok'; response: HranaResponse } | { type: 'error'; error: HranaError }

export interface PipelineResponseBody {
  baton: string | null
  base_url: string | null
  results: HranaStreamResult[]
}
