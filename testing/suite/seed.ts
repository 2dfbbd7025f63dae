import { type AsyncEngine, func, select } from '../../core/index.js'
import { insertRows } from './helpers.js'
import { categories, items } from './schema.js'

/** The rows of `ea_items` (read-only for the select and results topics). */
export const itemRows = [
  { id: 1, name: 'Anvil', qty: 5, price: '19.99', active: true, categoryId: 1, note: null },
  { id: 2, name: 'Bucket', qty: 3, price: '4.50', active: true, categoryId: 1, note: 'blue' },
  { id: 3, name: 'Chisel', qty: null, price: '12.00', active: false, categoryId: 1, note: null },
  { id: 4, name: 'Doll', qty: 8, price: '9.95', active: true, categoryId: 2, note: 'pink' },
  { id: 5, name: 'Easel', qty: 2, price: '35.00', active: false, categoryId: 2, note: null },
  { id: 6, name: 'Frisbee', qty: 10, price: '3.25', active: true, categoryId: 2, note: 'red' },
  { id: 7, name: 'Globe', qty: 1, price: null, active: true, categoryId: null, note: null },
  { id: 8, name: 'hammer', qty: 6, price: '15.00', active: true, categoryId: 1, note: '50% off' },
  { id: 9, name: 'Igloo kit', qty: 4, price: '99.99', active: false, categoryId: 2, note: 'ice_cold' },
  { id: 10, name: 'Jigsaw', qty: 7, price: '0.50', active: true, categoryId: 2, note: null },
] as const

export const categoryRows = [
  { id: 1, name: 'tools' },
  { id: 2, name: 'toys' },
  { id: 3, name: 'empty' },
] as const

/** Seeds categories and items once per suite run. */
export async function seedItems(engine: AsyncEngine): Promise<void> {
  const n = (await engine.execute(select(func.count()).selectFrom(items))).scalarOne()
  if (n !== 0) return
  await insertRows(engine, categories, categoryRows)
  await insertRows(engine, items, itemRows)
}
