import { SqlCompiler } from '../../sql/compiler.js'
import type { BindParam } from '../../sql/elements.js'
import type { SqlType } from '../../sql/types.js'

/** What the compiler asks of the PostgreSQL dialect beyond the common hooks. */
interface BindCasts {
  bindCastTypeName(type: SqlType): string
}

/** PostgreSQL's compiler: `$n` placeholders with casts where the type cannot be inferred. */
export class PostgresCompiler extends SqlCompiler {
  protected override bindCast(bind: BindParam): string {
    const type = bind.type
    if (type.kind === 'null' || bind.expanding) return ''
    return `::${(this.dialect as unknown as BindCasts).bindCastTypeName(type)}`
  }
  protected override functionName(name: string): string {
    return portableFunctions[name] ?? super.functionName(name)
  }
}

/** PostgreSQL's names of the portable functions of `func`. */
const portableFunctions: Readonly<Record<string, string>> = {
  aggregate_strings: 'string_agg',
  json_array_agg: 'json_agg',
}
