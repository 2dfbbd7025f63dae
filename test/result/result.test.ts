import { describe, expect, it } from 'vitest'
import { MultipleResultsFound, NoResultFound, Result } from '../../core/index.js'

const make = (rows: unknown[][], names = ['id', 'name']) =>
  new Result<{ 0: number; 1: string; id: number; name: string }>(names, rows, 2, 7)

describe('Result', () => {
  it('rows have index, named and _mapping access and are not arrays', () => {
    const [row] = make([[1, 'Ann']]).all()
    expect(row![0]).toBe(1)
    expect(row!.name).toBe('Ann')
    expect(row!._mapping).toEqual({ id: 1, name: 'Ann' })
    expect(Array.isArray(row)).toBe(false)
    expect(row!._tuple()).toEqual([1, 'Ann'])
    expect(JSON.stringify(row)).toBe('{"id":1,"name":"Ann"}')
    expect([...(row as unknown as Iterable<unknown>)]).toEqual([1, 'Ann'])
  })
  it('names that clash with row members stay reachable through _mapping', () => {
    const [row] = new Result(['length', 'toJSON', '_mapping'], [[3, 'j', 'm']]).all()
    expect(row!._mapping).toEqual({ length: 3, toJSON: 'j', _mapping: 'm' })
    expect(row![2]).toBe('m')
  })
  it('fetchOne, fetchMany and all read like a cursor', () => {
    const r = make([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ])
    expect(r.fetchOne()!.id).toBe(1)
    expect(r.fetchMany(2).map((x) => x.id)).toEqual([2, 3])
    expect(r.all().map((x) => x.id)).toEqual([4])
    expect(r.fetchOne()).toBeNull()
  })
  it('first and scalar take one row and close', () => {
    const r = make([
      [1, 'a'],
      [2, 'b'],
    ])
    expect(r.first()!.name).toBe('a')
    expect(r.all()).toEqual([])
    expect(make([[5, 'x']]).scalar()).toBe(5)
    expect(make([]).scalar()).toBeNull()
  })
  it('one and oneOrNone enforce their counts', () => {
    expect(() => make([]).one()).toThrow(NoResultFound)
    expect(() =>
      make([
        [1, 'a'],
        [2, 'b'],
      ]).one(),
    ).toThrow(MultipleResultsFound)
    expect(make([]).oneOrNone()).toBeNull()
    expect(() =>
      make([
        [1, 'a'],
        [2, 'b'],
      ]).oneOrNone(),
    ).toThrow(MultipleResultsFound)
    expect(make([[1, 'a']]).scalarOne()).toBe(1)
    expect(make([]).scalarOneOrNone()).toBeNull()
  })
  it('scalars, mappings, columns and unique', () => {
    expect(
      make([
        [1, 'a'],
        [2, 'b'],
      ])
        .scalars()
        .all(),
    ).toEqual([1, 2])
    expect(
      make([
        [1, 'a'],
        [2, 'b'],
      ])
        .scalars('name')
        .all(),
    ).toEqual(['a', 'b'])
    expect(
      make([[1, 'a']])
        .mappings()
        .all(),
    ).toEqual([{ id: 1, name: 'a' }])
    expect(
      make([[1, 'a']])
        .columns('name', 0)
        .all()[0]!
        ._tuple(),
    ).toEqual(['a', 1])
    expect(
      make([
        [1, 'a'],
        [1, 'a'],
        [2, 'a'],
      ])
        .unique()
        .all().length,
    ).toBe(2)
    expect(
      make([
        [1, 'a'],
        [2, 'a'],
      ])
        .scalars(1)
        .unique()
        .all(),
    ).toEqual(['a'])
  })
  it('partitions and iteration', () => {
    const parts = [
      ...make([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ]).partitions(2),
    ].map((p) => p.map((r) => r.id))
    expect(parts).toEqual([[1, 2], [3]])
    expect(
      [
        ...make([
          [1, 'a'],
          [2, 'b'],
        ]),
      ].map((r) => r.name),
    ).toEqual(['a', 'b'])
  })
  it('keeps rowsAffected and lastInsertId', () => {
    const r = make([])
    expect(r.rowsAffected).toBe(2)
    expect(r.lastInsertId).toBe(7)
  })
  it('an unknown column is a clear error', () => {
    expect(() => make([[1, 'a']]).scalars('nope')).toThrow(/No column "nope".*id, name/)
  })
})
