-- Every put deletes the entity's previous change row and inserts a new one, so `changes`
-- turns over its hot rows all the time. Vacuumed at PostgreSQL's default pace (20% of the
-- table dead), a push's DELETE of superseded rows walked their dead versions: 6–8 ms each
-- under 2,000 devices, two thirds of the database's time. Vacuumed after every 1,000 dead
-- rows, unthrottled, it takes 0.5 ms (with `autovacuum_naptime = 5s`, README).
ALTER TABLE changes SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);
