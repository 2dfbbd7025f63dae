/** NULL in every type, unicode, quotes and backslashes, large values. */
import { func, insert, select } from '../../core/index.js'
import { bytePattern } from './helpers.js'
import { types } from './schema.js'
import type { Topic } from './types.js'
import { expectSame, samples } from './types-round-trip.js'

type Key = keyof typeof samples

/** Strings that break naive escaping, quoting or placeholder handling. */
const tricky: readonly (readonly [string, string])[] = [
  ['emoji', 'smile 😀, thumbs 👍🏽, family 👨‍👩‍👧‍👦, flag 🇳🇿'],
  ['CJK', '漢字かなカナ한국어中文'],
  ['combining characters', 'e\u0301 a\u0308 n\u0303 (decomposed)'],
  ['right-to-left text', 'مرحبا بالعالم שלום'],
  ['single quotes', "O'Brien's 'quoted' ''doubled''"],
  ['double quotes', 'say "hi" and ""'],
  ['backslashes', 'C:\\path\\to\\file \\n \\x00 \\\\ end\\'],
  ['a trailing backslash before a quote', "ends with \\'"],
  ['placeholder lookalikes', '? $1 :name %s @p1 ?? $$'],
  ['SQL-injection-shaped', "'); DROP TABLE ea_types; --"],
  ['control characters', 'tab\there\nnewline\rreturn\u0001\u001f'],
  ['LIKE wildcards', '100% of_the time'],
  ['supplementary-plane only', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱𠝹'],
]

export function valuesTopic(st: Topic): void {
  const { test, expect } = st
  const names = Object.keys(samples) as Key[]

  for (const key of names) {
    test(`NULL round-trips in ${String(types.c[key].type)} (${key})`, async () => {
      const id = st.nextId()
      await st.engine.execute(insert(types).values({ id, [key]: null } as never))
      const back = (await st.engine.execute(select(types.c[key]).where(types.c.id.eq(id)))).one()
      expect(back[0]).toBeNull()
    })
  }
  test('a row left empty reads NULL in every column', async () => {
    const id = st.nextId()
    await st.engine.execute(insert(types).values({ id }))
    const row = (await st.engine.execute(select(types).where(types.c.id.eq(id)))).one()._mapping
    for (const key of names) expect(row[key]).toBeNull()
  })
  test('isNull finds NULL in a JSON and a binary column', async () => {
    const id = st.nextId()
    await st.engine.execute(insert(types).values({ id, vInteger: 1 }))
    const stmt = select(types.c.id).where(types.c.id.eq(id), types.c.vJson.isNull(), types.c.vBinary.isNull())
    expect((await st.engine.execute(stmt)).scalars().all()).toEqual([id])
  })

  for (const [label, value] of tricky) {
    test(`String round-trips ${label}`, async () => {
      const id = st.nextId()
      await st.engine.execute(insert(types).values({ id, vString: value, vText: value }))
      const row = (
        await st.engine.execute(select(types.c.vString, types.c.vText).where(types.c.id.eq(id)))
      ).one()
      expect(row._tuple()).toEqual([value, value])
      const found = await st.engine.execute(
        select(types.c.id).where(types.c.id.eq(id), types.c.vString.eq(value)),
      )
      expect(found.scalars().all()).toEqual([id])
    })
  }
  test('unicode inside JSON round-trips', async () => {
    const id = st.nextId()
    const value = { emoji: '😀', cjk: '漢字', quote: `'"\\`, nested: ['é', { k: '👍🏽' }] }
    await st.engine.execute(insert(types).values({ id, vJson: value }))
    expect(await st.engine.scalar(select(types.c.vJson).where(types.c.id.eq(id)))).toEqual(value)
  })
  test('unicode in a LIKE pattern', async () => {
    const id = st.nextId()
    await st.engine.execute(insert(types).values({ id, vString: 'prefix 漢字 😀 suffix' }))
    const stmt = select(types.c.id).where(types.c.id.eq(id), types.c.vString.contains('漢字 😀'))
    expect((await st.engine.execute(stmt)).scalars().all()).toEqual([id])
  })
  test('the database counts the characters of a stored CJK string (no double encoding)', async () => {
    const id = st.nextId()
    await st.engine.execute(insert(types).values({ id, vString: '漢字かな' }))
    // the dialect's character count: SQLite's length() counts characters; elsewhere length() may count bytes
    const fn = func[st.engine.dialect.features.characterLengthFunction]!
    const n = await st.engine.scalar(select(fn(types.c.vString)).where(types.c.id.eq(id)))
    expect(Number(n)).toBe(4)
  })
  test('String(200) holds 200 emoji (length counts characters, not bytes)', async () => {
    const id = st.nextId()
    const value = '😀'.repeat(200)
    await st.engine.execute(insert(types).values({ id, vString: value }))
    expect(await st.engine.scalar(select(types.c.vString).where(types.c.id.eq(id)))).toBe(value)
  })

  test('100 KB of text round-trips', { timeout: 60_000 }, async () => {
    const id = st.nextId()
    const value = 'abcdefghij'.repeat(10_000)
    await st.engine.execute(insert(types).values({ id, vText: value }))
    const back = await st.engine.scalar(select(types.c.vText).where(types.c.id.eq(id)))
    expect((back as string).length).toBe(100_000)
    expect(back).toBe(value)
  })
  test('30,000 CJK characters (90 KB of UTF-8) round-trip', { timeout: 60_000 }, async () => {
    const id = st.nextId()
    const value = '漢字か'.repeat(10_000)
    await st.engine.execute(insert(types).values({ id, vText: value }))
    expect(await st.engine.scalar(select(types.c.vText).where(types.c.id.eq(id)))).toBe(value)
  })
  test('48 KB of binary round-trips', { timeout: 60_000 }, async () => {
    const id = st.nextId()
    const value = bytePattern(48 * 1024)
    await st.engine.execute(insert(types).values({ id, vBinary: value }))
    const back = await st.engine.scalar(select(types.c.vBinary).where(types.c.id.eq(id)))
    expectSame(expect, back, value)
  })
  test('a large JSON document (2,000 entries) round-trips', { timeout: 60_000 }, async () => {
    const id = st.nextId()
    const value = Array.from({ length: 2000 }, (_, i) => ({ i, s: `item ${i}`, ok: i % 2 === 0 }))
    await st.engine.execute(insert(types).values({ id, vJson: value }))
    expect(await st.engine.scalar(select(types.c.vJson).where(types.c.id.eq(id)))).toEqual(value)
  })
  test('many rows with large values in one select', { timeout: 60_000 }, async () => {
    const base = st.nextId()
    for (let i = 0; i < 4; i++) st.nextId()
    const value = 'z'.repeat(20_000)
    await st.engine.execute(
      insert(types).values(Array.from({ length: 5 }, (_, i) => ({ id: base + i, vText: value }))),
    )
    const rows = await st.engine.execute(
      select(types.c.vText)
        .where(types.c.id.between(base, base + 4))
        .orderBy(types.c.id),
    )
    expect(rows.scalars().all()).toEqual([value, value, value, value, value])
  })
}
