-- A little data for `npm start` (wrangler d1 execute DB --local --file edge-examples/seed.sql).
-- INSERT OR IGNORE with fixed keys: running it again changes nothing, and rows the API changed stay
-- as they are. Timestamps are written as the library writes DateTime on SQLite (UTC text).
INSERT OR IGNORE INTO authors (id, name, email, bio, created_at, version) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'Ada Lovelace', 'ada@example.com', 'Wrote the first program.', '2026-01-01 09:00:00.000', 1),
  ('a0000000-0000-4000-8000-000000000002', 'Grace Hopper', 'grace@example.com', 'Found the first bug.', '2026-01-02 09:00:00.000', 1);
INSERT OR IGNORE INTO tags (id, name) VALUES
  ('c0000000-0000-4000-8000-000000000001', 'edge'),
  ('c0000000-0000-4000-8000-000000000002', 'sql'),
  ('c0000000-0000-4000-8000-000000000003', 'history');
INSERT OR IGNORE INTO posts (id, author_id, title, body, created_at) VALUES
  ('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'Notes on the Analytical Engine', 'Note G computes Bernoulli numbers.', '2026-01-01 10:00:00.000'),
  ('b0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'Programs as data', 'The engine might compose music.', '2026-01-01 11:00:00.000'),
  ('b0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000002', 'Compilers at the edge', 'Close to the user.', '2026-01-02 10:00:00.000');
INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES
  ('b0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000003'),
  ('b0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003'),
  ('b0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000002'),
  ('b0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001'),
  ('b0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000002');
