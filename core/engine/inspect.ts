/**
 * What `console.log`, `util.inspect` (Node, Bun) and `Deno.inspect` show of engines, adapters,
 * connections and sessions: a one-line summary, never a driver client, a connection string or a
 * token. Uses the runtimes' registered symbols, so core imports no `node:util`.
 * @module
 */

/** Node's and Bun's custom-inspect symbol (`util.inspect.custom`). */
export const nodeInspect: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never
/** Deno's custom-inspect symbol (`Deno.customInspect`). */
export const denoInspect: unique symbol = Symbol.for('Deno.customInspect') as never

type Summary = Readonly<Record<string, string | number | boolean | null | undefined>>

function show(v: Summary[string]): string {
  return typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : String(v)
}

/** `Name { key: 'value', ... }` of the fields given (undefined ones left out). */
export function summary(name: string, fields: Summary): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${show(v)}`)
  return parts.length === 0 ? `${name} {}` : `${name} { ${parts.join(', ')} }`
}

/** Defines both custom-inspect methods on `target` (non-enumerable), answering `describe()`. */
export function defineInspect(target: object, describe: () => string): void {
  for (const key of [nodeInspect, denoInspect])
    Object.defineProperty(target, key, { value: describe, enumerable: false, configurable: true })
}

/**
 * Makes an adapter safe to print: its `secrets` become a non-enumerable getter (absent from
 * `JSON.stringify`, spreads and `Object.keys`; copy it explicitly when wrapping an adapter) and
 * inspecting it shows only its name and dialect. Returns the same object.
 */
export function sealAdapter<
  A extends { readonly name: string; readonly secrets?: readonly string[] | undefined },
>(adapter: A): A {
  const secrets = Object.freeze([...(adapter.secrets ?? [])])
  Object.defineProperty(adapter, 'secrets', { get: () => secrets, enumerable: false, configurable: true })
  // the adapter's dialect names the SQL it speaks
  const dialect = (adapter as { dialect?: { name?: string } }).dialect?.name
  defineInspect(adapter, () => summary('Adapter', { name: adapter.name, dialect }))
  return adapter
}
