/**
 * The plain array behind an instrumented collection, so readers (flush, merge, inspection) see
 * members without firing change events. A leaf module: the instance state reads it too.
 * @module
 */

const targets = new WeakMap<object, object[]>()

/** Records `items` as the array behind the collection proxy `list`. */
export function rememberRawList(list: object[], items: object[]): void {
  targets.set(list, items)
}

/** The plain array behind a collection (changes to it fire no events). */
export function rawList(list: object[]): object[] {
  return targets.get(list) ?? list
}
