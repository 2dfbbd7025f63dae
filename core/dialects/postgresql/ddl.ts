import { type DdlFeatures, standardDdl } from '../ddl-features.js'

/** PostgreSQL's DDL: identity columns, Enum as CHECK, comments by `COMMENT ON COLUMN`. */
export const postgresqlDdl: DdlFeatures = {
  ...standardDdl,
  displayName: 'PostgreSQL',
  columnComments: 'statement',
}
