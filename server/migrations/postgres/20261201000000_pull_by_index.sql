-- Who a case's `put` row is for: the case's assignee when the row was written (each write of a
-- case replaces its put row, so it is always the current one). An engineer's pull then finds
-- its rows through indexes instead of scanning every change since its cursor.
ALTER TABLE changes ADD COLUMN audience TEXT;
UPDATE changes SET audience = (SELECT k.assignee_id FROM cases k WHERE k.id = changes.entity_id)
    WHERE entity = 'case' AND op = 'put' AND user_id IS NULL;
CREATE INDEX changes_audience ON changes (audience, id) WHERE audience IS NOT NULL;
CREATE INDEX changes_entity_id ON changes (entity, id);
