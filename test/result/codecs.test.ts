import { describe, expect, it } from 'vitest'
import { decoderFor, parseDateTime, t } from '../../core/index.js'

describe('decoding by declared type', () => {
  it('reads timestamps in every driver form as the same Date', () => {
    const want = Date.UTC(2024, 0, 2, 3, 4, 5, 678)
    for (const text of [
      '2024-01-02 03:04:05.678',
      '2024-01-02T03:04:05.678Z',
      '2024-01-02 03:04:05.678901+00',
      '2024-01-02 05:04:05.678+02',
      '2024-01-01 23:04:05.678-04:00',
    ])
      expect(parseDateTime(text).getTime(), text).toBe(want)
  })
  it('gives the same values from PostgreSQL text, MySQL text and SQLite values', () => {
    const cases: [Parameters<typeof decoderFor>[0], unknown[], unknown][] = [
      [t.Integer, ['42', 42, 42n], 42],
      [t.BigInteger, ['9007199254740993', 9007199254740993n], 9007199254740993n],
      [t.Boolean, ['t', '1', 1, 1n, true], true],
      [t.Boolean, ['f', '0', 0, 0n, false], false],
      [t.Numeric(10, 2), ['1.50', 1.5], '1.50'],
      [t.JSON(), ['{"a":[1,2]}'], { a: [1, 2] }],
      [t.LargeBinary, ['\\x0102ff', new Uint8Array([1, 2, 255]), [1, 2, 255]], new Uint8Array([1, 2, 255])],
      [t.UUID, ['0E3F5E8C-0000-4000-8000-000000000001'], '0e3f5e8c-0000-4000-8000-000000000001'],
    ]
    // decoding by declared type is the same on every dialect
    for (const [type, raws, want] of cases)
      for (const raw of raws) expect(decoderFor(type)(raw), `${type} ${String(raw)}`).toEqual(want)
  })
  it('decodes custom types through their base', () => {
    const cents = t.custom(t.Integer, {
      encode: (d: number) => Math.round(d * 100),
      decode: (c: number) => c / 100,
    })
    expect(decoderFor(cents)('150')).toBe(1.5)
  })
})
