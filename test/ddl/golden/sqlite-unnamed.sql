CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  email VARCHAR(100),
  team VARCHAR(20),
  UNIQUE (email),
  CONSTRAINT name_ok CHECK (name <> 'o''brien\')
);

CREATE INDEX ix_users_team ON users (team);

CREATE TABLE kinds (
  id INTEGER NOT NULL PRIMARY KEY,
  i INTEGER DEFAULT 7 NOT NULL,
  si SMALLINT DEFAULT -3,
  f REAL DEFAULT 1.5,
  n NUMERIC(10, 2) DEFAULT '12.50',
  s VARCHAR(50) DEFAULT 'it''s a \ back\slash \'' end',
  tx TEXT DEFAULT 'it''s a \ back\slash \'' end',
  b BOOLEAN DEFAULT 1 NOT NULL,
  d DATE DEFAULT '2024-01-02',
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  tm TIME,
  j JSON,
  u CHAR(36),
  bin BLOB,
  e VARCHAR(1) DEFAULT 'a' NOT NULL,
  owner_id INTEGER,
  expr INTEGER DEFAULT 42,
  FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT i_positive CHECK (i >= 0),
  CHECK (e IN ('a', 'b'))
);

CREATE UNIQUE INDEX kinds_s_tm ON kinds (s, tm);

CREATE TABLE memberships (
  user_id INTEGER NOT NULL,
  group_name VARCHAR(30) NOT NULL,
  kind_id BIGINT NOT NULL,
  role VARCHAR(10) DEFAULT 'member' NOT NULL,
  PRIMARY KEY (user_id, group_name),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT membership_kind FOREIGN KEY (kind_id) REFERENCES kinds (id) ON DELETE RESTRICT,
  UNIQUE (kind_id, role)
);

CREATE INDEX ix_memberships_role ON memberships (role, kind_id);

CREATE TABLE grants (
  id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  group_name VARCHAR(30) NOT NULL,
  PRIMARY KEY (id),
  FOREIGN KEY (user_id, group_name) REFERENCES memberships (user_id, group_name) ON DELETE CASCADE
);

DROP TABLE grants;

DROP TABLE memberships;

DROP TABLE kinds;

DROP TABLE users;
