-- PostgreSQL partitions sightings by month here (retention drops a month's partition); SQLite, the
-- embedded single-node store, keeps one table and deletes old months' rows.
SELECT 1;
