/**
 * The node kinds are a closed union: the compiler's dispatch table and the statement cache's key
 * declarations have one entry per kind, each typed with its kind's node, so a table missing a
 * kind (or a kind added without its entries) does not compile.
 */
import { describe, expectTypeOf, test } from 'vitest'
import type { CacheKeyDeclarations } from '../../core/sql/cache-key.js'
import type { BinaryExpression, ColumnRef } from '../../core/sql/elements.js'
import type { Join } from '../../core/sql/from-clauses.js'
import type { NodeKind, NodeOfKind, NodeVisitors, SqlNode } from '../../core/sql/nodes.js'
import type { Select } from '../../core/sql/select.js'

declare const visitors: NodeVisitors<unknown>
declare const keys: CacheKeyDeclarations

describe('closed node kinds', () => {
  test('a dispatch table missing a kind does not compile', () => {
    const { over: _over, ...withoutOver } = visitors
    // @ts-expect-error: the table has no entry for 'over'
    const table: NodeVisitors<unknown> = withoutOver
    void table
    const { recursive_union: _ru, ...withoutRecursiveUnion } = visitors
    // @ts-expect-error: the table has no entry for 'recursive_union'
    const other: NodeVisitors<unknown> = withoutRecursiveUnion
    void other
  })

  test('key declarations need every kind too', () => {
    const { join: _join, ...withoutJoin } = keys
    // @ts-expect-error: no declaration for 'join'
    const declarations: CacheKeyDeclarations = withoutJoin
    void declarations
  })

  test("each entry receives its own kind's node", () => {
    expectTypeOf<Parameters<NodeVisitors<unknown>['binary']>[1]>().toEqualTypeOf<BinaryExpression>()
    expectTypeOf<Parameters<NodeVisitors<unknown>['select']>[1]>().toEqualTypeOf<Select>()
    expectTypeOf<NodeOfKind<'column'>>().toEqualTypeOf<ColumnRef>()
    expectTypeOf<NodeOfKind<'join'>>().toEqualTypeOf<Join>()
    expectTypeOf<SqlNode['kind']>().toEqualTypeOf<NodeKind>()
  })

  test('a key declaration names only fields of its node', () => {
    // @ts-expect-error: BinaryExpression has no field 'operand'
    const bad: CacheKeyDeclarations['binary'] = { operand: 'node' }
    void bad
  })
})
