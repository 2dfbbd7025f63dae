/**
 * How a load recognises a loader option without importing the option functions: they bring the
 * strategies they name (`jsonload()` the JSON loader), so a Worker that never calls one does not
 * bundle its loader. A leaf module, shared by loader-options.ts and option-trees.ts.
 * @module
 */
/** The brand every LoaderOption carries. */
export const LOADER_OPTION: unique symbol = Symbol('edgealchemy.LoaderOption')

/** True for a loader option (`selectinload(...)`, `loadOnly(...)`, ...). */
export function isLoaderOption(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [LOADER_OPTION]?: unknown })[LOADER_OPTION] === true
  )
}
