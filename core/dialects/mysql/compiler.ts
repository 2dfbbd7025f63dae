import { CompileError } from '../../errors.js'
import { SqlCompiler } from '../../sql/compiler.js'
import type { Concat, ExcludedColumn } from '../../sql/elements.js'
import type { FunctionCall } from '../../sql/functions.js'

/** MySQL/MariaDB's compiler: `concat()`, `VALUES(col)` in upserts, emulated NULLS ordering. */
export class MysqlCompiler extends SqlCompiler {
  protected override visitConcat(node: Concat): void {
    this.append('concat(')
    this.list(node.parts)
    this.append(')')
  }
  protected override visitExcluded(node: ExcludedColumn): void {
    this.append(`VALUES(${this.quote(node.column.name)})`)
  }
  protected override functionName(name: string): string {
    return portableFunctions[name] ?? super.functionName(name)
  }
  /** `group_concat(x ORDER BY y SEPARATOR ',')`: the separator is a keyword clause, last. */
  protected override aggregateSuffix(node: FunctionCall): void {
    this.aggregateOrder(node)
    if (node.separator !== undefined) this.append(` SEPARATOR ${this.dialect.quoteString(node.separator)}`)
  }
  /** Only GROUP_CONCAT and JSON_ARRAYAGG (MariaDB 10.5+) take an ORDER BY inside. */
  protected override aggregateOrder(node: FunctionCall): void {
    if (node.aggregateOrder.length > 0 && !orderedAggregates.has(this.functionName(node.name).toLowerCase()))
      throw new CompileError(
        `ORDER BY inside ${node.name}() is not supported on mysql: only group_concat (func.aggregateStrings) and json_arrayagg (func.jsonArrayAgg, MariaDB 10.5+) take one`,
      )
    super.aggregateOrder(node)
  }
}

/** MySQL's names of the portable functions of `func`. */
const portableFunctions: Readonly<Record<string, string>> = {
  aggregate_strings: 'group_concat',
  json_array_agg: 'json_arrayagg',
}

/** Aggregates that accept `ORDER BY` inside their parentheses on MySQL/MariaDB. */
const orderedAggregates = new Set(['group_concat', 'json_arrayagg'])
