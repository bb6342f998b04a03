-- PostgreSQL's autovacuum settings for `changes` (see the postgres migration of the same
-- version); SQLite reuses freed pages itself.
SELECT 1;
