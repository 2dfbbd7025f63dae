import type { InspectionQueries } from '../../schema/inspection.js'

/** SQLite's catalog queries: `sqlite_master` and `pragma_table_info` of the main database. */
export const sqliteInspection: InspectionQueries = {
  // SQLite's internal sqlite_* tables are left out.
  tableNames:
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  hasTable: (p) => `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${p} COLLATE NOCASE`,
  columns: (p) => `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(${p})`,
  column: (cells) => ({
    name: String(cells[0]),
    type: String(cells[1]),
    // SQLite lets a non-INTEGER primary key hold NULL unless it is declared NOT NULL.
    nullable: Number(cells[2]) === 0,
    default: cells[3] ?? null,
  }),
  // SQLite's foreign keys have no names.
  foreignKeys: () => undefined,
}
