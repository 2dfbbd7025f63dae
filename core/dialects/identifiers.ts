import { CompileError } from '../errors.js'

/**
 * Words reserved by at least one of PostgreSQL, SQLite, MySQL/MariaDB (or by the SQL standard
 * in a way that makes them unsafe as bare identifiers). Identifiers that match are quoted.
 */
/** A set of words built on first use, so loading a module does no work beyond defining things. */
export function wordSet(words: string): () => ReadonlySet<string> {
  let set: Set<string> | undefined
  return () => (set ??= new Set(words.trim().split(/\s+/)))
}

const reserved = wordSet(
  `accessible add all alter analyse analyze and any array as asc asensitive asymmetric authorization before between
bigint binary blob both by call cascade case cast change char character check collate column condition constraint
continue convert create cross current current_catalog current_date current_role current_time current_timestamp
current_user cursor database databases day_hour day_microsecond day_minute day_second dec decimal declare default
deferrable delayed delete desc describe deterministic distinct distinctrow div do double drop dual each else elseif
enclosed end escape escaped except exists exit explain false fetch filter float float4 float8 for force foreign freeze
from full fulltext function generated glob grant group groups having high_priority hour_microsecond hour_minute
hour_second if ignore ilike in index infile initially inner inout insensitive insert int int1 int2 int3 int4 int8
integer intersect interval into is isnull join key keys kill lateral leading leave left like limit linear lines load
localtime localtimestamp lock long longblob longtext loop low_priority match mediumblob mediumint mediumtext middleint
minute_microsecond minute_second mod modifies natural not notnull no_write_to_binlog null numeric of offset on only
optimize option optionally or order out outer outfile over overlaps partition placing precision primary procedure
purge range read reads real recursive references regexp release rename repeat replace require resignal restrict
returning return revoke right rlike rows schema schemas select sensitive separator set show signal similar smallint
some spatial specific sql sqlexception sqlstate sqlwarning sql_big_result sql_calc_found_rows sql_small_result ssl
starting stored straight_join symmetric table terminated then tinyblob tinyint tinytext to trailing transaction trigger
true undo union unique unlock unsigned update usage use user using utc_date utc_time utc_timestamp values varbinary
varchar varcharacter variadic varying verbose virtual when where while window with write xor year_month zerofill`,
)

const plain = /^[a-z_][a-z0-9_]*$/

/** Quoting rules of one dialect. */
export interface IdentifierRules {
  /** The quote character: `"` or a backtick. */
  readonly quote: string
  /** Most bytes (PostgreSQL: 63) or characters (MySQL: 64) an identifier may have. */
  readonly maxLength: number
  readonly lengthUnit: 'bytes' | 'characters'
  /** MySQL rejects identifiers that end with a space. */
  readonly noTrailingSpace: boolean
}

const encoder = new TextEncoder()

/** The UTF-8 bytes of `text` (shared with the DDL naming code). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** The length of `name` in the unit the dialect counts identifiers in (bytes or characters). */
export function identifierSize(name: string, rules: IdentifierRules): number {
  return rules.lengthUnit === 'bytes' ? utf8(name).length : [...name].length
}

/** Checks an identifier against the dialect's limits; throws a {@link CompileError} naming the rule. */
export function validateIdentifier(name: string, rules: IdentifierRules, dialect: string): void {
  if (name.length === 0) throw new CompileError(`Empty identifiers are not allowed on ${dialect}`)
  if (name.includes('\0'))
    throw new CompileError(`Identifiers cannot contain NUL on ${dialect}: ${JSON.stringify(name)}`)
  const size = identifierSize(name, rules)
  if (size > rules.maxLength)
    throw new CompileError(
      `Identifier ${JSON.stringify(name)} is ${size} ${rules.lengthUnit} long; ${dialect} allows at most ${rules.maxLength}`,
    )
  if (rules.noTrailingSpace && name.endsWith(' '))
    throw new CompileError(
      `Identifier ${JSON.stringify(name)} ends with a space, which ${dialect} does not allow`,
    )
}

/** Quotes `name` when it is not a plain lower-case word or is reserved; doubles embedded quotes. */
export function quoteIdentifier(name: string, rules: IdentifierRules, dialect: string): string {
  validateIdentifier(name, rules, dialect)
  if (plain.test(name) && !reserved().has(name)) return name
  return rules.quote + name.split(rules.quote).join(rules.quote + rules.quote) + rules.quote
}
