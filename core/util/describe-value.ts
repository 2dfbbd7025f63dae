/**
 * How error messages name a value they refused: `null`, its `typeof`, or its class name.
 *
 * ```ts
 * describeValue(new Date()) // 'Date'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return (value as object).constructor?.name ?? 'an object'
}
