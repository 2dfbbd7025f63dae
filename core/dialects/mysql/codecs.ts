/**
 * MySQL's result type names (as PlanetScale reports them) to decoders, for columns with no
 * declared type.
 * @module
 */
import {
  type Decoder,
  identity,
  parseDateTime,
  parseJson,
  safeInteger,
  toBytes,
  toNumber,
  untypedDecoder,
} from '../codecs.js'

/** Decoders by type name; other types come as text and stay so. */
const mysqlTypes: Record<string, Decoder> = {
  INT8: toNumber,
  UINT8: toNumber,
  INT16: toNumber,
  UINT16: toNumber,
  INT24: toNumber,
  UINT24: toNumber,
  INT32: toNumber,
  UINT32: toNumber,
  INT64: safeInteger,
  UINT64: safeInteger,
  YEAR: toNumber,
  FLOAT32: toNumber,
  FLOAT64: toNumber,
  DATETIME: parseDateTime,
  TIMESTAMP: parseDateTime,
  JSON: parseJson,
  BLOB: toBytes,
  BINARY: toBytes,
  VARBINARY: toBytes,
  BIT: toBytes,
}

/** The decoder of a column with no declared type, from its type name where the driver reports one. */
export function mysqlDriverTypeDecoder(driverType: number | string | undefined): Decoder {
  return typeof driverType === 'string' ? (mysqlTypes[driverType.toUpperCase()] ?? identity) : untypedDecoder
}
