-- A change's place in the feed is (tx, id): the id of the transaction that wrote it, then the
-- row. Ids from a sequence commit out of order (id 99 may commit after id 100), so a cursor
-- on ids alone could skip a change; a pull returns only rows of transactions older than every
-- transaction still running (store::log::horizon), and any row committed later has a larger
-- tx than all of those.
ALTER TABLE changes ADD COLUMN tx BIGINT NOT NULL DEFAULT 0;
ALTER TABLE changes ALTER COLUMN tx SET DEFAULT (pg_current_xact_id()::text::bigint);
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
