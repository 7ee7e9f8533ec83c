-- Every firing of a scheduled job, with the node that ran it (the scheduler's instance id) and its
-- outcome: `devreg jobs` and the back office's jobs page read it. (The PostgreSQL script also adds the
-- change notification the decision index listens for; SQLite has none: the index polls.)
CREATE TABLE job_runs (
    id                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    job_name          TEXT    NOT NULL,
    fire_instance_id  TEXT    NOT NULL,
    node              TEXT    NOT NULL,
    scheduled_fire_at TEXT    NULL,
    started_at        TEXT    NOT NULL,
    finished_at       TEXT    NOT NULL,
    succeeded         INTEGER NOT NULL,
    error             TEXT    NULL
);
CREATE INDEX ix_job_runs_started_at ON job_runs (started_at);
