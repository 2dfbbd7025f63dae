-- The schema of edge-examples/app/models.ts, written by `npm run examples:migration`
-- (createAllDdl(metadata, sqlite)). Do not edit: change the models and write it again.

CREATE TABLE authors (
  id CHAR(36) NOT NULL,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) NOT NULL,
  bio TEXT,
  created_at DATETIME NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uq_authors_email UNIQUE (email)
);

CREATE INDEX ix_authors_created_at ON authors (created_at, id);

CREATE TABLE posts (
  id CHAR(36) NOT NULL,
  author_id CHAR(36) NOT NULL,
  title VARCHAR(200) NOT NULL,
  body TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (id),
  FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE
);

CREATE INDEX ix_posts_author_id ON posts (author_id);

CREATE INDEX ix_posts_created_at ON posts (created_at, id);

CREATE TABLE tags (
  id CHAR(36) NOT NULL,
  name VARCHAR(50) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uq_tags_name UNIQUE (name)
);

CREATE TABLE post_tags (
  post_id CHAR(36) NOT NULL,
  tag_id CHAR(36) NOT NULL,
  PRIMARY KEY (post_id, tag_id),
  FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
  FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
);

CREATE INDEX ix_post_tags_tag_id ON post_tags (tag_id);
