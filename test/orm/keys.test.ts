/** Client-side key helpers. */
import { describe, expect, it } from 'vitest'
import { ulid, uuid } from '../../core/orm/keys.js'

describe('client-side keys', () => {
  it('uuid() is a version-4 UUID', () => {
    expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(uuid()).not.toBe(uuid())
  })
  it('ulid() is 26 Crockford characters whose first 10 encode the time', () => {
    const id = ulid(1_700_000_000_000)
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(id.slice(0, 10)).toBe('01HF7YAT00') // 1,700,000,000,000 ms in base 32
  })
  it('ulids made in order sort in order, also within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => ulid(1_700_000_000_000 + Math.floor(i / 100)))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(1000)
  })
})
