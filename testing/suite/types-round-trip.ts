/**
 * Every type round-trips to the same JavaScript value on every adapter: written with insert,
 * read back with select (and through RETURNING where there is one), found again by equality.
 * @module
 */
import { insert, select } from '../../core/index.js'
import { bytePattern } from './helpers.js'
import { types } from './schema.js'
import type { Topic } from './types.js'

type Key = Exclude<keyof typeof types.c, 'id'>

/** One sample: a label, the value written, and the value expected back (the same by default). */
export interface Sample {
  readonly label: string
  readonly value: unknown
  readonly expected?: unknown
}

const s = (label: string, value: unknown, expected?: unknown): Sample =>
  expected === undefined ? { label, value } : { label, value, expected }

/** The samples per column; each becomes a case. */
export const samples: Readonly<Record<Key, readonly Sample[]>> = {
  vInteger: [
    s('0', 0),
    s('a bigint value reads back as a number', 12n, 12),
    s('-1', -1),
    s('2^31 - 1', 2147483647),
    s('-2^31', -2147483648),
  ],
  vSmall: [s('32767', 32767), s('-32768', -32768)],
  vBig: [
    s('small bigint', 42n),
    s('2^53 + 1 (beyond Number.MAX_SAFE_INTEGER)', 9007199254740993n),
    s('2^63 - 1', 9223372036854775807n),
    s('-2^63', -9223372036854775808n),
    s('a number is read back as bigint', 7, 7n),
  ],
  vFloat: [
    s('1.5', 1.5),
    s('-0.25', -0.25),
    s('0.1', 0.1),
    s('1e-10', 1e-10),
    s('1/3', 1 / 3),
    s('1e300', 1e300),
  ],
  vNumeric: [
    s("'1.50' keeps its scale", '1.50'),
    s("'12345678.99'", '12345678.99'),
    s("'-0.01'", '-0.01'),
    s("'0.00'", '0.00'),
    s("'99999999.99' (the largest of precision 10)", '99999999.99'),
    s("'7' reads with its scale", '7', '7.00'),
    s('the number 2.5 reads as a string', 2.5, '2.50'),
  ],
  vString: [
    s('ascii', 'hello world'),
    s('numeric-looking text stays text', '007'),
    s('exponent-looking text stays text', '1e5'),
    s('empty string', ''),
    s('200 characters', 'x'.repeat(200)),
  ],
  vText: [s('multi-line', 'line 1\nline 2\r\nline 3\ttabbed'), s('empty string', '')],
  vBoolean: [s('true', true), s('false', false)],
  vDate: [s('2024-02-29', '2024-02-29'), s('1970-01-01', '1970-01-01'), s('9999-12-31', '9999-12-31')],
  vDateTime: [
    s('naive, with milliseconds', new Date('2024-03-10T12:34:56.789Z')),
    s('the epoch', new Date(0)),
    s('before 1970', new Date('1901-12-13T20:45:52.001Z')),
  ],
  vDateTimeTz: [
    s('timezone-aware, with milliseconds', new Date('2024-03-10T23:59:59.999Z')),
    s('given with an offset, read as the same instant', new Date('2024-06-01T10:00:00.5+05:30')),
  ],
  vTime: [s('13:45:30', '13:45:30'), s('00:00:00', '00:00:00'), s('23:59:59', '23:59:59')],
  vJson: [
    s('nested object', { a: 1, b: [true, null, 'x'], c: { d: { e: 1.5 } } }),
    s('array', [1, 'two', { three: 3 }]),
    s('string', 'just text'),
    s('integer number', 42),
    s('float number', 1.25),
    s('boolean', true),
    s('numeric-looking string', '123'),
    s('empty object', {}),
  ],
  vUuid: [
    s('lower-case', '123e4567-e89b-12d3-a456-426614174000'),
    s(
      'upper-case reads as lower-case',
      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ),
  ],
  vBinary: [
    s('bytes with zeros', new Uint8Array([0, 1, 2, 0, 255, 0])),
    s('zero-length', new Uint8Array(0)),
    s(
      'all 256 byte values',
      Uint8Array.from({ length: 256 }, (_, i) => i),
    ),
    s('4 KB pattern', bytePattern(4096)),
  ],
  vEnum: [s('red', 'red'), s('blue', 'blue')],
  vCustom: [s('a tag list', ['a', 'b', 'c']), s('one tag', ['solo'])],
}

/** The values the equality lookup cannot compare portably (floats, JSON). */
const noEqualityLookup = new Set<Key>(['vFloat', 'vJson', 'vText'])

const typeNames: Record<Key, string> = {
  vInteger: 'Integer',
  vSmall: 'SmallInteger',
  vBig: 'BigInteger',
  vFloat: 'Float',
  vNumeric: 'Numeric(10, 2)',
  vString: 'String(200)',
  vText: 'Text',
  vBoolean: 'Boolean',
  vDate: 'Date',
  vDateTime: 'DateTime (naive)',
  vDateTimeTz: 'DateTime (timezone)',
  vTime: 'Time',
  vJson: 'JSON',
  vUuid: 'UUID',
  vBinary: 'LargeBinary',
  vEnum: 'Enum',
  vCustom: 'custom type (TagList)',
}

/** Checks a value read back: same JS type (bytes as a plain Uint8Array), same content. */
export function expectSame(expect: Topic['expect'], actual: unknown, expected: unknown): void {
  if (expected instanceof Uint8Array) {
    expect(Object.getPrototypeOf(actual)).toBe(Uint8Array.prototype)
    expect(Array.from(actual as Uint8Array)).toEqual(Array.from(expected))
    return
  }
  if (expected instanceof Date) {
    expect(actual).toBeInstanceOf(Date)
    expect((actual as Date).toISOString()).toBe(expected.toISOString())
    return
  }
  expect(typeof actual).toBe(typeof expected)
  expect(actual).toEqual(expected)
}

export function typesTopic(st: Topic): void {
  const { test, expect } = st
  for (const key of Object.keys(samples) as Key[]) {
    const col = types.c[key]
    const name = typeNames[key]
    for (const sample of samples[key]) {
      const expected = sample.expected === undefined ? sample.value : sample.expected
      test(`${name} round-trips ${sample.label}`, async () => {
        const id = st.nextId()
        await st.engine.execute(insert(types).values({ id, [key]: sample.value } as never))
        const back = (await st.engine.execute(select(col).where(types.c.id.eq(id)))).scalarOne()
        expectSame(expect, back, expected)
      })
    }
    const first = samples[key][0]!
    test(`${name} comes back through RETURNING`, { requires: ['returning'] }, async () => {
      const id = st.nextId()
      const r = await st.engine.execute(
        insert(types)
          .values({ id, [key]: first.value } as never)
          .returning(col),
      )
      expectSame(expect, r.scalarOne(), first.expected ?? first.value)
    })
    if (!noEqualityLookup.has(key)) {
      const last = samples[key].at(-1)!
      test(`${name} finds its row by equality with ${last.label}`, async () => {
        const id = st.nextId()
        await st.engine.execute(insert(types).values({ id, [key]: last.value } as never))
        const found = await st.engine.execute(
          select(types.c.id).where(types.c.id.eq(id), col.eq(last.value as never)),
        )
        expect(found.scalars().all()).toEqual([id])
      })
    }
  }

  const keys = Object.keys(samples) as Key[]
  /** A row holding sample `n` (or the last one) of every type. */
  const fullRow = (id: number, n = 0) => {
    const row: Record<string, unknown> = { id }
    for (const key of keys) row[key] = (samples[key][n] ?? samples[key].at(-1)!).value
    return row
  }
  const expectFullRow = (back: Record<string, unknown>, n = 0) => {
    for (const key of keys) {
      const sample = samples[key][n] ?? samples[key].at(-1)!
      expectSame(expect, back[key], sample.expected ?? sample.value)
    }
  }
  const byIds = (...ids: number[]) => select(types).where(types.c.id.in(ids)).orderBy(types.c.id)

  test('every type in one row reads back in one select', async () => {
    const id = st.nextId()
    await st.engine.execute(insert(types).values(fullRow(id) as never))
    expectFullRow((await st.engine.execute(byIds(id))).one()._mapping)
  })
  test('every type round-trips through executemany', async () => {
    const a = st.nextId()
    const b = st.nextId()
    const conn = await st.engine.connect()
    try {
      await conn.execute(insert(types), [fullRow(a, 0), fullRow(b, 1)])
      await conn.commit()
    } finally {
      await conn.close()
    }
    const rows = (await st.engine.execute(byIds(a, b))).all()
    expectFullRow(rows[0]!._mapping, 0)
    expectFullRow(rows[1]!._mapping, 1)
  })
  test('every type round-trips inside one batch', async () => {
    const id = st.nextId()
    const [, read] = await st.engine.batch([insert(types).values(fullRow(id, 1) as never), byIds(id)])
    expectFullRow(read!.one()._mapping, 1)
  })
  test('every type round-trips inside a transaction', { requires: ['interactiveTransactions'] }, async () => {
    const id = st.nextId()
    await st.engine.begin(async (conn) => {
      await conn.execute(insert(types).values(fullRow(id, 1) as never))
      expectFullRow((await conn.execute(byIds(id))).one()._mapping, 1)
    })
    expectFullRow((await st.engine.execute(byIds(id))).one()._mapping, 1)
  })
  test('every type reads back through stream()', { requires: ['streaming'] }, async () => {
    const a = st.nextId()
    const b = st.nextId()
    await st.engine.execute(insert(types).values([fullRow(a, 0), fullRow(b, 1)] as never))
    const conn = await st.engine.connect()
    try {
      const rows = await (await conn.stream(byIds(a, b), { chunkSize: 1 })).all()
      expectFullRow(rows[0]!._mapping, 0)
      expectFullRow(rows[1]!._mapping, 1)
    } finally {
      await conn.close()
    }
  })
  test('NULL in every type round-trips through executemany and batch', async () => {
    const a = st.nextId()
    const b = st.nextId()
    await st.engine.execute(insert(types), [{ id: a }, { id: b }])
    const [read] = await st.engine.batch([byIds(a, b)])
    for (const row of read!.all()) for (const key of keys) expect(row._mapping[key]).toBeNull()
  })
}
