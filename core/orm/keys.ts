/**
 * Client-side keys for `default:`: with them every commit is one request on batch adapters
 * (no key has to come back from the database before the rows that refer to it are sent).
 * @module
 */

/**
 * A random UUID (version 4) from the Web Crypto API.
 *
 * ```ts
 * id: mappedColumn(t.String(36), { primaryKey: true, default: uuid })
 * ```
 */
export function uuid(): string {
  return crypto.randomUUID()
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
let lastTime = -1
const lastRandom = new Uint8Array(10)

/**
 * A ULID: 26 characters, sortable by creation time (48-bit milliseconds, then 80 random bits;
 * within one millisecond the random part counts up, so keys made in order sort in order).
 *
 * ```ts
 * id: mappedColumn(t.String(26), { primaryKey: true, default: ulid })
 * ```
 */
export function ulid(now: number = Date.now()): string {
  if (now === lastTime) {
    // same millisecond: increment the 80-bit random part
    let i = lastRandom.length - 1
    while (i >= 0 && lastRandom[i] === 255) lastRandom[i--] = 0
    if (i >= 0) lastRandom[i]! += 1
  } else {
    crypto.getRandomValues(lastRandom)
    lastTime = now
  }
  let out = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32]! + out
    t = Math.floor(t / 32)
  }
  // 80 bits -> 16 characters of 5 bits
  let bits = 0
  let value = 0
  for (const byte of lastRandom) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31]!
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  return out
}
