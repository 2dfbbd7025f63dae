/**
 * PostgreSQL's result type ids (OIDs) to decoders, for columns with no declared type.
 * @module
 */
import {
  type Decoder,
  identity,
  parseDateTime,
  parseJson,
  safeInteger,
  toBoolean,
  toBytes,
  toNumber,
  untypedDecoder,
} from '../codecs.js'

/** Decoders by OID; other OIDs come as text and stay so. */
const pgOids: Record<number, Decoder> = {
  16: toBoolean,
  17: toBytes,
  20: safeInteger,
  21: toNumber,
  23: toNumber,
  26: toNumber,
  114: parseJson,
  700: toNumber,
  701: toNumber,
  1114: parseDateTime,
  1184: parseDateTime,
  3802: parseJson,
}

/** The decoder of a column with no declared type, from its OID where the driver reports one. */
export function postgresDriverTypeDecoder(driverType: number | string | undefined): Decoder {
  return typeof driverType === 'number' ? (pgOids[driverType] ?? identity) : untypedDecoder
}
