import { SqlCompiler } from '../../sql/compiler.js'
import type { FunctionCall } from '../../sql/functions.js'

/** SQLite's compiler: the portable base with `?` placeholders. */
export class SqliteCompiler extends SqlCompiler {
  protected override visitFunction(node: FunctionCall): void {
    if (node.name === 'now') return this.append('current_timestamp')
    super.visitFunction(node)
  }
  protected override functionName(name: string): string {
    return portableFunctions[name] ?? super.functionName(name)
  }
}

/** SQLite's names of the portable functions of `func` (aggregate ORDER BY needs SQLite 3.44+). */
const portableFunctions: Readonly<Record<string, string>> = {
  aggregate_strings: 'group_concat',
  json_array_agg: 'json_group_array',
}
