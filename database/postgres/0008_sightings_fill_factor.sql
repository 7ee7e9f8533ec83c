-- The daily merge updates most stored rows of sightings (the day bit, last_seen) and seen_imeis
-- (last_seen) once a day, never an indexed column: with half of each page left free when it is
-- written, those updates stay on the row's own page (heap-only tuples: no new primary-key entry),
-- and the next day's merge reuses the space of the versions the day before left behind
-- (docs/adr/0013-daily-merge-in-place.md). Applies to pages written from now on; an existing store
-- gets it for its old pages by a rewrite (VACUUM FULL sightings, seen_imeis) in a maintenance window.
ALTER TABLE sightings SET (fillfactor = 50);
ALTER TABLE seen_imeis SET (fillfactor = 50);
