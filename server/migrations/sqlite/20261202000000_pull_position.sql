-- A change's place in the feed is (tx, id): the writing transaction, then the row. SQLite has
-- one writer, so ids already commit in order and tx stays 0; PostgreSQL stores the writer's
-- transaction id (see the postgres migration of the same version and store::log::horizon).
ALTER TABLE changes ADD COLUMN tx INTEGER NOT NULL DEFAULT 0;
DROP INDEX changes_user;
DROP INDEX changes_audience;
DROP INDEX changes_entity_id;
CREATE INDEX changes_position ON changes (tx, id);
CREATE INDEX changes_user ON changes (user_id, tx, id);
CREATE INDEX changes_audience ON changes (audience, tx, id) WHERE audience IS NOT NULL;
CREATE INDEX changes_entity_id ON changes (entity, tx, id);
-- What every user pulls (parts, users, policies, past fixes) has the audience '*'.
UPDATE changes SET audience = '*'
    WHERE entity IN ('part', 'user', 'policy', 'past_fix') AND user_id IS NULL;
