-- The sightings store tuned for loading (docs/adr/0006-sightings-without-foreign-key.md):
-- sightings loses its foreign key to operators (the ingest resolves and creates operator ids
-- itself, in the same transaction) and its secondary indexes on month and operator_id (no hot path
-- reads through them). The foreign key is found by what it is, not by its generated name.
DO $$
DECLARE
    fk name;
BEGIN
    FOR fk IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'sightings'::regclass AND contype = 'f'
          AND confrelid = 'operators'::regclass
    LOOP
        EXECUTE format('ALTER TABLE sightings DROP CONSTRAINT %I', fk);
    END LOOP;
END $$;

DROP INDEX IF EXISTS ix_sightings_month;
DROP INDEX IF EXISTS ix_sightings_operator_id;
